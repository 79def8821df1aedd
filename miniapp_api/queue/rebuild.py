"""Today's queue rebuilt from MongoDB after Redis lost it, the way booking counters are: one worker
rebuilds under a lock while the others wait, and every queue script refuses ({-9}) until it is done.

MongoDB ``tickets`` holds every ticket as it was when its last change was answered (queue.service
persists before it responds; ``ver`` keeps an older copy from replacing a newer one). From it come:
the number sequences (the highest number of the day per category: numbers continue, never 001 again),
the hall's arrival counter, the live hashes of waiting and called tickets, the waiting sets with each
ticket's own score (class and arrival: everyone keeps their place), the guards (one ticket per resident
and category, one per booking) and the rolling service-time samples behind the wait estimate.

The ready key is not tied to a MongoDB store (booking's is): with the in-memory store an API restart
leaves Redis's queue complete, and rebuilding it from the new, empty store would wipe the day.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid

from flask import current_app

from miniapp_api.core.errors import Unavailable
from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.queue.lua import (
    CLASS_WIDTH,
    arrival_key,
    checkin_key,
    durations_key,
    holder_key,
    no_guard_key,
    ready_key,
    seq_key,
    ticket_key,
    waiting_key,
)

log = logging.getLogger(__name__)
ACTIVE = ("waiting", "called")
DAY = 24 * 3600


def ensure_queue(today: str, wait_seconds: float = 10.0) -> None:
    """Make sure the queue reflects MongoDB; one worker rebuilds (``today``, hall-local), the others wait."""
    client = rds()
    lock = rkey("queue", "rebuild_lock")
    deadline = time.monotonic() + wait_seconds
    while not client.exists(ready_key()):
        token = uuid.uuid4().hex
        if client.set(lock, token, nx=True, ex=30):
            try:
                if not client.exists(ready_key()):
                    rebuild(client, today)
            finally:
                if client.get(lock) == token:
                    client.delete(lock)
            return
        if time.monotonic() > deadline:
            raise Unavailable("the queue is being restored, please retry", None)
        time.sleep(0.02)


def _seq(doc: dict) -> int:
    if doc.get("seq"):
        return int(doc["seq"])
    return int(doc["number"][len(doc["category"]):])  # copies written before ``seq`` was kept


def _guard(doc: dict) -> str:
    if doc.get("guard"):
        return doc["guard"]
    if doc.get("appointment_id"):
        return checkin_key(doc["appointment_id"])
    if doc.get("resident_id"):
        return holder_key(doc["hall_id"], doc["date"], doc["category"], doc["resident_id"])
    return no_guard_key()


def _ts(value: dt.datetime | None) -> float | None:
    if not value:
        return None
    if value.tzinfo is None:  # MongoDB gives naive UTC back unless the client is tz-aware
        value = value.replace(tzinfo=dt.UTC)
    return value.timestamp()


def _epoch(value: dt.datetime | None) -> str:
    """A datetime as the scripts store times: epoch seconds as text ('' for none)."""
    ts = _ts(value)
    return "" if ts is None else repr(ts)


def _live_fields(doc: dict) -> dict:
    """The Redis hash of a waiting or called ticket, as the scripts wrote it."""
    fields = {"id": doc["_id"], "number": doc["number"], "seq": _seq(doc), "score": repr(float(doc["score"])),
              "status": doc["status"], "guard": _guard(doc), "hall_id": doc["hall_id"], "date": doc["date"],
              "category": doc["category"], "kind": doc["kind"], "resident_id": doc.get("resident_id") or "",
              "appointment_id": doc.get("appointment_id") or "", "created_at": _epoch(doc.get("created_at")),
              "ver": int(doc.get("ver") or 1)}
    for key in ("called_at", "served_at", "finished_at"):
        if doc.get(key):
            fields[key] = _epoch(doc[key])
    for key in ("window", "transferred_from"):
        if doc.get(key):
            fields[key] = doc[key]
    if doc.get("near_notified"):
        fields["near_notified"] = "1"
    return fields


def rebuild(client, today: str) -> dict:
    """Restore the queue of ``today`` in every hall from MongoDB (the caller holds the lock)."""
    cfg = current_app.config
    ttl = int(cfg["QUEUE_TICKET_TTL_DAYS"]) * DAY
    docs = list(mongo()["tickets"].find({"date": today}))
    seqs: dict[str, int] = {}
    arrivals: dict[str, int] = {}
    pipe = client.pipeline(transaction=True)
    restored = 0
    for doc in docs:
        seq = seq_key(doc["hall_id"], today, doc["category"])
        seqs[seq] = max(seqs.get(seq, 0), _seq(doc))
        arrival = arrival_key(doc["hall_id"], today)
        arrivals[arrival] = max(arrivals.get(arrival, 0), int(float(doc["score"])) % CLASS_WIDTH)
        guard = _guard(doc)
        if doc["status"] in ACTIVE:
            key = ticket_key(doc["_id"])
            pipe.delete(key)
            pipe.hset(key, mapping=_live_fields(doc))
            pipe.expire(key, ttl)
            if doc["status"] == "waiting":
                pipe.zadd(waiting_key(doc["hall_id"], today, doc["category"]), {doc["_id"]: float(doc["score"])})
                pipe.expire(waiting_key(doc["hall_id"], today, doc["category"]), ttl)
            restored += 1
        # a booking's check-in guard names its latest ticket whatever its state; a walk-in's only while active
        if guard != no_guard_key() and (doc["status"] in ACTIVE or (doc.get("appointment_id")
                                                                    and doc["status"] != "transferred")):
            pipe.set(guard, doc["_id"], ex=ttl)
    # Counters only ever go up: a value Redis still has (it was not wiped after all) is kept if higher.
    counters = {**seqs, **arrivals}
    current = dict(zip(counters, client.mget(list(counters)), strict=True)) if counters else {}
    for key, value in counters.items():
        pipe.set(key, max(value, int(current.get(key) or 0)), ex=ttl)
    _durations(pipe, cfg)
    pipe.set(ready_key(), uuid.uuid4().hex)
    pipe.execute()
    log.info("queue restored from MongoDB for %s: %d tickets, %d live", today, len(docs), restored)
    return {"date": today, "tickets": len(docs), "live": restored}


def _durations(pipe, cfg) -> None:
    """The rolling service-time samples per hall and category, from the latest served tickets."""
    samples = int(cfg["QUEUE_SERVICE_SAMPLES"])
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    per_queue: dict[tuple[str, str], list[str]] = {}
    rows = mongo()["tickets"].find({"status": "served", "served_at": {"$gte": since}},
                                   {"hall_id": 1, "category": 1, "called_at": 1, "served_at": 1})
    for doc in sorted(rows, key=lambda d: _ts(d["served_at"]) or 0.0, reverse=True):
        queue = per_queue.setdefault((doc["hall_id"], doc["category"]), [])
        if doc.get("called_at") and len(queue) < samples:
            took = (_ts(doc["served_at"]) or 0.0) - (_ts(doc["called_at"]) or 0.0)
            if took > 0:
                queue.append(repr(took))
    for (hall_id, category), values in per_queue.items():
        if values:
            key = durations_key(hall_id, category)
            pipe.delete(key)
            pipe.rpush(key, *values)  # newest first, as LPUSH left them
            pipe.expire(key, 30 * DAY)
