"""The 网络理政 figures (the Jinniu report) from appeal documents — pure aggregation.

An appeal document contributes counters to one *cell* (the day it was received, its department,
its type). Figures for a period add the cells of the days in it, so the same code serves both
ways of computing them:
- ``figures(docs, ...)`` straight from appeal documents (tests, rebuilds, small data);
- the service keeps the cells materialized per day (``cell_delta`` of each step, applied with
  ``$inc``) and calls ``figures_from_cells`` — a year's report then reads 366 small documents
  instead of every appeal.

Definitions (each rate is None when its denominator is 0):
- received: appeals received in the period; merged: of those, joined into another appeal (并案);
- replied: received appeals with a first reply; reply rate = replied / (received − merged);
- on-time rate = first replies within the deadline (extensions included) /
  (first replies + appeals never replied and already past their deadline);
- mean / p90 reply time: working days from receipt (not counted) to the first reply; p90 is the
  nearest-rank 90th percentile;
- satisfaction rate = (满意 + 基本满意) / rated, using each appeal's latest rating; an appeal not
  rated within 7 days counts as not rated, never as satisfied;
- reopened: appeals reopened after 不满意; overdue now: open appeals past their current deadline
  on ``today`` (a reopened appeal counts with its new deadline).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Iterable

from miniapp_api.appeals.rules import REPLY_CLOCK_STOPPED, SATISFIED

UNASSIGNED = "待转办"  # department of appeals not (or no longer) with a department
COUNTERS = ("received", "merged", "replied", "on_time", "reply_days_sum", "rated", "satisfied", "reopened")
MAPS = ("hist", "open_due", "unreplied_due")  # reply days → n; deadline → n (open), deadline → n (never replied)
SEP = "|"

Cell = dict  # {"received": int, ..., "hist": {"4": n}, "open_due": {"2026-03-12": n}, "unreplied_due": {...}}


def _key_part(text: str) -> str:
    # cell keys become MongoDB field names: no "." or leading "$" (full-width forms read the same)
    return text.replace(".", "．").replace("$", "＄").replace(SEP, "｜")


def cell_key(doc: dict) -> str:
    return _key_part(doc.get("department") or "") + SEP + _key_part(doc.get("type") or "")


def split_key(key: str) -> tuple[str, str]:
    department, _, kind = key.partition(SEP)
    return department or UNASSIGNED, kind


def contribution(doc: dict) -> Cell:
    """What one appeal document adds to its cell."""
    replied = doc.get("first_replied_on") is not None
    cell: Cell = {"received": 1, "merged": int(doc.get("status") == "merged"), "replied": int(replied),
                  "on_time": int(bool(doc.get("replied_on_time"))), "reply_days_sum": 0,
                  "rated": int(doc.get("rating") is not None), "satisfied": int(doc.get("rating") in SATISFIED),
                  "reopened": int(int(doc.get("reopens") or 0) > 0), "hist": {}, "open_due": {},
                  "unreplied_due": {}}  # fmt: skip
    if replied and doc.get("reply_workdays") is not None:
        days = int(doc["reply_workdays"])
        cell["reply_days_sum"] = days
        cell["hist"] = {str(days): 1}
    if doc.get("status") not in REPLY_CLOCK_STOPPED and doc.get("due_on"):
        cell["open_due"] = {str(doc["due_on"]): 1}
        if not replied:
            cell["unreplied_due"] = {str(doc["due_on"]): 1}
    return cell


def flatten(cell: Cell) -> dict[str, int]:
    """``{"received": 1, "hist.4": 1, "open_due.2026-03-12": 1, ...}`` without zeros."""
    out = {name: cell[name] for name in COUNTERS if cell.get(name)}
    for name in MAPS:
        out.update({f"{name}.{k}": v for k, v in (cell.get(name) or {}).items() if v})
    return out


def cell_delta(before: dict | None, after: dict | None) -> dict[tuple[str, str], dict[str, int]]:
    """(day, cell key) → flat counter changes that turn ``before``'s contribution into ``after``'s."""
    delta: dict[tuple[str, str], dict[str, int]] = {}
    for doc, sign in ((before, -1), (after, 1)):
        if doc is None:
            continue
        where = (str(doc["received_on"]), cell_key(doc))
        bucket = delta.setdefault(where, {})
        for path, value in flatten(contribution(doc)).items():
            bucket[path] = bucket.get(path, 0) + sign * value
    return {where: {p: v for p, v in changes.items() if v} for where, changes in delta.items() if any(changes.values())}


def add_into(total: Cell, cell: Cell) -> None:
    for name in COUNTERS:
        total[name] = total.get(name, 0) + int(cell.get(name) or 0)
    for name in MAPS:
        target = total.setdefault(name, {})
        for k, v in (cell.get(name) or {}).items():
            target[k] = target.get(k, 0) + int(v)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


def p90(hist: dict[str, int]) -> int | None:
    """Nearest-rank 90th percentile of a histogram {value: count}."""
    n = sum(v for v in hist.values() if v > 0)
    if n == 0:
        return None
    rank, seen = math.ceil(0.9 * n), 0
    for value in sorted((int(k) for k, v in hist.items() if v > 0)):
        seen += hist[str(value)]
        if seen >= rank:
            return value
    return None  # unreachable: the loop reaches n >= rank


def row(cell: Cell, today: dt.date) -> dict:
    """The published figures of one group of cells."""
    today_s = today.isoformat()
    overdue = sum(v for k, v in cell.get("open_due", {}).items() if k < today_s)
    unreplied_overdue = sum(v for k, v in cell.get("unreplied_due", {}).items() if k < today_s)
    handled = cell["received"] - cell["merged"]
    return {"received": cell["received"], "merged": cell["merged"], "replied": cell["replied"],
            "reply_rate": _rate(cell["replied"], handled), "on_time": cell["on_time"],
            "on_time_rate": _rate(cell["on_time"], cell["replied"] + unreplied_overdue),
            "mean_reply_workdays": round(cell["reply_days_sum"] / cell["replied"], 2) if cell["replied"] else None,
            "p90_reply_workdays": p90(cell.get("hist", {})), "rated": cell["rated"], "satisfied": cell["satisfied"],
            "satisfaction_rate": _rate(cell["satisfied"], cell["rated"]), "reopened": cell["reopened"],
            "overdue_now": overdue}  # fmt: skip


def _empty() -> Cell:
    return {**dict.fromkeys(COUNTERS, 0), **{name: {} for name in MAPS}}


def figures_from_cells(cells: Iterable[tuple[str, Cell]], today: dt.date,
                       type_label: Callable[[str], str] = str) -> dict:  # fmt: skip
    """Figures from (cell key, cell) pairs: the total, by department and by type (largest first)."""
    by_key: dict[str, Cell] = {}
    for key, cell in cells:  # a year has ~30,000 day cells but ~100 keys: add each cell once, then group the keys
        add_into(by_key.setdefault(key, _empty()), cell)
    total, departments, kinds = _empty(), {}, {}
    for key, cell in by_key.items():
        department, kind = split_key(key)
        add_into(total, cell)
        add_into(departments.setdefault(department, _empty()), cell)
        add_into(kinds.setdefault(kind, _empty()), cell)

    def ranked(groups: dict[str, Cell]) -> list[tuple[str, Cell]]:
        # kept cells of a department an appeal only passed through add up to zero: not a row of the report
        return sorted(((k, c) for k, c in groups.items() if c["received"]), key=lambda kv: (-kv[1]["received"], kv[0]))

    return {"total": row(total, today),
            "by_department": [{"department": d, **row(c, today)} for d, c in ranked(departments)],
            "by_type": [{"type": t, "label": type_label(t), **row(c, today)} for t, c in ranked(kinds)]}  # fmt: skip


def figures(docs: Iterable[dict], today: dt.date, type_label: Callable[[str], str] = str) -> dict:
    """Figures straight from appeal documents (all of them count: filter the period before)."""
    cells: dict[str, Cell] = {}
    for doc in docs:
        add_into(cells.setdefault(cell_key(doc), _empty()), contribution(doc))
    return figures_from_cells(cells.items(), today, type_label)


CSV_COLUMNS = ("scope", "name", "received", "merged", "replied", "reply_rate", "on_time", "on_time_rate",
               "mean_reply_workdays", "p90_reply_workdays", "rated", "satisfied", "satisfaction_rate", "reopened",
               "overdue_now")  # fmt: skip


def _cell_text(value) -> str:
    # a leading = + - @ would make a spreadsheet run the cell as a formula (names come from staff input)
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(report: dict) -> str:
    """One CSV (UTF-8 with BOM so that Excel reads the Chinese): total, then departments, then types."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = [("total", "全部", report["total"])]
    rows += [("department", r["department"], r) for r in report["by_department"]]
    rows += [("type", r.get("label") or r["type"], r) for r in report["by_type"]]
    for scope, name, r in rows:
        writer.writerow([scope, _cell_text(name)] + [_cell_text(r[c]) for c in CSV_COLUMNS[2:]])
    return "\ufeff" + out.getvalue()
