"""The promised-deadline clock of a case and its lamp (红黄绿灯).

The deadline is counted in working days from the acceptance day (not counted itself) with the
item's promised days; working days while a correction is requested (补正) extend it. A lamp is
green while two or more working days remain (today counts if it is a working day), yellow on the
last one, red once the deadline day has passed. Closed cases have lamp "none".

Years without a known holiday schedule do not crash the clock: it falls back to Monday–Friday for
those years and says so ("provisional": true plus a note), because a case must always show a lamp.
"""

from __future__ import annotations

import datetime as dt

from miniapp_api.core.errors import ScheduleUnknown
from miniapp_api.halls.workdays import WorkdayCalendar


def workday_calendar() -> WorkdayCalendar:
    """The app's shared calendar (library + guides/calendar files + schedules staff stored)."""
    from miniapp_api.halls.calendar import workday_calendar as shared

    return shared()


class ProvisionalCalendar(WorkdayCalendar):
    """The same calendar, but a year with no schedule counts Monday–Friday and is remembered."""

    def __init__(self, base: WorkdayCalendar) -> None:
        super().__init__()
        self.base = base
        self.unknown_years: set[int] = set()

    def is_workday(self, day: dt.date) -> bool:
        try:
            return self.base.is_workday(day)
        except ScheduleUnknown:
            self.unknown_years.add(day.year)
            return day.weekday() < 5


def _d(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def paused_workdays(pauses: list[dict], until: dt.date, cal: WorkdayCalendar) -> int:
    """Working days in (from, to] of every pause; an open pause runs until ``until``."""
    total = 0
    for pause in pauses:
        start, end = _d(pause["from"]), _d(pause.get("to")) or until
        total += max(0, cal.workdays_between(start, end))
    return total


def case_clock(case: dict, today: dt.date, base: WorkdayCalendar) -> dict:
    """Deadline, lamp and working days left of ``case`` as seen on ``today``."""
    cal = ProvisionalCalendar(base)
    accepted = _d(case.get("accepted_on"))
    closed_on = _d(case.get("closed_on"))
    pauses = case.get("pauses") or []
    paused_now = any(p.get("to") is None for p in pauses) and closed_on is None
    out: dict = {"accepted_on": case.get("accepted_on"), "promised_days": case.get("promised_days"),
                 "deadline": None, "lamp": "none", "working_days_left": None, "overdue_working_days": 0,
                 "paused": paused_now, "paused_days": 0, "provisional": False, "note": None}  # fmt: skip
    if accepted is None:
        out["note"] = "尚未受理，受理后开始计算承诺办结时限"
        return out
    paused = paused_workdays(pauses, closed_on or today, cal)
    deadline = cal.add_workdays(accepted, int(case.get("promised_days") or 0) + paused)
    out.update(deadline=deadline.isoformat(), paused_days=paused)
    if closed_on is not None:
        out["finished_on_time"] = closed_on <= deadline
    elif today > deadline:
        out.update(lamp="red", working_days_left=0, overdue_working_days=cal.workdays_between(deadline, today))
    else:
        left = int(cal.is_workday(today)) + cal.workdays_between(today, deadline)
        out.update(lamp="yellow" if left <= 1 else "green", working_days_left=left)
    if paused_now:
        out["note"] = "补正期间暂停计时，补正材料提交后继续计算"
    if cal.unknown_years:
        years = "、".join(str(y) for y in sorted(cal.unknown_years))
        out["provisional"] = True
        out["note"] = (
            f"{years}年法定节假日安排尚未录入，截止日期暂按周一至周五工作日估算，录入后自动更正"
            + (f"；{out['note']}" if out["note"] else "")
        )
    return out
