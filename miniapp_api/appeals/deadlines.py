"""Reply deadlines of appeals in working days, and their lamps (红黄绿灯).

Works with any calendar object that has ``is_workday(date) -> bool`` (the app's
``WorkdayCalendar`` knows 法定节假日 and 调休 weekend workdays; tests pass a small fake). Only that
one method is used, so the counting rules live here and are the same whichever calendar is given.

Rules (the same as case time limits, so residents see one meaning of a lamp):
- the day the appeal is received is not counted; the deadline is the ``days``-th working day after it;
- approved extensions add working days to the deadline;
- green while two or more working days remain (today counts when it is a working day), yellow on
  the last one, red once the deadline day has passed; a replied appeal has no lamp.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Protocol

ONE_DAY = dt.timedelta(days=1)
MAX_SCAN_DAYS = 3660  # ten years: a limit for loops over a calendar that (wrongly) has no working days


class Calendar(Protocol):
    def is_workday(self, day: dt.date) -> bool: ...


def add_workdays(cal: Calendar, start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted; 0 → ``start``)."""
    day, left, scanned = start, days, 0
    while left > 0:
        day += ONE_DAY
        scanned += 1
        if scanned > MAX_SCAN_DAYS:
            raise ValueError("calendar has no working days ahead")
        if cal.is_workday(day):
            left -= 1
    return day


def workdays_between(cal: Calendar, start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative when ``end`` is before ``start``."""
    if end < start:
        return -workdays_between(cal, end, start)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += bool(cal.is_workday(day))
    return count


def due_date(cal: Calendar, received_on: dt.date, days: int, extension_days: int = 0) -> dt.date:
    """Reply deadline of an appeal received on ``received_on`` with a limit of ``days`` working days."""
    if days < 0 or extension_days < 0:
        raise ValueError("days and extension_days must not be negative")
    return add_workdays(cal, received_on, days + extension_days)


def lamp(cal: Calendar, due: dt.date, today: dt.date, replied_on: dt.date | None = None) -> dict:
    """Lamp of an appeal due on ``due`` as seen on ``today``; ``replied_on`` ends the clock.

    Returns ``lamp`` (green / yellow / red / none), ``working_days_left`` (None once replied),
    ``overdue_working_days`` and, once replied, ``on_time``.
    """
    if replied_on is not None:
        late = max(0, workdays_between(cal, due, replied_on))
        return {"lamp": "none", "working_days_left": None, "overdue_working_days": late, "on_time": replied_on <= due}
    if today > due:
        return {"lamp": "red", "working_days_left": 0, "overdue_working_days": workdays_between(cal, due, today)}
    left = int(bool(cal.is_workday(today))) + workdays_between(cal, today, due)
    return {"lamp": "yellow" if left <= 1 else "green", "working_days_left": left, "overdue_working_days": 0}


class WorkdayIndex:
    """Working-day counts over a fixed span of dates in O(log n), for figures over many appeals.

    Built once per query from the calendar (one ``is_workday`` call per day of the span), then
    ``between(a, b)`` equals ``workdays_between(cal, a, b)`` without walking the days again.
    """

    def __init__(self, cal: Calendar, first: dt.date, last: dt.date) -> None:
        if last < first:
            raise ValueError("last must not be before first")
        if (last - first).days > MAX_SCAN_DAYS:
            raise ValueError("span too long")
        self.first, self.last = first, last
        self._workdays: list[int] = []  # ordinals of the working days in [first, last]
        day = first
        while day <= last:
            if cal.is_workday(day):
                self._workdays.append(day.toordinal())
            day += ONE_DAY

    def _upto(self, day: dt.date) -> int:
        """Working days in [first, day]."""
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside the index ({self.first}..{self.last})")
        return bisect.bisect_right(self._workdays, day.toordinal())

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end], like ``workdays_between``."""
        return self._upto(end) - self._upto(start)
