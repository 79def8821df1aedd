"""Every knowledge-base search counted per hall-local day, so the dashboard's answered / clarify /
unanswerable rates have a denominator and hot questions can be ranked.

Keys (kept ``KEEP_DAYS`` days): ``{prefix}kb:daily:<YYYY-MM-DD>`` hash {total, answered, clarify,
unanswerable}; ``{prefix}kb:hot:<YYYY-MM-DD>`` sorted set question → count (the ``HOT_KEEP`` most
asked of the day are kept). Writes ride on the caller's pipeline: no extra round trip.
"""

from __future__ import annotations

import datetime as dt

from redis.client import Pipeline

from miniapp_api.core.stores import rds, rkey

KEEP_DAYS = 40
HOT_KEEP = 2000
STATUSES = ("answered", "clarify", "unanswerable")


def record(pipe: Pipeline, question: str, status: str, day: dt.date) -> None:
    daily, hot = rkey("kb", "daily", day.isoformat()), rkey("kb", "hot", day.isoformat())
    pipe.hincrby(daily, "total", 1)
    pipe.hincrby(daily, status, 1)
    pipe.expire(daily, KEEP_DAYS * 86400)
    pipe.zincrby(hot, 1, question.strip()[:200])
    pipe.zremrangebyrank(hot, 0, -HOT_KEEP - 1)
    pipe.expire(hot, KEEP_DAYS * 86400)


def days_back(today: dt.date, days: int) -> list[dt.date]:
    return [today - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]


def daily(days: list[dt.date]) -> list[dict]:
    """Per day: total searches and each status's count and share (None without searches)."""
    pipe = rds().pipeline(transaction=False)
    for day in days:
        pipe.hgetall(rkey("kb", "daily", day.isoformat()))
    out = []
    for day, raw in zip(days, pipe.execute(), strict=True):
        total = int(raw.get("total", 0))
        row = {"day": day.isoformat(), "total": total}
        for status in STATUSES:
            row[status] = int(raw.get(status, 0))
            row[f"{status}_rate"] = round(row[status] / total, 4) if total else None
        out.append(row)
    return out


def hot(days: list[dt.date], limit: int = 10) -> list[dict]:
    keys = [rkey("kb", "hot", day.isoformat()) for day in days]
    rows = rds().zunion(keys, withscores=True) if keys else []
    rows = sorted(rows, key=lambda r: (-r[1], r[0]))[:limit]
    return [{"question": q, "count": int(c)} for q, c in rows]
