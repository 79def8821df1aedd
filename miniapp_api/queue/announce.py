"""Window calls reach the hall's screens: the recent calls kept per hall, and a live event on the hall's
public topic that every open display (no sign-in) receives through the live server.

Redis keys (prefix omitted)::

    queue:calls:<hall_id>   list of JSON {number, window, category, at, recall}, newest first, at most KEEP

Topic ``public.hall.<hall_id>``: ``{"type": "call", number, window, category, at, recall}`` when a window
calls or recalls a number, ``{"type": "board", "reason", "categories": [{category, waiting,
estimated_wait_minutes}]}`` when waiting counts changed (a call, served, 过号, transfer, a walk-in number, a
check-in). The counts travel in the event, so hundreds of displays update without asking the API.
Nothing personal is announced: a number, a window and counts.
"""

from __future__ import annotations

import json
import time

from flask import current_app

from miniapp_api.core.stores import rds, rkey
from miniapp_api.live.publish import publish_quietly, valid_topic

KEEP = 10  # the display shows the last ten calls
CALLS_TTL = 2 * 24 * 3600  # yesterday's calls are gone by the next morning's second day


def topic(hall_id: str) -> str:
    return f"public.hall.{hall_id}"


def _calls_key(hall_id: str) -> str:
    return rkey("queue", "calls", hall_id)


def _publish(hall_id: str, event: dict) -> None:
    name = topic(hall_id)
    if valid_topic(name):  # a hall id with characters topics refuse gets no live screen, never an error
        publish_quietly(rds(), current_app.config["REDIS_PREFIX"], name, event)


def announce_call(ticket: dict, recall: bool = False) -> dict:
    """Record and announce a called ticket (``ticket`` as queue.service returns it)."""
    entry = {"number": ticket["number"], "window": ticket.get("window") or "", "category": ticket["category"],
             "at": time.time(), "recall": recall}  # fmt: skip
    key = _calls_key(ticket["hall_id"])
    pipe = rds().pipeline(transaction=False)
    pipe.lpush(key, json.dumps(entry, ensure_ascii=False))
    pipe.ltrim(key, 0, KEEP - 1)
    pipe.expire(key, CALLS_TTL)
    pipe.execute()
    _publish(ticket["hall_id"], {"type": "call", **entry})
    return entry


def announce_board(hall_id: str, reason: str = "changed") -> None:
    """Waiting counts changed: the new counts go to every display and window panel of the hall."""
    from miniapp_api.queue.service import board  # the service never imports this module; routes use both

    try:
        rows = board(hall_id)["categories"]
    except Exception:  # the change itself succeeded; displays then refresh on their periodic fetch
        current_app.logger.warning("board of hall %s not announced", hall_id, exc_info=True)
        return
    counts = [{k: r[k] for k in ("category", "waiting", "estimated_wait_minutes")} for r in rows]
    _publish(hall_id, {"type": "board", "reason": reason, "categories": counts})


def recent_calls(hall_id: str) -> list[dict]:
    """The last calls of the hall, newest first (what a display shows when it opens)."""
    out = []
    for raw in rds().lrange(_calls_key(hall_id), 0, KEEP - 1):
        try:
            out.append(json.loads(raw))
        except ValueError:
            continue
    return out


def spoken(entry: dict) -> str:
    """What the display says: 请A001号到A03号窗口办理."""
    return f"请{entry['number']}号到{entry['window']}号窗口办理"
