"""WorkdayCalendar remembers answers per day; loading a schedule forgets them."""

from __future__ import annotations

import datetime as dt

import pytest

from miniapp_api.core.errors import ScheduleUnknown
from miniapp_api.halls import workdays
from miniapp_api.halls.workdays import WorkdayCalendar


def test_answers_are_remembered_and_match_the_library(monkeypatch):
    cal = WorkdayCalendar()
    days = [dt.date(2026, 9, 19) + dt.timedelta(days=i) for i in range(30)]  # a 调休 Sunday, National Day
    first = [cal.is_workday(d) for d in days]
    assert first[1] is True and first[12] is False  # 2026-09-20 调休 workday, 2026-10-01 holiday
    after_holiday = cal.add_workdays(dt.date(2026, 9, 30), 1)

    def boom(day):
        raise AssertionError("asked the library again")

    monkeypatch.setattr(workdays.chinese_calendar, "is_workday", boom)
    assert [cal.is_workday(d) for d in days] == first
    assert cal.add_workdays(dt.date(2026, 9, 30), 1) == after_holiday


def test_loading_a_year_forgets_earlier_answers():
    cal = WorkdayCalendar()
    day = dt.date(2026, 9, 21)  # a Monday
    assert cal.is_workday(day) is True
    cal.load_year(2026, {"holidays": [day.isoformat()], "workdays": []})
    assert cal.is_workday(day) is False


def test_unknown_years_are_not_remembered_as_anything():
    cal = WorkdayCalendar()
    with pytest.raises(ScheduleUnknown):
        cal.is_workday(dt.date(2099, 1, 5))
    with pytest.raises(ScheduleUnknown):  # raised again, not answered from memory
        cal.is_workday(dt.date(2099, 1, 5))
    cal.load_year(2099, {"holidays": ["2099-01-05"], "workdays": []})
    assert cal.is_workday(dt.date(2099, 1, 5)) is False
