"""Working days under China's public-holiday schedule (法定节假日 and 调休 workdays).

Years covered by ``chinese_calendar`` (2004–2026 in the installed release) come from it.
The State Council publishes each next year's schedule in late autumn; staff load it as data
(``guides/calendar/<year>.yaml`` or ``PUT /api/v1/staff/calendar/<year>``), and a loaded
schedule overrides the library for that year. A date in a year nobody has a schedule for
raises ``ScheduleUnknown`` with a message that says so, instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import yaml

from miniapp_api.core.errors import ScheduleUnknown

_MEMO_MAX = 50_000  # remembered days per calendar (about 140 years); a bound, not a working size


class WorkdayCalendar:
    """``schedules`` maps a year to {"holidays": [dates], "workdays": [dates]}.

    Answers are remembered per day. ``load_year`` forgets them; the app builds a new calendar when a
    schedule changes (hall_calendar) rather than loading years into one that requests are using.
    """

    def __init__(self, schedules: dict[int, dict] | None = None) -> None:
        self.schedules: dict[int, tuple[frozenset, frozenset]] = {}
        # day → is it a working day. chinese_calendar validates every date against its whole table
        # (min/max over all holidays), and a deadline or booking window asks about dozens of days.
        self._memo: dict[dt.date, bool] = {}
        for year, data in (schedules or {}).items():
            self.load_year(year, data)

    def load_year(self, year: int, data: dict) -> None:
        holidays = frozenset(_as_date(d) for d in data.get("holidays", []))
        workdays = frozenset(_as_date(d) for d in data.get("workdays", []))
        for day in holidays | workdays:
            if day.year != year:
                raise ValueError(f"{day} is not in {year}")
        if holidays & workdays:
            raise ValueError(f"{sorted(holidays & workdays)[0]} is both a holiday and a workday")
        self.schedules[year] = (holidays, workdays)
        self._memo.clear()  # answers given before this schedule was known may differ now

    def known(self, year: int) -> bool:
        if year in self.schedules:
            return True
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
            return True
        except NotImplementedError:
            return False

    def is_workday(self, day: dt.date) -> bool:
        answer = self._memo.get(day)
        if answer is None:
            answer = self._is_workday(day)  # ScheduleUnknown is not remembered: it is raised every time
            if len(self._memo) >= _MEMO_MAX:
                self._memo.clear()
            self._memo[day] = answer
        return answer

    def _is_workday(self, day: dt.date) -> bool:
        if day.year in self.schedules:
            holidays, workdays = self.schedules[day.year]
            if day in workdays:
                return True
            if day in holidays:
                return False
            return day.weekday() < 5
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise ScheduleUnknown(day.year) from None

    def holiday_name(self, day: dt.date) -> str | None:
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return None
        return name if on_holiday and name else None

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start`` (start itself not counted)."""
        day, left = start, days
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.workdays_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count

    def next_workdays(self, start: dt.date, n: int) -> list[dt.date]:
        """The next ``n`` working days from ``start`` (inclusive)."""
        out, day = [], start
        while len(out) < n:
            if self.is_workday(day):
                out.append(day)
            day += dt.timedelta(days=1)
        return out


def _as_date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def load_schedule_files(folder: str | Path) -> dict[int, dict]:
    """Every ``<year>.yaml`` in ``folder`` → {year: {"holidays": [...], "workdays": [...]}}."""
    out: dict[int, dict] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        if path.stem.isdigit():
            out[int(path.stem)] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return out
