"""Appointments: atomic reservation in Redis (one Lua script), persistence in MongoDB, cancel and
no-shows. The Redis counters and their rebuild from MongoDB are in booking.counters, a seat's steps
around the MongoDB write in booking.seats, the repair of interrupted ones in booking.sweeper.

MongoDB is the record; Redis holds only counters derived from it. A reservation first takes the
seat in Redis as *pending*, then inserts the appointment and confirms the seat; if the insert fails
the seat is given back, and if the process dies in between the sweeper settles it. A cancel is
noted in Redis first, then written to MongoDB, then the seat is given back. Appointments with status
``void`` (a reservation that could not stand) are kept for the record and shown to nobody.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import time
import uuid

from pymongo.errors import DuplicateKeyError

from miniapp_api.booking import lua as keys
from miniapp_api.booking import seats
from miniapp_api.booking.counters import ACTIVE_STATUSES, store_block
from miniapp_api.booking.delivery import delivery_record, delivery_view
from miniapp_api.booking.rules import (
    ensure_bookable,
    ensure_cancellable,
    ensure_no_show_due,
    seconds_until_day_over,
)
from miniapp_api.booking.serving import placement
from miniapp_api.core.clock import now_local
from miniapp_api.core.errors import Conflict, NotFound, Unavailable, ValidationFailed
from miniapp_api.core.stores import mongo, rds
from miniapp_api.guides.catalogue import item_name
from miniapp_api.halls.halls import get_hall

log = logging.getLogger(__name__)
IDEM_RE = re.compile(r"^[\x21-\x7e]{1,100}$")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the window


def ensure_indexes(db) -> None:
    db["appointments"].create_index([("resident_id", 1), ("date", -1)])
    db["appointments"].create_index([("hall_id", 1), ("date", 1), ("status", 1)])
    db["appointments"].create_index("checkin_code", unique=True)


def public(doc: dict) -> dict:
    out = {k: v for k, v in doc.items() if k not in ("_id", "idempotency_key")}
    out["appointment_id"] = doc["_id"]
    out["items"] = doc.get("items") or [doc["item_code"]]
    out["delivery"] = delivery_view(doc.get("delivery"))  # the phone masked
    return out


# -- reserve -------------------------------------------------------------------------------
def book(resident_id: str, body: dict, idempotency_key: str | None) -> tuple[dict, bool]:
    """Book a slot; returns (appointment, replayed). Raises 4xx domain errors for every refusal."""
    if idempotency_key is not None and not IDEM_RE.match(idempotency_key):
        raise ValidationFailed("Idempotency-Key must be 1–100 printable ASCII characters", "Idempotency-Key")
    hall = get_hall(body["hall_id"])
    category, items = placement(hall, body["item_code"])  # an item, or a bundle taking one seat
    date, slot = body["date"], body["slot"]
    if slot not in hall["slot_times"]:
        raise ValidationFailed(f"slot must be one of {', '.join(hall['slot_times'])}", "slot")
    if idempotency_key:  # a retry of a finished booking answers before any rule is re-checked
        previous = rds().get(keys.idem_key(resident_id, idempotency_key))
        if previous:
            return _replay(previous, body), True
    now = now_local()
    ensure_bookable(date, slot, now, hall)

    appointment_id = uuid.uuid4().hex
    day = date.isoformat()
    # The no-show block is a Redis key (set when a no-show is recorded, rebuilt with the counters)
    # checked inside the script: a rush of first-time bookers never waits for a MongoDB query.
    seat = seats.seat(appointment_id, resident_id, body["item_code"], hall["_id"], category["code"], day, slot,
                      int(hall["capacity"].get(category["code"], 0)), idempotency_key, seconds_until_day_over(date),
                      now.date().isoformat())
    outcome, ref, generation = seats.take(seat)
    if outcome == "replay":
        return _replay(ref, body), True
    if outcome != "ok":
        raise seats.refusal(outcome, ref, seat)

    doc = {"_id": appointment_id, "resident_id": resident_id, "hall_id": hall["_id"], "item_code": body["item_code"],
           "item_name": item_name(body["item_code"]), "items": items, "category": category["code"], "date": day,
           "slot": slot, "delivery": delivery_record(body.get("delivery")), "status": "booked",
           "checkin_code": _checkin_code(), "created_at": dt.datetime.now(dt.UTC), "booked_at": now,
           "idempotency_key": idempotency_key}
    try:
        mongo()["appointments"].insert_one(doc)
    except DuplicateKeyError:  # this request took so long that the sweeper gave the seat back and took the id
        log.warning("appointment %s: the reservation expired before it was saved", appointment_id)
        raise Unavailable("预约保存超时，名额已退回，请重新预约", None) from None
    except Exception:
        log.exception("appointment insert failed; giving the seat back")
        seats.give_back(seat)
        raise Unavailable("预约暂时无法保存，名额已退回，请稍后重试", None) from None
    refused = seats.confirm(seat, generation)
    if refused is not None:  # Redis was rebuilt meanwhile and the seat went to someone else
        mongo()["appointments"].update_one({"_id": appointment_id, "status": "booked"},
                                           {"$set": {"status": "void", "void_reason": refused.code}})
        raise refused
    return public(doc), False


def _checkin_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _replay(appointment_id: str, body: dict) -> dict:
    """The appointment an earlier request with the same Idempotency-Key made (waits briefly while
    that request is still saving it)."""
    deadline = time.monotonic() + 3.0
    while True:
        doc = mongo()["appointments"].find_one({"_id": appointment_id})
        if doc or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if doc is None:
        raise Conflict("a request with this Idempotency-Key is still in progress; retry shortly",
                       "Idempotency-Key", code="idempotency_in_progress")
    same = (doc["hall_id"], doc["item_code"], doc["date"], doc["slot"]) == (
        body["hall_id"], body["item_code"], body["date"].isoformat(), body["slot"])
    if not same:
        raise Conflict("this Idempotency-Key was used for a different booking", "Idempotency-Key",
                       code="idempotency_key_reused")
    return public(doc)


# -- read / cancel / no-show ---------------------------------------------------------------
def mine(resident_id: str) -> list[dict]:
    rows = mongo()["appointments"].find({"resident_id": resident_id, "status": {"$ne": "void"}})
    return [public(r) for r in rows.sort([("date", -1), ("slot", -1)])]


def get_for_resident(resident_id: str, appointment_id: str) -> dict:
    doc = mongo()["appointments"].find_one({"_id": appointment_id, "resident_id": resident_id,
                                            "status": {"$ne": "void"}})
    if doc is None:
        raise NotFound("appointment not found", "appointment_id")
    return doc


def cancel(resident_id: str, appointment_id: str) -> dict:
    doc = get_for_resident(resident_id, appointment_id)
    if doc["status"] != "booked":
        raise Conflict(f"预约状态为 {doc['status']}，不能取消", "appointment_id", code="not_cancellable")
    ensure_cancellable(dt.date.fromisoformat(doc["date"]), doc["slot"], doc.get("booked_at"), now_local())
    fields = {"seats": keys.seats_key(doc["hall_id"], doc["category"], doc["date"], doc["slot"]),
              "daily": keys.daily_key(resident_id, doc["date"]),
              "active": keys.active_key(resident_id, doc["item_code"]),
              "idem": ""}  # the Idempotency-Key stays: a retry of the booking request finds the cancelled one
    seats.note_cancel(appointment_id, fields)
    # Only the request that flips booked → cancelled gives the seat back (double cancel is safe).
    updated = mongo()["appointments"].find_one_and_update(
        {"_id": appointment_id, "status": "booked"},
        {"$set": {"status": "cancelled", "cancelled_at": dt.datetime.now(dt.UTC)}},
        return_document=True,
    )
    seats.finish_cancel(appointment_id, fields, cancelled=updated is not None)
    if updated is None:
        raise Conflict("预约已不是待办状态", "appointment_id", code="not_cancellable")
    return public(updated)


def mark_no_show(appointment_id: str, by: str | None = None) -> dict:
    """Record that the resident did not come (staff, or the queue on 过号). Idempotent.

    The seat stays taken (the slot is over); the per-item lock goes so a new booking is possible,
    unless the no-show rule now blocks the resident. MongoDB is written first with
    ``no_show_settled: False`` and the Redis side after; a process that dies in between leaves the
    flag, and the sweeper (``settle_no_shows``) does the Redis side then — both steps are idempotent.
    """
    db = mongo()
    doc = db["appointments"].find_one({"_id": appointment_id})
    if doc is None:
        raise NotFound("appointment not found", "appointment_id")
    if doc["status"] == "no_show":
        if doc.get("no_show_settled") is False:
            _settle_no_show(doc)
        return public(doc)
    ensure_no_show_due(dt.date.fromisoformat(doc["date"]), doc["slot"], now_local())
    updated = db["appointments"].find_one_and_update(
        {"_id": appointment_id, "status": {"$in": list(ACTIVE_STATUSES)}},
        {"$set": {"status": "no_show", "no_show_at": dt.datetime.now(dt.UTC), "no_show_by": by,
                  "no_show_settled": False}},
        return_document=True,
    )
    if updated is None:
        raise Conflict(f"预约状态为 {doc['status']}，不能记为爽约", "appointment_id", code="not_no_show")
    _settle_no_show(updated)
    return public(updated)


def _settle_no_show(doc: dict) -> None:
    """The Redis side of a no-show: free the per-item lock it held, mirror the block; then mark it settled."""
    active = keys.active_key(doc["resident_id"], doc["item_code"])
    if rds().get(active) == doc["_id"]:
        rds().delete(active)
    store_block(rds(), doc["resident_id"], now_local().date())
    mongo()["appointments"].update_one({"_id": doc["_id"]}, {"$set": {"no_show_settled": True}})


def settle_no_shows(limit: int = 200) -> int:
    """No-shows whose request stopped between MongoDB and Redis (the sweeper calls this)."""
    docs = list(mongo()["appointments"].find({"status": "no_show", "no_show_settled": False}).limit(limit))
    for doc in docs:
        _settle_no_show(doc)
    return len(docs)


def sweep_no_shows(today: dt.date | None = None) -> int:
    """Mark every still-booked appointment of an earlier day as a no-show; returns how many."""
    today = today or now_local().date()
    ids = [d["_id"] for d in mongo()["appointments"].find({"status": "booked", "date": {"$lt": today.isoformat()}},
                                                          {"_id": 1})]
    for appointment_id in ids:
        mark_no_show(appointment_id, by="sweep")
    return len(ids)
