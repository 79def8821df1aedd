"""halls/facts.py: opening periods follow the hall's weekly rule and the holiday calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from miniapp_api.core.errors import ScheduleUnknown, ValidationFailed
from miniapp_api.halls import facts
from miniapp_api.halls.workdays import WorkdayCalendar

WEEKDAYS = ["09:00-12:00", "13:30-17:30"]
CITY = {
    "_id": "jc-main",
    "name": "市民中心",
    "address": "新城区市民大道188号",
    "district": "新城区",
    "phone": "0576-12345",
    "parking": "地下停车场免费2小时",
    "transport": "地铁1号线市民中心站B口",
    "opening": {"weekdays": WEEKDAYS, "saturday": [], "sunday": []},
    "slot_times": ["09:00-10:00", "10:00-11:00", "11:00-12:00", "13:30-14:30", "14:30-15:30"],
}
SAT_MORNING = {**CITY, "_id": "jc-east", "opening": {"weekdays": WEEKDAYS, "saturday": ["09:00-12:00"], "sunday": []}}


@pytest.fixture
def cal():
    return WorkdayCalendar()


def test_ordinary_days(cal):
    assert facts.open_periods(CITY, dt.date(2026, 12, 2), cal) == WEEKDAYS  # a Wednesday
    assert facts.open_periods(CITY, dt.date(2026, 12, 5), cal) == []  # Saturday
    assert facts.open_periods(CITY, dt.date(2026, 12, 6), cal) == []  # Sunday


def test_statutory_holiday_is_closed_even_for_a_saturday_hall(cal):
    assert facts.open_periods(CITY, dt.date(2026, 10, 1), cal) == []  # 国庆, a Thursday
    assert facts.open_periods(SAT_MORNING, dt.date(2026, 10, 1), cal) == []
    assert facts.open_periods(SAT_MORNING, dt.date(2026, 10, 3), cal) == []  # a Saturday inside 国庆
    # the same hall on an ordinary Saturday is open in the morning
    assert facts.open_periods(SAT_MORNING, dt.date(2026, 12, 5), cal) == ["09:00-12:00"]


def test_tiaoxiu_weekend_workday_opens_like_a_weekday(cal):
    assert cal.is_workday(dt.date(2026, 10, 10))  # Saturday worked for 国庆
    assert facts.open_periods(CITY, dt.date(2026, 10, 10), cal) == WEEKDAYS
    assert facts.open_periods(SAT_MORNING, dt.date(2026, 10, 10), cal) == WEEKDAYS
    assert facts.open_periods(CITY, dt.date(2026, 9, 20), cal) == WEEKDAYS  # a 调休 Sunday


def test_staff_loaded_schedule_decides_holidays():
    cal = WorkdayCalendar({2030: {"holidays": ["2030-06-01", "2030-06-03"], "workdays": ["2030-06-09"]}})
    assert facts.open_periods(SAT_MORNING, dt.date(2030, 6, 1), cal) == []  # Saturday inside a holiday
    assert facts.open_periods(SAT_MORNING, dt.date(2030, 6, 8), cal) == ["09:00-12:00"]  # ordinary Saturday
    assert facts.open_periods(CITY, dt.date(2030, 6, 3), cal) == []  # a Monday holiday
    assert facts.open_periods(CITY, dt.date(2030, 6, 9), cal) == WEEKDAYS  # 调休 Sunday


def test_unknown_year_is_refused_not_guessed(cal):
    with pytest.raises(ScheduleUnknown):
        facts.open_periods(CITY, dt.date(2099, 3, 3), cal)


def test_open_slots_are_slot_times_inside_open_periods(cal):
    hall = {**SAT_MORNING, "slot_times": CITY["slot_times"]}
    assert facts.open_slots(hall, dt.date(2026, 12, 5), cal) == ["09:00-10:00", "10:00-11:00", "11:00-12:00"]
    assert facts.open_slots(hall, dt.date(2026, 12, 2), cal) == CITY["slot_times"]
    assert facts.open_slots(hall, dt.date(2026, 12, 6), cal) == []


def test_hours_text():
    assert facts.hours_text(CITY) == "周一至周五 9:00–12:00、13:30–17:30；周六、周日休息；" + facts.HOLIDAY_RULE
    assert facts.hours_text(SAT_MORNING) == (
        "周一至周五 9:00–12:00、13:30–17:30；周六 9:00–12:00；周日休息；法定节假日休息，调休上班日正常上班"
    )
    weekend = {"opening": {"weekdays": WEEKDAYS, "saturday": ["09:00-12:00"], "sunday": ["09:00-12:00"]}}
    assert facts.hours_text(weekend).startswith("周一至周五 9:00–12:00、13:30–17:30；周六、周日 9:00–12:00；")


def test_hall_without_opening_falls_back_to_joined_slots(cal):
    old = {"slot_times": ["09:00-10:00", "10:00-11:00", "11:00-12:00", "13:30-14:30", "14:30-15:30"]}
    assert facts.opening_of(old) == {"weekdays": ["09:00-12:00", "13:30-15:30"], "saturday": [], "sunday": []}
    assert facts.open_periods(old, dt.date(2026, 12, 5), cal) == []


def test_public_facts():
    out = facts.public_facts(SAT_MORNING)
    assert out["hall_id"] == "jc-east" and out["district"] == "新城区" and out["parking"].startswith("地下")
    assert "周六 9:00–12:00" in out["hours"]
    assert "opening" not in out and "slot_times" not in out


@pytest.mark.parametrize(
    "opening, field",
    [
        ({"weekdays": ["9:00-12:00"]}, "opening.weekdays"),
        ({"weekdays": ["12:00-09:00"]}, "opening.weekdays"),
        ({"weekdays": ["09:00-12:00", "11:00-13:00"]}, "opening.weekdays"),
        ({"monday": []}, "opening"),
        ({"saturday": "09:00-12:00"}, "opening.saturday"),
    ],
)
def test_check_opening_names_the_field(opening, field):
    with pytest.raises(ValidationFailed) as err:
        facts.check_opening(opening)
    assert err.value.field == field
    facts.check_opening({"weekdays": WEEKDAYS, "saturday": ["09:00-12:00"], "sunday": []})
