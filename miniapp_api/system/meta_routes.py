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

CITY_PREFIX = "江川市"


def hall_aliases(hall: dict) -> list[str]:
    """What residents call a hall: its name, without the city, and the branch part ("东区分中心", "东区")."""
    name = hall["name"]
    short = name.removeprefix(CITY_PREFIX)
    names = [name, short]
    if "中心" in short and not short.endswith("服务中心"):
        branch = short.split("中心", 1)[1]  # 市民服务中心东区分中心 → 东区分中心
        names += [branch, branch.removesuffix("分中心")]
    return [n for n in dict.fromkeys(names) if n]

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
    """Patterns, field ↔ intent table, halls (names residents use, district, address, hours), the default
    (city centre) hall, booking horizon and the hall's clock."""
    cfg, now = current_app.config, now_local()
    rows = list_halls()
    halls = [{"hall_id": h["hall_id"], "name": h["name"], "aliases": hall_aliases(h), "district": h.get("district"),
              "address": h.get("address"), "hours": h.get("hours"), "location": h.get("location")} for h in rows]
    # the city centre: the hall with the most categories (district halls serve a subset)
    main = max(rows, key=lambda h: len(h.get("categories") or []), default=None)
    return {
        **vocabulary_document(),
        "halls": halls,
        "default_hall": main["hall_id"] if main else None,
        "booking": {
            "days_ahead": cfg["BOOKING_DAYS_AHEAD"], "unit": "working_days",
            "release_hour": cfg["BOOKING_RELEASE_HOUR"],
            "cancel_cutoff_minutes": cfg["BOOKING_CANCEL_CUTOFF_MINUTES"],
            "last_bookable_date": last_bookable_date(now),
        },
        "clock": {"now": now.isoformat(timespec="seconds"), "today": now.date().isoformat(),
                  "timezone": str(hall_tz()), "dev_clock": bool(cfg.get("DEV_CLOCK"))},
    }
