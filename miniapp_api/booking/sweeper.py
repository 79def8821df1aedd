"""The sweeper: settles the seats of requests that stopped between their Redis step and their MongoDB
step (a killed process, a lost connection), once their pending entry is past its deadline.

Runs in the web process only (core.background, started by startup.start_web): with the in-memory
store no other process can see the appointments it has to look at.

- ``r:<id>`` (seat taken, insert not confirmed): the sweeper claims the id in MongoDB by inserting a
  ``void`` record with it. Inserted → the appointment was never saved and now never can be (the late
  request's insert would fail on the duplicate id): the seat, the per-item lock and the idempotency key
  are given back. Duplicate → the appointment exists: the entry is just confirmed.
- a no-show recorded in MongoDB but not yet in Redis (``no_show_settled: False``): its per-item lock is
  freed and the block mirrored (``appointments.settle_no_shows``).
- ``c:<id>`` (cancel under way): MongoDB says cancelled → the seat is given back; anything else → the
  cancel never happened, the note is dropped.
"""

from __future__ import annotations

import datetime as dt
import logging

from pymongo.errors import DuplicateKeyError

from miniapp_api.booking import lua as keys
from miniapp_api.booking.appointments import settle_no_shows
from miniapp_api.core.stores import mongo, rds

log = logging.getLogger(__name__)


def _claim(appointment_id: str) -> bool:
    """Take an abandoned reservation's id in MongoDB; False when the appointment exists after all."""
    try:
        mongo()["appointments"].insert_one({
            "_id": appointment_id, "status": "void", "void_reason": "abandoned_reservation",
            # unique index on checkin_code: a value no real code can have (they have 8 characters)
            "checkin_code": f"void-{appointment_id}", "created_at": dt.datetime.now(dt.UTC)})
        return True
    except DuplicateKeyError:
        return False


def _drop(member: str) -> None:
    keys.script(rds(), "DROP")(keys=[keys.pending_key(), keys.pending_hash_key(member)], args=[member])


def sweep_once(limit: int = 200) -> dict:
    """Settle every pending entry past its deadline (at most ``limit``); returns what was done."""
    client = rds()
    now = int(client.time()[0])  # deadlines are Redis TIME seconds, whatever the API hosts' clocks say
    done = {"released": 0, "confirmed": 0, "dropped": 0, "no_shows_settled": settle_no_shows()}
    for member in client.zrangebyscore(keys.pending_key(), "-inf", now, start=0, num=limit):
        kind, _, appointment_id = member.partition(":")
        fields = client.hgetall(keys.pending_hash_key(member))
        if not fields:  # its keys are unknown (hash expired): nothing can be given back safely
            log.warning("pending booking entry %s without its keys; dropped", member)
            _drop(member)
            done["dropped"] += 1
        elif kind == "r" and _claim(appointment_id):
            released = keys.release(client, member, appointment_id, fields)
            log.warning("reservation %s was never saved; seat given back: %s", appointment_id, released)
            done["released"] += released
        elif kind == "r":
            _drop(member)
            done["confirmed"] += 1
        else:
            doc = mongo()["appointments"].find_one({"_id": appointment_id}, {"status": 1})
            if doc is not None and doc["status"] == "cancelled":
                released = keys.release(client, member, appointment_id, fields)
                log.warning("cancel of %s was interrupted; seat given back: %s", appointment_id, released)
                done["released"] += released
            else:
                _drop(member)
                done["dropped"] += 1
    return done
