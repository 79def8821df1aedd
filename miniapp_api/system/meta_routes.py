"""GET /api/v1/meta: the facts the API owns that its clients (the bot above all) must not type again —
code patterns, the field ↔ intent table, halls, the booking horizon and the hall clock (DEV_CLOCK included)."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_smorest import Blueprint

from miniapp_api.booking.rules import calendar_days_bound, window_state
from miniapp_api.core.clock import hall_tz, now_local
from miniapp_api.core.errors import ApiError
from miniapp_api.core.vocabulary import vocabulary_document
from miniapp_api.halls.calendar import workday_calendar
from miniapp_api.halls.halls import list_halls

blp = Blueprint("meta", __name__, url_prefix="/api/v1", description="Shared vocabulary and clock")


def last_bookable_date(now: dt.datetime) -> str | None:
    """The latest date a resident can book now (None when the holiday schedule is not known that far)."""
    calendar, last = workday_calendar(), None
    try:
        for offset in range(calendar_days_bound() + 1):
            day = now.date() + dt.timedelta(days=offset)
            if calendar.is_workday(day) and window_state(day, now) == "open":
                last = day
    except ApiError:  # holiday_schedule_unknown: stop where the calendar stops
        pass
    return last.isoformat() if last else None


@blp.route("/meta")
@blp.response(200)
def meta():
    """Patterns, field ↔ intent table, halls, booking horizon and the hall's clock."""
    cfg, now = current_app.config, now_local()
    halls = [{"hall_id": h["hall_id"], "name": h["name"]} for h in list_halls()]
    return {
        **vocabulary_document(),
        "halls": halls,
        "default_hall": halls[0]["hall_id"] if halls else None,
        "booking": {
            "days_ahead": cfg["BOOKING_DAYS_AHEAD"], "unit": "working_days",
            "release_hour": cfg["BOOKING_RELEASE_HOUR"],
            "cancel_cutoff_minutes": cfg["BOOKING_CANCEL_CUTOFF_MINUTES"],
            "last_bookable_date": last_bookable_date(now),
        },
        "clock": {"now": now.isoformat(timespec="seconds"), "today": now.date().isoformat(),
                  "timezone": str(hall_tz()), "dev_clock": bool(cfg.get("DEV_CLOCK"))},
    }
