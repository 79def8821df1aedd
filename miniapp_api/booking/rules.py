"""Booking rules that need no Redis: which days and slots are open, and no-show blocks.

"now" is the hall's clock (services/clock.py): tests inject a fixed time, so every rule is testable
without waiting.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from miniapp_api.core.clock import hall_tz, now_local
from miniapp_api.core.errors import Conflict, Forbidden, Unprocessable
from miniapp_api.core.stores import mongo
from miniapp_api.halls.calendar import workday_calendar
from miniapp_api.halls.facts import open_periods, open_slots
from miniapp_api.halls.halls import slot_bounds

HOLIDAY_NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
                 "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
                 "Mid-autumn Festival": "中秋节"}


def slot_start(date: dt.date, slot: str) -> dt.datetime:
    return dt.datetime.combine(date, slot_bounds(slot)[0], tzinfo=hall_tz())


def seconds_until_day_over(date: dt.date, extra_days: int = 1) -> int:
    """Seconds from "now" until ``date`` (+ extra days) is over: the TTL of a booking's Redis keys.

    Relative to the (injectable) clock rather than absolute, so an injected past "now" still works.
    """
    end = dt.datetime.combine(date + dt.timedelta(days=1 + extra_days), dt.time(), tzinfo=hall_tz())
    return max(int((end - now_local()).total_seconds()), 60)


def ensure_open_day(date: dt.date, hall: dict | None = None) -> None:
    """422 closed_day when the hall is closed on ``date``: statutory holidays, and the weekend days its
    ``opening`` has no periods for (调休 workdays are open like weekdays); without a hall, every
    non-working day. 422 holiday_schedule_unknown for a year without a schedule."""
    calendar = workday_calendar()
    if hall is not None and open_periods(hall, date, calendar):
        return
    if hall is not None or not calendar.is_workday(date):
        name = HOLIDAY_NAMES.get(calendar.holiday_name(date) or "", "")
        why = f"（{name}）" if name else "（非工作日）"
        raise Unprocessable(f"{date.isoformat()} 大厅不办公{why}，请选择工作日", "date", code="closed_day")


def opens_at(date: dt.date) -> dt.datetime:
    """When ``date`` becomes bookable: at the release hour, BOOKING_DAYS_AHEAD working days before it."""
    calendar, n = workday_calendar(), current_app.config["BOOKING_DAYS_AHEAD"]
    day, count = date, 0
    while True:
        count += calendar.is_workday(day)
        if count >= n:
            break
        day -= dt.timedelta(days=1)
    release = dt.time(current_app.config["BOOKING_RELEASE_HOUR"])
    return dt.datetime.combine(day - dt.timedelta(days=1), release, tzinfo=hall_tz())


def calendar_days_bound() -> int:
    """Calendar days beyond which no date can be inside the BOOKING_DAYS_AHEAD working-day window:
    weekends plus the longest run of holidays (Spring Festival with its weekends: 9 days). Saves
    counting working days (and asking for unknown years' schedules) for dates far off."""
    n = current_app.config["BOOKING_DAYS_AHEAD"]
    return n + 2 * (n // 5 + 1) + 9


def window_state(date: dt.date, now: dt.datetime) -> str:
    """'past', 'open' or 'not_yet_open' for a (working) date."""
    today = now.date()
    if date < today:
        return "past"
    if date == today:
        return "open"
    if (date - today).days > calendar_days_bound():
        return "not_yet_open"
    ahead = workday_calendar().workdays_between(today, date)
    allowed = current_app.config["BOOKING_DAYS_AHEAD"]
    if now.hour < current_app.config["BOOKING_RELEASE_HOUR"]:
        allowed -= 1  # the newest day is released at the release hour
    return "open" if ahead <= allowed else "not_yet_open"


def ensure_bookable(date: dt.date, slot: str, now: dt.datetime, hall: dict | None = None) -> None:
    ensure_open_day(date, hall)
    if hall is not None and slot not in open_slots(hall, date, workday_calendar()):
        raise Unprocessable(f"{hall['name']} {date.isoformat()} 的时段 {slot} 不开放", "slot", code="slot_closed")
    state = window_state(date, now)
    if state == "past":
        raise Unprocessable(f"{date.isoformat()} 已过，不能预约", "date", code="date_past")
    if state == "not_yet_open":
        when = opens_at(date).strftime("%Y-%m-%d %H:%M")
        days = current_app.config["BOOKING_DAYS_AHEAD"]
        raise Unprocessable(
            f"只能预约未来{days}个工作日；{date.isoformat()} 的号源将于 {when} 放出",
            "date", code="not_yet_open",
        )
    if slot_start(date, slot) <= now:
        raise Unprocessable(f"时段 {slot} 已开始或已过，请选择其他时段", "slot", code="slot_past")


def blocked_until(resident_id: str, today: dt.date) -> dt.date | None:
    """The date online booking reopens, if NO_SHOW_LIMIT no-shows within NO_SHOW_WINDOW_DAYS block it."""
    cfg = current_app.config
    window, block, limit = cfg["NO_SHOW_WINDOW_DAYS"], cfg["NO_SHOW_BLOCK_DAYS"], cfg["NO_SHOW_LIMIT"]
    since = (today - dt.timedelta(days=window + block)).isoformat()
    rows = mongo()["appointments"].find({"resident_id": resident_id, "status": "no_show", "date": {"$gte": since}},
                                        {"date": 1})
    dates = sorted(dt.date.fromisoformat(r["date"]) for r in rows)
    until = None
    for i, latest in enumerate(dates):
        recent = [d for d in dates[: i + 1] if d > latest - dt.timedelta(days=window)]
        if len(recent) >= limit:
            until = latest + dt.timedelta(days=block)
    return until if until and today < until else None


def blocked_error(until: str) -> Forbidden:
    cfg = current_app.config
    return Forbidden(
        f"您在{cfg['NO_SHOW_WINDOW_DAYS']}天内有{cfg['NO_SHOW_LIMIT']}次预约未到（爽约），"
        f"{until} 前暂停在线预约；如需办理可到大厅现场取号",
        None, code="booking_blocked",
    )


def ensure_cancellable(date: dt.date, slot: str, booked_at: dt.datetime | None, now: dt.datetime) -> None:
    """Online cancel is open until BOOKING_CANCEL_CUTOFF_MINUTES before the slot starts. A booking made
    after that point (a same-day booking shortly before its slot) may still be cancelled within
    BOOKING_CANCEL_GRACE_MINUTES of being made — a mistaken booking must not be stuck — but never once
    the slot has begun. Else 409 cancel_cutoff_passed."""
    cfg = current_app.config
    start = slot_start(date, slot)
    cutoff = start - dt.timedelta(minutes=cfg["BOOKING_CANCEL_CUTOFF_MINUTES"])
    if now < cutoff:
        return
    grace = dt.timedelta(minutes=cfg["BOOKING_CANCEL_GRACE_MINUTES"])
    if booked_at is not None and now < start:  # booked_at: the hall clock when booked (MongoDB keeps UTC, naive)
        made = booked_at if booked_at.tzinfo else booked_at.replace(tzinfo=dt.UTC)
        if cutoff <= made <= now <= made + grace:
            return
    raise Conflict(f"距预约时段开始不足{cfg['BOOKING_CANCEL_CUTOFF_MINUTES']}分钟，已不能在线取消"
                   f"（在此之后的新预约可在{cfg['BOOKING_CANCEL_GRACE_MINUTES']}分钟内、时段开始前取消）",
                   "appointment_id", code="cancel_cutoff_passed")  # fmt: skip


def ensure_no_show_due(date: dt.date, slot: str, now: dt.datetime) -> None:
    """A no-show can only be recorded once the slot has begun (three no-shows block booking for weeks)."""
    if now < slot_start(date, slot):
        raise Conflict(f"预约时段 {date.isoformat()} {slot} 尚未开始，不能记为爽约", "appointment_id",
                       code="not_yet_due")  # fmt: skip
