"""The dashboard's numbers, each over a list of hall-local days (oldest first)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from flask import current_app

from miniapp_api.appeals import rollup
from miniapp_api.appeals.directory import appeal_types
from miniapp_api.cases.supervision import supervision_summary
from miniapp_api.core.clock import local_today
from miniapp_api.core.stores import mongo
from miniapp_api.feedback.trend import satisfaction
from miniapp_api.kb import search_stats

RANGES = {"today": 1, "7d": 7, "30d": 30}


def slot_utilisation(days: list[dt.date], ahead: int) -> dict:
    """Booked seats against seats offered, per day (the range and the booking window ahead) and
    bookings per item. Seats offered = every hall's capacity per slot × its slots (open days only:
    a day with no booking at all and nothing offered is left out)."""
    first, last = days[0], days[-1] + dt.timedelta(days=ahead)
    span = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    halls = list(mongo()["halls"].find({}, {"capacity": 1, "slot_times": 1}))
    per_day = sum(sum(int(c) for c in h.get("capacity", {}).values()) * len(h.get("slot_times", [])) for h in halls)
    booked: Counter[str] = Counter()
    items: Counter[tuple[str, str]] = Counter()
    query = {"date": {"$gte": first.isoformat(), "$lte": last.isoformat()}, "status": {"$ne": "cancelled"}}
    for appt in mongo()["appointments"].find(query, {"date": 1, "item_code": 1, "item_name": 1}):
        booked[appt["date"]] += 1
        items[(appt["item_code"], appt.get("item_name") or "")] += 1
    rows = [{"day": d.isoformat(), "booked": booked[d.isoformat()], "offered": per_day,
             "rate": round(booked[d.isoformat()] / per_day, 4) if per_day else None}
            for d in span if d.weekday() < 5 or booked[d.isoformat()]]
    by_item = [{"item_code": c, "item_name": n, "booked": k} for (c, n), k in items.most_common(10)]
    return {"days": rows, "by_item": by_item}


def queue_waits(days: list[dt.date]) -> list[dict]:
    """Average minutes from taking a number to being called, per day."""
    sums: dict[str, list[float]] = defaultdict(list)
    query = {"date": {"$gte": days[0].isoformat(), "$lte": days[-1].isoformat()}, "called_at": {"$ne": None}}
    for t in mongo()["tickets"].find(query, {"date": 1, "created_at": 1, "called_at": 1}):
        if t.get("created_at") and t.get("called_at"):
            sums[t["date"]].append((t["called_at"] - t["created_at"]).total_seconds() / 60)
    return [{"day": d.isoformat(), "called": len(sums[d.isoformat()]),
             "avg_wait_minutes": round(sum(sums[d.isoformat()]) / len(sums[d.isoformat()]), 1)
             if sums[d.isoformat()] else None} for d in days]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def appeals(days: list[dt.date]) -> dict:
    """The 网络理政 figures of the appeals received in these days (the same report as
    ``GET /staff/appeals/figures``: kept per-day cells, so a 30-day panel reads 30 small documents)."""
    return rollup.report(days[0], days[-1], local_today(), appeal_types().label)


def dashboard(days: list[dt.date]) -> dict:
    kb = search_stats.daily(days)
    total = sum(r["total"] for r in kb)
    slots = slot_utilisation(days, int(current_app.config["BOOKING_DAYS_AHEAD"]))
    waits = queue_waits(days)
    ratings = satisfaction(days)
    called = sum(r["called"] for r in waits)
    rated = sum(r["count"] for r in ratings)
    cases = supervision_summary()
    booked, offered = sum(r["booked"] for r in slots["days"]), sum(r["offered"] for r in slots["days"])
    return {
        "days": [d.isoformat() for d in days],
        "kb": kb, "hot": search_stats.hot(days),
        "slots": slots, "waits": waits, "ratings": ratings, "appeals": appeals(days),
        "cases": {"totals": cases["totals"], "overdue": cases["overdue"][:10], "by_department": cases["by_department"]},
        "kpi": {
            "searches": total,
            "answered_rate": _share(sum(r["answered"] for r in kb), total),
            "clarify_rate": _share(sum(r["clarify"] for r in kb), total),
            "unanswerable_rate": _share(sum(r["unanswerable"] for r in kb), total),
            "booked": booked, "utilisation": _share(booked, offered),
            "avg_wait_minutes": round(sum((r["avg_wait_minutes"] or 0) * r["called"] for r in waits) / called, 1)
            if called else None,
            "overdue": cases["totals"]["red"], "open_cases": cases["totals"]["open"],
            "ratings": rated,
            "satisfaction": round(sum((r["average"] or 0) * r["count"] for r in ratings) / rated, 2) if rated else None,
        },
    }
