"""Delivery results travel from the notification worker to the records through Redis.

The worker never writes MongoDB: with the in-memory default it has a database of its own that nobody
reads. Each outcome of a delivery attempt (sent, retrying, failed, rejected, skipped) is appended to the
stream ``notify:results``; the web process (core.background) reads it with a consumer group and updates
the ``notifications`` records where the bookings and cases are. An entry is acknowledged only after its
record was written, and entries a dead web process had read but not written are claimed again after a
minute, so a result is never lost; applying one twice changes nothing (``$max`` attempts, errors keyed by
their entry id).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os

from redis.exceptions import ResponseError

from miniapp_api.core.stores import mongo, rds, rkey

log = logging.getLogger(__name__)
GROUP = "records"
STREAM_MAXLEN = 100_000  # far more than a day's messages: an API that is down for hours loses none
RECLAIM_IDLE_MS = 60_000


def stream_key() -> str:
    return rkey("notify", "results")


def report(notification_id: str, kind: str, changes: dict, attempt: int = 0, error: str | None = None) -> None:
    """Worker side: one outcome of a delivery attempt. ``changes`` are the record's new fields
    (datetimes allowed); ``attempt`` counts from 1 when a send was tried."""
    entry = {"id": notification_id, "kind": kind, "attempt": attempt, "error": (error or "")[:500],
             "changes": json.dumps({k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in changes.items()}),
             "at": dt.datetime.now(dt.UTC).isoformat()}
    rds().xadd(stream_key(), entry, maxlen=STREAM_MAXLEN, approximate=True)


def _ensure_group(client) -> None:
    try:
        client.xgroup_create(stream_key(), GROUP, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def _apply(entry_id: str, fields: dict) -> None:
    changes = json.loads(fields["changes"])
    for key, value in changes.items():
        if key.endswith("_at") and isinstance(value, str):
            changes[key] = dt.datetime.fromisoformat(value)
    at = dt.datetime.fromisoformat(fields["at"])
    update: dict = {"$set": {**changes, "updated_at": at},
                    "$setOnInsert": {"kind": fields["kind"], "created_at": at}}
    if int(fields.get("attempt") or 0):
        update["$max"] = {"attempts": int(fields["attempt"])}
    if fields.get("error"):
        update["$addToSet"] = {"errors": {"at": at, "error": fields["error"], "entry": entry_id}}
    mongo()["notifications"].update_one({"_id": fields["id"]}, update, upsert=True)


def _read(client, consumer: str, count: int) -> list:
    """Entries a dead web process left unacknowledged for a minute, then new ones."""
    _, claimed, *_ = client.xautoclaim(stream_key(), GROUP, consumer, RECLAIM_IDLE_MS, "0-0", count=count)
    fresh = client.xreadgroup(GROUP, consumer, {stream_key(): ">"}, count=count)
    return list(claimed) + [e for _, batch in fresh for e in batch]


def drain(count: int = 200) -> int:
    """Web side: write the waiting results into the records; returns how many were applied."""
    client = rds()
    consumer = f"web-{os.getpid()}"
    try:
        entries = _read(client, consumer, count)
    except ResponseError as exc:  # no stream or group yet (first start, or Redis restarted empty)
        if "NOGROUP" not in str(exc):
            raise
        _ensure_group(client)
        entries = _read(client, consumer, count)
    for entry_id, fields in entries:
        if fields:  # empty: trimmed away before it was read
            _apply(entry_id, fields)
        client.xack(stream_key(), GROUP, entry_id)
    if entries:
        log.info("notification results applied: %d", len(entries))
    return len(entries)
