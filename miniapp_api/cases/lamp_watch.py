"""Lamps that change with the date alone: a case turns yellow or red at midnight without any event.

Case writes announce their own lamp (``service._announce``). What no write announces is the lamp
moving because a working day passed, so the web process runs ``watch`` every second (a background
task): it costs one date comparison until the hall-local date changes, then one pass over the open
cases that publishes each lamp that differs from the last one announced.

Redis key map (prefix omitted):

    cases:lamps        hash  case_no -> lamp last announced by this watcher
    cases:lamps:day    string  the hall-local date that hash was computed for

Both are a cache of what MongoDB and the calendar say: after a Redis restart (keys missing) the
first pass fills them again without announcing anything, so a restart never floods open pages.
"""

from __future__ import annotations

from flask import current_app

from miniapp_api.cases.rules import CLOSED
from miniapp_api.core.clock import local_today
from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.halls.lamps import case_clock, workday_calendar
from miniapp_api.live.publish import publish_quietly


def red_message(case_no: str) -> str:
    return f"办件 {case_no} 已超期（红灯）"


def watch() -> int:
    """Announce the lamps that changed since the hall-local date last changed; returns how many."""
    today = local_today()
    day_key, lamps_key = rkey("cases", "lamps", "day"), rkey("cases", "lamps")
    seen_day = rds().get(day_key)
    if seen_day == today.isoformat():
        return 0
    announce = seen_day is not None  # no record: fill it, announce nothing (first start, Redis lost)
    previous = rds().hgetall(lamps_key)
    cal, current, changed = workday_calendar(), {}, []
    for case in mongo()["cases"].find({"status": {"$nin": sorted(CLOSED)}}):
        lamp = case_clock(case, today, cal)["lamp"]
        current[case["_id"]] = lamp
        if announce and previous.get(case["_id"]) != lamp:
            changed.append((case, lamp))
    pipe = rds().pipeline()
    pipe.delete(lamps_key)
    if current:
        pipe.hset(lamps_key, mapping=current)
    pipe.set(day_key, today.isoformat())
    pipe.execute()
    prefix = current_app.config["REDIS_PREFIX"]
    for case, lamp in changed:
        event = {"type": "case", "case_no": case["_id"], "status": case["status"], "lamp": lamp, "reason": "date"}
        if lamp == "red":
            event["message"] = red_message(case["_id"])
        publish_quietly(rds(), prefix, "cases", event)
    return len(changed)
