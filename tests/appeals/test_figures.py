"""The Jinniu figures on a seeded set whose answers are worked out by hand below."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io

import pytest

from miniapp_api.appeals.figures import UNASSIGNED, cell_delta, figures, figures_from_cells, p90, to_csv

TODAY = dt.date(2026, 3, 20)
A, B = "城市管理局", "公安局"


def doc(n, dept, kind, received, status, *, days=None, on_time=None, rating=None, reopens=0, due=None):
    replied = days is not None
    return {"_id": f"TS{n}", "department": dept, "type": kind, "received_on": received, "status": status,
            "first_replied_on": "2026-03-19" if replied else None, "reply_workdays": days,
            "replied_on_time": on_time, "rating": rating, "reopens": reopens, "due_on": due}  # fmt: skip


SEEDED = [
    doc(1, A, "complaint", "2026-03-02", "closed", days=3, on_time=True, rating="satisfied", due="2026-03-16"),
    doc(2, A, "complaint", "2026-03-02", "closed", days=5, on_time=True, rating="basic", due="2026-03-16"),
    # late first reply, 不满意 → reopened, replied again, 不满意 again → closed
    doc(3, A, "help", "2026-03-03", "closed", days=7, on_time=False, rating="unsatisfied", reopens=1, due="2026-03-10"),
    doc(4, A, "consult", "2026-03-04", "replied", days=1, on_time=True, due="2026-03-09"),  # waiting for a rating
    doc(5, A, "consult", "2026-03-05", "accepted", due="2026-03-10"),  # never replied, overdue
    doc(6, B, "complaint", "2026-03-06", "reopened", days=4, on_time=True, rating="unsatisfied", reopens=1,
        due="2026-03-25"),  # reopened, new deadline not reached
    doc(7, B, "suggestion", "2026-03-09", "dispatched", due="2026-03-30"),
    doc(8, None, "complaint", "2026-03-09", "returned", due="2026-03-13"),  # back with the dispatcher, overdue
    doc(9, None, "complaint", "2026-03-10", "merged", due="2026-03-24"),
    doc(10, B, "help", "2026-03-10", "closed", days=2, on_time=True, due="2026-03-17"),  # not rated in 7 days
    doc(11, B, "complaint", "2026-03-11", "reopened", days=2, on_time=True, rating="unsatisfied", reopens=1,
        due="2026-03-18"),  # reopened and past its new deadline
]  # fmt: skip


def _row(received, merged, replied, reply_rate, on_time, on_time_rate, mean, p90_, rated, satisfied, sat_rate,
         reopened, overdue) -> dict:  # fmt: skip
    return {"received": received, "merged": merged, "replied": replied, "reply_rate": reply_rate,
            "on_time": on_time, "on_time_rate": on_time_rate, "mean_reply_workdays": mean,
            "p90_reply_workdays": p90_, "rated": rated, "satisfied": satisfied, "satisfaction_rate": sat_rate,
            "reopened": reopened, "overdue_now": overdue}  # fmt: skip


# Worked by hand:
# total: 11 received, 1 merged → 10 handled; replied 1,2,3,4,6,10,11 = 7 → 0.7; on time 6 (3 was late);
#   never replied and past due: 5, 8 → on-time rate 6 / (7 + 2); reply days 3,5,7,1,4,2,2: mean 24/7,
#   p90 = 7th of 7 sorted (rank ceil(6.3) = 7) = 7; rated 1,2,3,6,11 = 5, satisfied 1,2 → 0.4;
#   reopened 3,6,11; overdue now 5 (03-10), 8 (03-13), 11 (03-18).
TOTAL = _row(11, 1, 7, 0.7, 6, 0.6667, 3.43, 7, 5, 2, 0.4, 3, 3)
BY_DEPARTMENT = [
    {"department": A, **_row(5, 0, 4, 0.8, 3, 0.6, 4.0, 7, 3, 2, 0.6667, 1, 1)},  # days 1,3,5,7: rank 4 → 7
    {"department": B, **_row(4, 0, 3, 0.75, 3, 1.0, 2.67, 4, 2, 0, 0.0, 2, 1)},  # days 2,2,4: rank 3 → 4
    {"department": UNASSIGNED, **_row(2, 1, 0, 0.0, 0, 0.0, None, None, 0, 0, None, 0, 1)},  # 8 past due unreplied
]
BY_TYPE = [
    {"type": "complaint", "label": "投诉", **_row(6, 1, 4, 0.8, 4, 0.8, 3.5, 5, 4, 2, 0.5, 2, 2)},
    {"type": "consult", "label": "咨询", **_row(2, 0, 1, 0.5, 1, 0.5, 1.0, 1, 0, 0, None, 0, 1)},
    {"type": "help", "label": "求助", **_row(2, 0, 2, 1.0, 1, 0.5, 4.5, 7, 1, 0, 0.0, 1, 0)},
    {"type": "suggestion", "label": "建议", **_row(1, 0, 0, 0.0, 0, 0, None, None, 0, 0, None, 0, 0)},
]
BY_TYPE[3]["on_time_rate"] = None  # nothing replied and nothing past due: no denominator
LABELS = {"complaint": "投诉", "consult": "咨询", "help": "求助", "suggestion": "建议"}


def test_figures_of_the_seeded_set():
    report = figures(SEEDED, TODAY, LABELS.get)
    assert report["total"] == TOTAL
    assert report["by_department"] == BY_DEPARTMENT
    assert report["by_type"] == BY_TYPE


def test_overdue_now_depends_on_today():
    assert figures(SEEDED, dt.date(2026, 3, 10), LABELS.get)["total"]["overdue_now"] == 0  # due today is not late
    assert figures(SEEDED, dt.date(2026, 3, 11), LABELS.get)["total"]["overdue_now"] == 1
    assert figures(SEEDED, dt.date(2026, 4, 1), LABELS.get)["total"]["overdue_now"] == 5  # 5, 6, 7, 8, 11


def test_empty_period():
    report = figures([], TODAY)
    assert report["total"]["received"] == 0 and report["total"]["reply_rate"] is None
    assert report["by_department"] == [] and report["by_type"] == []


def test_p90_nearest_rank():
    assert p90({}) is None
    assert p90({"3": 1}) == 3
    assert p90({str(v): 1 for v in range(1, 11)}) == 9  # rank ceil(9.0) = 9
    assert p90({str(v): 1 for v in range(1, 12)}) == 10  # rank ceil(9.9) = 10
    assert p90({"1": 9, "30": 1}) == 1 and p90({"1": 8, "30": 2}) == 30


def _apply(cells: dict, delta: dict) -> None:
    """What MongoDB's $inc does with the flat paths of cell_delta."""
    for (day, key), changes in delta.items():
        cell = cells.setdefault((day, key), {})
        for path, value in changes.items():
            name, _, sub = path.partition(".")
            if sub:
                target = cell.setdefault(name, {})
                target[sub] = target.get(sub, 0) + value
            else:
                cell[name] = cell.get(name, 0) + value


def _lifecycle(final: dict) -> list[dict]:
    """The states an appeal passes through before ``final``, including department changes."""
    first = {**final, "status": "received", "department": None, "first_replied_on": None, "reply_workdays": None,
             "replied_on_time": None, "rating": None, "reopens": 0}  # fmt: skip
    wrong = {**first, "status": "dispatched", "department": "水务局"}  # dispatched to the wrong department
    back = {**first, "status": "returned"}
    return [first, wrong, back, copy.deepcopy(final)]


def test_cells_kept_step_by_step_give_the_same_figures():
    cells: dict = {}
    for final in SEEDED:
        states = _lifecycle(final)
        _apply(cells, cell_delta(None, states[0]))
        for before, after in zip(states, states[1:], strict=False):
            _apply(cells, cell_delta(before, after))
    pairs = [(key, {"received": 0, "merged": 0, "replied": 0, "on_time": 0, "reply_days_sum": 0, "rated": 0,
                    "satisfied": 0, "reopened": 0, **cell}) for (_, key), cell in cells.items()]  # fmt: skip
    report = figures_from_cells(pairs, TODAY, LABELS.get)
    assert report["total"] == TOTAL
    assert report["by_department"] == BY_DEPARTMENT  # 水务局 held each appeal once: its cells add up to zero
    assert report["by_type"] == BY_TYPE


def test_a_step_that_changes_nothing_counted_gives_no_delta():
    before = SEEDED[0]
    assert cell_delta(before, {**before, "timeline": ["x"]}) == {}


@pytest.mark.parametrize("field", ["department", "type"])
def test_cell_keys_are_safe_field_names(field):
    weird = {**SEEDED[0], field: "a.b$c|d"}
    (((_, key), changes),) = cell_delta(None, weird).items()
    assert "." not in key and "$" not in key and key.count("|") == 1
    assert changes["received"] == 1


def test_csv_export():
    text = to_csv(figures(SEEDED + [doc(12, "=cmd()", "help", "2026-03-12", "dispatched")], TODAY, LABELS.get))
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert rows[0]["scope"] == "total" and rows[0]["received"] == "12" and rows[0]["reply_rate"] == "0.6364"
    names = [(r["scope"], r["name"]) for r in rows]
    assert ("department", A) in names and ("type", "投诉") in names
    assert ("department", "'=cmd()") in names  # a formula-looking name is quoted
