"""The figures' cells kept per day and per month of receipt, and the indexes the appeal queries need.

Every write of an appeal applies ``figures.cell_delta(before, after)`` with ``$inc`` on its day's
document (``appeal_figures``, ``_id`` "2026-03-05") and its month's (``appeal_figures_monthly``,
``_id`` "2026-03"). A report reads the whole months of its period from the monthly documents and
only the days at its ends from the daily ones: a year is 12 documents, not 75,000 appeals (nor 365
days of ~100 cells each). ``rebuild`` recomputes all cells from the appeals (after a crash between
an appeal write and its ``$inc``, or a change of the counting rules); ``flask appeals
rebuild-figures`` runs it.

Indexes (``ensure_indexes``, run by start-up seeding, never at import):
- ``appeals {status: 1, created_at: 1}``: the dispatcher's queue (received / returned, oldest first);
- ``appeals {department: 1, status: 1, created_at: -1}``: a department's queue;
- ``appeals {resident_id: 1, created_at: -1}``: "my appeals";
- ``appeals {status: 1, replied_at: 1}``: replied appeals whose 7 rating days are over (the sweep);
- ``appeals {received_on: 1}``: the appeals of a period (rebuilds, the benchmark's baseline);
- ``appeals {created_at: 1}``: the last days' appeals the queue compares for duplicates;
- ``appeal_messages {session_id: 1, shown_at: 1, created_at: 1}``: replies waiting for a chat turn;
- ``appeal_figures`` / ``appeal_figures_monthly``: only ``_id`` (day / month), which reports range over.
"""

from __future__ import annotations

import datetime as dt

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from miniapp_api.appeals.figures import cell_delta, figures_from_cells
from miniapp_api.core.stores import mongo

CELLS = "appeal_figures"
MONTHLY = "appeal_figures_monthly"
MAX_PERIOD_DAYS = 3 * 366
FIGURE_FIELDS = {"department": 1, "type": 1, "received_on": 1, "status": 1, "due_on": 1, "first_replied_on": 1,
                 "reply_workdays": 1, "replied_on_time": 1, "rating": 1, "reopens": 1}  # fmt: skip


def _inc(db: Database, collection: str, doc_id: str, key: str, changes: dict[str, int]) -> None:
    db[collection].update_one({"_id": doc_id}, {"$inc": {f"cells.{key}.{path}": v for path, v in changes.items()}},
                              upsert=True)  # fmt: skip
    for path, value in changes.items():
        if value < 0 and "." in path:
            # a deadline no open appeal has any more: drop its key, or a year's documents fill with zeros
            # (only while it is 0 — a concurrent +1 keeps it; the condition and the unset are one write)
            field = f"cells.{key}.{path}"
            db[collection].update_one({"_id": doc_id, field: 0}, {"$unset": {field: ""}})


def apply(before: dict | None, after: dict | None, db: Database | None = None) -> None:
    db = db if db is not None else mongo()
    for (day, key), changes in cell_delta(before, after).items():
        _inc(db, CELLS, day, key, changes)
        _inc(db, MONTHLY, day[:7], key, changes)


def split_period(first: dt.date, last: dt.date) -> tuple[list[tuple[dt.date, dt.date]], list[str]]:
    """Day ranges at the ends and the whole months between: [(from, to)], ["YYYY-MM"]."""
    days, months, cur = [], [], first
    while cur <= last:
        month_start = cur.replace(day=1)
        next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
        month_end = next_month - dt.timedelta(days=1)
        if cur == month_start and month_end <= last:
            months.append(cur.strftime("%Y-%m"))
            cur = next_month
        else:
            end = min(month_end, last)
            if days and days[-1][1] + dt.timedelta(days=1) == cur:
                days[-1] = (days[-1][0], end)
            else:
                days.append((cur, end))
            cur = end + dt.timedelta(days=1)
    return days, months


def period_cells(first: dt.date, last: dt.date) -> list[tuple[str, dict]]:
    days, months = split_period(first, last)
    rows = list(mongo()[MONTHLY].find({"_id": {"$in": months}})) if months else []
    for start, end in days:
        rows += mongo()[CELLS].find({"_id": {"$gte": start.isoformat(), "$lte": end.isoformat()}})
    return [(key, cell) for row in rows for key, cell in (row.get("cells") or {}).items()]


def report(first: dt.date, last: dt.date, today: dt.date, type_label) -> dict:
    return {"from": first.isoformat(), "to": last.isoformat(), "today": today.isoformat(),
            **figures_from_cells(period_cells(first, last), today, type_label)}  # fmt: skip


def rebuild(db: Database | None = None) -> int:
    """Recompute every cell from the appeals; returns how many appeals were counted."""
    db = db if db is not None else mongo()
    db[CELLS].delete_many({})
    db[MONTHLY].delete_many({})
    count = 0
    for doc in db["appeals"].find({}, FIGURE_FIELDS):
        apply(None, doc, db)
        count += 1
    return count


def ensure_indexes(db: Database) -> None:
    appeals = db["appeals"]
    appeals.create_index([("status", ASCENDING), ("created_at", ASCENDING)])
    appeals.create_index([("department", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)])
    appeals.create_index([("resident_id", ASCENDING), ("created_at", DESCENDING)])
    appeals.create_index([("status", ASCENDING), ("replied_at", ASCENDING)])
    appeals.create_index([("received_on", ASCENDING)])
    appeals.create_index([("created_at", ASCENDING)])
    db["appeal_messages"].create_index([("session_id", ASCENDING), ("shown_at", ASCENDING),
                                        ("created_at", ASCENDING)])  # fmt: skip
