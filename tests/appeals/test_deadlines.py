"""Reply deadlines in working days across 中秋/国庆 2026 (holidays and 调休 weekend workdays), and lamps."""

from __future__ import annotations

import datetime as dt
import random

import chinese_calendar
import pytest

from miniapp_api.appeals import deadlines
from miniapp_api.appeals.deadlines import WorkdayIndex, add_workdays, due_date, lamp, workdays_between

D = dt.date


class Autumn2026:
    """Only ``is_workday``, as the module promises: the 2026 State Council schedule around 国庆."""

    holidays = {D(2026, 9, 25), D(2026, 10, 1), D(2026, 10, 2), D(2026, 10, 5), D(2026, 10, 6), D(2026, 10, 7)}
    workdays = {D(2026, 9, 20), D(2026, 10, 10)}  # 调休: a Sunday and a Saturday

    def __init__(self) -> None:
        self.asked = 0

    def is_workday(self, day: dt.date) -> bool:
        self.asked += 1
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


CAL = Autumn2026()


def test_the_fake_calendar_is_the_real_schedule():
    day = D(2026, 9, 1)
    while day <= D(2026, 10, 31):
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_a_weekend_workday_counts():
    # Fri 18 Sep received; Sat 19 off, Sun 20 is a 调休 workday → 20, 21, 22
    assert due_date(CAL, D(2026, 9, 18), 3) == D(2026, 9, 22)


def test_counting_across_the_national_day_holiday():
    # Wed 30 Sep received; 1–7 Oct off (3, 4 weekend); Thu 8, Fri 9, Sat 10 (调休) → due Saturday
    assert due_date(CAL, D(2026, 9, 30), 3) == D(2026, 10, 10)
    # Thu 24 Sep, 5 days: 25 中秋 holiday, weekend, 28, 29, 30, 8 Oct, 9 Oct
    assert due_date(CAL, D(2026, 9, 24), 5) == D(2026, 10, 9)


def test_an_approved_extension_adds_working_days():
    # 9 Oct + 3: Sat 10 (调休), Mon 12, Tue 13
    assert due_date(CAL, D(2026, 9, 24), 5, extension_days=3) == D(2026, 10, 13)


def test_received_on_a_holiday_starts_on_the_next_working_day():
    assert due_date(CAL, D(2026, 10, 3), 1) == D(2026, 10, 8)
    assert add_workdays(CAL, D(2026, 10, 3), 0) == D(2026, 10, 3)


def test_workdays_between():
    assert workdays_between(CAL, D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert workdays_between(CAL, D(2026, 10, 10), D(2026, 9, 30)) == -3
    assert workdays_between(CAL, D(2026, 10, 1), D(2026, 10, 7)) == 0


@pytest.mark.parametrize("today,expected,left,overdue", [
    (D(2026, 10, 8), "green", 3, 0),
    (D(2026, 10, 9), "green", 2, 0),
    (D(2026, 10, 10), "yellow", 1, 0),   # the deadline is a Saturday that is a working day
    (D(2026, 10, 11), "red", 0, 0),      # past it on a Sunday: red, no working day lost yet
    (D(2026, 10, 12), "red", 0, 1),
    (D(2026, 10, 14), "red", 0, 3),
])  # fmt: skip
def test_lamp(today, expected, left, overdue):
    state = lamp(CAL, D(2026, 10, 10), today)
    assert (state["lamp"], state["working_days_left"], state["overdue_working_days"]) == (expected, left, overdue)


def test_lamp_on_a_holiday_counts_the_next_working_day_as_the_last():
    state = lamp(CAL, D(2026, 10, 8), D(2026, 10, 3))
    assert state["lamp"] == "yellow" and state["working_days_left"] == 1


def test_a_reply_stops_the_clock():
    on_time = lamp(CAL, D(2026, 10, 10), D(2026, 10, 20), replied_on=D(2026, 10, 10))
    assert on_time == {"lamp": "none", "working_days_left": None, "overdue_working_days": 0, "on_time": True}
    late = lamp(CAL, D(2026, 10, 10), D(2026, 10, 20), replied_on=D(2026, 10, 13))
    assert late["on_time"] is False and late["overdue_working_days"] == 2


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        due_date(CAL, D(2026, 9, 1), -1)


def test_a_calendar_without_working_days_does_not_loop_forever():
    class Never:
        def is_workday(self, day):
            return False

    with pytest.raises(ValueError):
        add_workdays(Never(), D(2026, 1, 1), 1)


def test_the_index_counts_like_walking_the_days():
    index = WorkdayIndex(CAL, D(2026, 9, 1), D(2026, 10, 31))
    rng = random.Random(7)
    days = [D(2026, 9, 1) + dt.timedelta(days=i) for i in range(61)]
    for _ in range(300):
        a, b = rng.choice(days), rng.choice(days)
        assert index.between(a, b) == workdays_between(CAL, a, b)
    with pytest.raises(ValueError):
        index.between(D(2026, 8, 31), D(2026, 9, 2))


def test_the_index_asks_the_calendar_once_per_day():
    cal = Autumn2026()
    index = WorkdayIndex(cal, D(2026, 1, 1), D(2026, 12, 31))
    asked = cal.asked
    for _ in range(1000):
        index.between(D(2026, 3, 1), D(2026, 11, 30))
    assert asked == 365 and cal.asked == asked
    assert deadlines.MAX_SCAN_DAYS >= 3650


# -- types (guides/appeals/types.yaml): the limits the deadlines are counted with ------------------
def test_the_types_file_sets_the_limits():
    from miniapp_api.appeals.types import load_types

    types = load_types()
    assert {t.label: t.days for t in types} == {"咨询": 3, "求助": 5, "投诉": 10, "建议": 15}
    assert types.days("complaint") == 10 and types.label("help") == "求助" and types.label(None) == "未分类"
    assert due_date(CAL, D(2026, 9, 30), types.days("consult")) == D(2026, 10, 10)


@pytest.mark.parametrize("said,code", [
    ("投诉", "complaint"), ("complaint", "complaint"), ("我要投诉", "complaint"), ("想问一下", "consult"),
    ("建议", "suggestion"), ("求助", "help"), ("麻烦帮个忙", "help"),
    ("投诉还是建议我也说不清", None), ("", None), (None, None), ("嗯", None),
])  # fmt: skip
def test_residents_words_map_to_a_type(said, code):
    from miniapp_api.appeals.types import load_types

    assert load_types().parse(said) == code


@pytest.mark.parametrize("data", [
    {}, {"types": []}, {"types": [{"code": "Bad", "label": "x", "days": 3}]},
    {"types": [{"code": "a1", "label": "x", "days": 0}]}, {"types": [{"code": "a1", "label": "x", "days": 2.5}]},
    {"types": [{"code": "a1", "label": "x", "days": True}]}, {"types": [{"code": "a1", "label": " ", "days": 3}]},
    {"types": [{"code": "a1", "label": "x", "days": 3}, {"code": "a1", "label": "y", "days": 3}]},
    {"types": [{"code": "a1", "label": "x", "days": 3, "words": "投诉"}]},
])  # fmt: skip
def test_bad_type_files_are_refused(data):
    from miniapp_api.appeals.types import parse_types

    with pytest.raises(ValueError):
        parse_types(data)
