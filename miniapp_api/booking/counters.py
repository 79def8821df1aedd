"""Booking counters in Redis, derived from the appointments in MongoDB: seats per slot, bookings
per resident and day, the active booking per item, idempotency keys and no-show blocks; rebuilt
from MongoDB after Redis lost them or after the MongoDB they were built from was lost (the
in-memory store of a process that ended), one worker rebuilding while the others wait; and read
for the slot list.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid

from flask import current_app
from pymongo.errors import DuplicateKeyError

from miniapp_api.booking import lua as keys
from miniapp_api.booking.rules import blocked_until, seconds_until_day_over
from miniapp_api.core.clock import now_local
from miniapp_api.core.errors import Unavailable
from miniapp_api.core.stores import mongo, rds, rkey

log = logging.getLogger(__name__)
SEAT_STATUSES = ("booked", "checked_in", "served", "no_show")  # every status but cancelled (and void) holds its seat
ACTIVE_STATUSES = ("booked", "checked_in")
IDEMPOTENCY_TTL = 24 * 3600
COUNTED_TTL = 300  # requests in flight across a rebuild settle within this (gunicorn's timeout is 30 s)
LOCK_TTL = 30


def store_block(client, resident_id: str, today: dt.date) -> None:
    """Mirror the resident's no-show block (if any) into Redis, where the booking script checks it."""
    until = blocked_until(resident_id, today)
    if until is not None:  # kept a day past the block (the script compares dates, not the TTL)
        client.set(keys.blocked_key(resident_id), until.isoformat(), ex=((until - today).days + 1) * 86400)


def store_id() -> str:
    """Names the MongoDB the counters are built from; the counters' generation starts with it.

    Kept in the database itself (``meta``), so every worker and every restart on a MongoDB server
    agree. The in-memory store is new with each process: its id is new too, and counters built from
    a store that died with its process are rebuilt on first use — no seat of a lost appointment stays taken.
    """
    ext = current_app.extensions
    if "booking_store_id" not in ext:
        meta = mongo()["meta"]
        doc = meta.find_one({"_id": "booking_store"})
        if doc is None:
            try:
                meta.insert_one({"_id": "booking_store", "id": uuid.uuid4().hex})
            except DuplicateKeyError:  # another worker made it first
                pass
            doc = meta.find_one({"_id": "booking_store"})
        ext["booking_store_id"] = doc["id"]
    return ext["booking_store_id"]


def counters_ready(client=None) -> bool:
    generation = (client or rds()).get(keys.ready_key())
    return bool(generation) and generation.startswith(store_id() + "|")


def _lock(client) -> str | None:
    token = uuid.uuid4().hex
    return token if client.set(rkey("booking", "rebuild_lock"), token, nx=True, ex=LOCK_TTL) else None


def _unlock(client, token: str) -> None:
    lock = rkey("booking", "rebuild_lock")
    if client.get(lock) == token:  # not a lock that expired and was taken by another worker since
        client.delete(lock)


def ensure_counters(wait_seconds: float = 10.0) -> None:
    """Make sure the counters reflect this MongoDB; one worker rebuilds, the others wait for it."""
    client = rds()
    deadline = time.monotonic() + wait_seconds
    while not counters_ready(client):
        token = _lock(client)
        if token:
            try:
                # Another worker may have finished a rebuild between our check and the lock:
                # rebuilding again would pull the counters away from requests already using them.
                if not counters_ready(client):
                    _rebuild(client)
            finally:
                _unlock(client, token)
            return
        if time.monotonic() > deadline:
            raise Unavailable("booking counters are being rebuilt, please retry", None)
        time.sleep(0.02)


def rebuild_counters(wait_seconds: float = 10.0) -> dict:
    """Recompute every booking counter from MongoDB (admin repair), under the same lock as the automatic one."""
    client = rds()
    deadline = time.monotonic() + wait_seconds
    while (token := _lock(client)) is None:
        if time.monotonic() > deadline:
            raise Unavailable("a rebuild of the booking counters is already running, please retry", None,
                              code="rebuild_in_progress")
        time.sleep(0.05)
    try:
        return _rebuild(client)
    finally:
        _unlock(client, token)


def _rebuild(client) -> dict:
    """Caller holds the lock. Requests between their Redis step and their MongoDB step while this runs
    settle by themselves (see lua.CONFIRM and lua.RELEASE): the counted set says which appointments
    this rebuild saw holding a seat."""
    client.delete(keys.ready_key())  # reservations and cancels wait (they see no generation) until we are done
    locks = {rkey("booking", "rebuild_lock")}
    stale = [k for k in client.scan_iter(match=rkey("booking", "*"), count=1000) if k not in locks]
    today = now_local().date()
    generation = f"{store_id()}|{uuid.uuid4().hex}"
    counted = keys.counted_key(generation)
    rows = mongo()["appointments"].find({"date": {"$gte": today.isoformat()}, "status": {"$in": list(SEAT_STATUSES)}})
    seats: dict[str, int] = {}
    daily: dict[str, int] = {}
    expiry: dict[str, int] = {}
    ids: list[str] = []
    pipe = client.pipeline(transaction=True)
    if stale:
        pipe.delete(*stale)
    for doc in rows:
        ttl = seconds_until_day_over(dt.date.fromisoformat(doc["date"]))
        seat = keys.seats_key(doc["hall_id"], doc["category"], doc["date"], doc["slot"])
        day = keys.daily_key(doc["resident_id"], doc["date"])
        seats[seat] = seats.get(seat, 0) + 1
        daily[day] = daily.get(day, 0) + 1
        expiry[seat] = expiry[day] = ttl
        ids.append(doc["_id"])
        if doc["status"] in ACTIVE_STATUSES:
            pipe.set(keys.active_key(doc["resident_id"], doc["item_code"]), doc["_id"], ex=ttl)
    for key, count in {**seats, **daily}.items():
        pipe.set(key, count, ex=expiry[key])
    for start in range(0, len(ids), 1000):
        pipe.sadd(counted, *ids[start:start + 1000])
    pipe.expire(counted, COUNTED_TTL)
    cfg = current_app.config
    since = (today - dt.timedelta(days=cfg["NO_SHOW_WINDOW_DAYS"] + cfg["NO_SHOW_BLOCK_DAYS"])).isoformat()
    no_shows = mongo()["appointments"].find({"status": "no_show", "date": {"$gte": since}}, {"resident_id": 1})
    for resident_id in {doc["resident_id"] for doc in no_shows}:
        store_block(pipe, resident_id, today)
    # Retries of recent requests (whatever became of the booking) still find their appointment.
    recent = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=IDEMPOTENCY_TTL)
    for doc in mongo()["appointments"].find({"created_at": {"$gte": recent}, "idempotency_key": {"$ne": None},
                                             "status": {"$ne": "void"}}):
        pipe.set(keys.idem_key(doc["resident_id"], doc["idempotency_key"]), doc["_id"], ex=IDEMPOTENCY_TTL)
    pipe.set(keys.ready_key(), generation)  # a new generation: pending entries of the old one are gone with it
    pipe.execute()
    log.info("booking counters rebuilt from MongoDB: %d slots, %d resident-days", len(seats), len(daily))
    return {"slots": len(seats), "resident_days": len(daily)}


def slot_usage(hall_id: str, category: str, date: dt.date, slot_times: list[str]) -> list[int]:
    if not slot_times:  # MGET needs a key: a closed day has no slots
        return []
    ensure_counters()
    values = rds().mget([keys.seats_key(hall_id, category, date.isoformat(), s) for s in slot_times])
    return [int(v or 0) for v in values]
