"""Supervision (效能督查): open cases by department and lamp, and the overdue list.

Lamps depend on today's date and the holiday calendar, so they are computed when asked, not
stored; only open cases are examined (closed cases are counted, with how many finished late).
"""

from __future__ import annotations

from collections import defaultdict

from miniapp_api.cases.rules import CLOSED
from miniapp_api.core.clock import local_today
from miniapp_api.core.stores import mongo
from miniapp_api.halls.lamps import case_clock, workday_calendar

LAMPS = ("green", "yellow", "red", "none")


def supervision_summary(department: str | None = None) -> dict:
    today, cal = local_today(), workday_calendar()
    query: dict = {"department": department} if department else {}
    counts: dict[str, dict] = defaultdict(lambda: {**{lamp: 0 for lamp in LAMPS}, "open": 0, "closed": 0,
                                                   "closed_late": 0})  # fmt: skip
    by_item: dict[tuple[str, str], dict] = defaultdict(lambda: {**{lamp: 0 for lamp in LAMPS}, "open": 0})
    overdue, provisional = [], False
    for case in mongo()["cases"].find(query):
        row = counts[case["department"]]
        clock = case_clock(case, today, cal)
        provisional = provisional or clock["provisional"]
        if case["status"] in CLOSED:
            row["closed"] += 1
            row["closed_late"] += int(clock.get("finished_on_time") is False)
            continue
        row["open"] += 1
        row[clock["lamp"]] += 1  # "none": not accepted yet, the clock has not started
        item = by_item[(case["item_code"], case["item_name"])]
        item["open"] += 1
        item[clock["lamp"]] += 1
        if clock["lamp"] == "red":
            overdue.append({"case_no": case["_id"], "item_code": case["item_code"], "item_name": case["item_name"],
                            "department": case["department"], "status": case["status"],
                            "deadline": clock["deadline"],
                            "overdue_working_days": clock["overdue_working_days"]})  # fmt: skip
    by_department = [{"department": name, **row} for name, row in sorted(counts.items())]
    totals = {key: sum(row[key] for row in counts.values()) for key in (*LAMPS, "open", "closed", "closed_late")}
    overdue.sort(key=lambda c: (-c["overdue_working_days"], c["case_no"]))
    items = sorted(({"item_code": code, "item_name": name, **row} for (code, name), row in by_item.items()),
                   key=lambda r: (-r["red"], -r["yellow"], r["item_code"]))
    return {"today": today.isoformat(), "by_department": by_department, "by_item": items, "totals": totals,
            "overdue": overdue, "provisional": provisional}  # fmt: skip
