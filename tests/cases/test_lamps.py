"""The deadline clock: working days with holidays and 调休, pauses, lamps, unknown years."""

import datetime as dt

import pytest

from miniapp_api.halls.lamps import case_clock
from miniapp_api.halls.workdays import WorkdayCalendar

D = dt.date.fromisoformat


@pytest.fixture
def cal():
    return WorkdayCalendar()


def case(accepted="2026-11-02", promised=5, pauses=None, closed=None):
    return {"accepted_on": accepted, "promised_days": promised, "pauses": pauses or [], "closed_on": closed}


def test_deadline_skips_national_day_and_counts_the_tiaoxiu_saturday(cal):
    # accepted Wed 30 Sep 2026: 1–7 Oct are holidays, Thu 8, Fri 9 and Sat 10 Oct (调休) are working days
    clock = case_clock(case("2026-09-30", 3), D("2026-09-30"), cal)
    assert clock["deadline"] == "2026-10-10"
    assert clock["lamp"] == "green" and clock["provisional"] is False


def test_lamps_green_yellow_red(cal):
    c = case("2026-11-02", 5)  # Mon → deadline Mon 9 Nov
    assert case_clock(c, D("2026-11-02"), cal)["deadline"] == "2026-11-09"
    assert case_clock(c, D("2026-11-06"), cal)["lamp"] == "green"  # Fri: Fri + Mon left
    assert case_clock(c, D("2026-11-06"), cal)["working_days_left"] == 2
    yellow = case_clock(c, D("2026-11-09"), cal)
    assert yellow["lamp"] == "yellow" and yellow["working_days_left"] == 1
    red = case_clock(c, D("2026-11-11"), cal)
    assert red["lamp"] == "red" and red["working_days_left"] == 0 and red["overdue_working_days"] == 2


def test_weekend_before_a_monday_deadline_is_already_the_last_working_day(cal):
    assert case_clock(case("2026-11-02", 5), D("2026-11-07"), cal)["lamp"] == "yellow"


def test_promised_zero_days_deadline_is_the_acceptance_day(cal):
    c = case("2026-11-03", 0)
    clock = case_clock(c, D("2026-11-03"), cal)
    assert clock["deadline"] == "2026-11-03" and clock["lamp"] == "yellow"
    assert case_clock(c, D("2026-11-04"), cal)["lamp"] == "red"


def test_a_closed_pause_extends_the_deadline_by_its_working_days(cal):
    # correction requested Tue 3 Nov, resubmitted Fri 6 Nov: Wed, Thu, Fri paused = 3 working days
    c = case("2026-11-02", 5, pauses=[{"from": "2026-11-03", "to": "2026-11-06"}])
    clock = case_clock(c, D("2026-11-10"), cal)
    assert clock["paused_days"] == 3 and clock["deadline"] == "2026-11-12" and clock["lamp"] == "green"


def test_an_open_pause_keeps_pushing_the_deadline(cal):
    c = case("2026-11-02", 1, pauses=[{"from": "2026-11-02", "to": None}])
    clock = case_clock(c, D("2026-11-20"), cal)  # paused for weeks: not overdue
    assert clock["paused"] is True and clock["lamp"] != "red"
    assert clock["deadline"] > "2026-11-20" and "补正" in clock["note"]


def test_unknown_holiday_year_gives_a_provisional_deadline_not_a_crash(cal):
    clock = case_clock(case("2026-12-28", 10), D("2026-12-29"), cal)
    assert clock["provisional"] is True and "2027" in clock["note"]
    # Mon–Fri fallback for 2027: 29–31 Dec (3) + 1, 4–8, 11 Jan (7) → 11 Jan 2027
    assert clock["deadline"] == "2027-01-11"
    assert clock["lamp"] == "green"


def test_a_loaded_schedule_replaces_the_provisional_estimate():
    cal = WorkdayCalendar({2027: {"holidays": ["2027-01-01"], "workdays": []}})
    clock = case_clock(case("2026-12-28", 10), D("2026-12-29"), cal)
    assert clock["provisional"] is False and clock["deadline"] == "2027-01-12"  # 1 Jan now a holiday


def test_not_accepted_has_no_deadline_and_closed_has_no_lamp(cal):
    assert case_clock(case(None), D("2026-11-02"), cal)["lamp"] == "none"
    done = case_clock(case("2026-11-02", 5, closed="2026-11-05"), D("2026-12-01"), cal)
    assert done["lamp"] == "none" and done["finished_on_time"] is True
    late = case_clock(case("2026-11-02", 5, closed="2026-11-12"), D("2026-12-01"), cal)
    assert late["finished_on_time"] is False
