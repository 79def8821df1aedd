"""Ratings (好差评) over time, per hall-local day: the feedback page's trend and the dashboard's."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from miniapp_api.core.clock import local_date
from miniapp_api.core.stores import mongo
from miniapp_api.feedback.ratings import CALLBACK_AT_OR_BELOW


def satisfaction(days: list[dt.date]) -> list[dict]:
    """Ratings (好差评) per day: count, average score, low scores (callbacks)."""
    start = dt.datetime.combine(days[0] - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    scores: dict[str, list[int]] = defaultdict(list)
    for r in mongo()["ratings"].find({"created_at": {"$gte": start}}, {"created_at": 1, "score": 1}):
        scores[local_date(r["created_at"]).isoformat()].append(int(r["score"]))
    return [{"day": d.isoformat(), "count": len(scores[d.isoformat()]),
             "average": round(sum(scores[d.isoformat()]) / len(scores[d.isoformat()]), 2) if scores[d.isoformat()]
             else None, "low": sum(1 for s in scores[d.isoformat()] if s <= CALLBACK_AT_OR_BELOW)} for d in days]
