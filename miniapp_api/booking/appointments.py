"""Appointments: atomic reservation in Redis (one Lua script), persistence in MongoDB, cancel and
no-shows. The Redis counters and their rebuild from MongoDB are in booking_counters.

MongoDB is the record; Redis holds only counters derived from it. A reservation first takes the
seat in Redis, then inserts the appointment; if the insert fails the seat is given back.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import time
import uuid

from flask import current_app

from miniapp_api.booking import lua as keys
from miniapp_api.booking.counters import (
    ACTIVE_STATUSES,
    IDEMPOTENCY_TTL,
    ensure_counters,
    store_block,
)
from miniapp_api.booking.rules import blocked_error, ensure_bookable, seconds_until_day_over, slot_start
from miniapp_api.core.clock import now_local
from miniapp_api.core.errors import Conflict, NotFound, Unavailable, ValidationFailed
from miniapp_api.core.stores import mongo, rds, rds_coalesced
from miniapp_api.guides.catalogue import item_name
from miniapp_api.halls.halls import category_of_item, get_hall

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
    return out


# -- reserve -------------------------------------------------------------------------------
def book(resident_id: str, body: dict, idempotency_key: str | None) -> tuple[dict, bool]:
    """Book a slot; returns (appointment, replayed). Raises 4xx domain errors for every refusal."""
    if idempotency_key is not None and not IDEM_RE.match(idempotency_key):
        raise ValidationFailed("Idempotency-Key must be 1–100 printable ASCII characters", "Idempotency-Key")
    hall = get_hall(body["hall_id"])
    category = category_of_item(hall, body["item_code"])
    date, slot = body["date"], body["slot"]
    if slot not in hall["slot_times"]:
        raise ValidationFailed(f"slot must be one of {', '.join(hall['slot_times'])}", "slot")
    if idempotency_key:  # a retry of a finished booking answers before any rule is re-checked
        previous = rds().get(keys.idem_key(resident_id, idempotency_key))
        if previous:
            return _replay(previous, body), True
    now = now_local()
    ensure_bookable(date, slot, now)

    appointment_id = uuid.uuid4().hex
    day = date.isoformat()
    key_list = [keys.ready_key(), keys.idem_key(resident_id, idempotency_key or "-"),
                keys.active_key(resident_id, body["item_code"]), keys.daily_key(resident_id, day),
                keys.seats_key(hall["_id"], category["code"], day, slot), keys.blocked_key(resident_id)]
    # The no-show block is a Redis key (set when a no-show is recorded, rebuilt with the counters)
    # checked inside the script: a rush of first-time bookers never waits for a MongoDB query.
    args = [appointment_id, int(hall["capacity"].get(category["code"], 0)), current_app.config["BOOKING_DAILY_CAP"],
            seconds_until_day_over(date), IDEMPOTENCY_TTL, "1" if idempotency_key else "0", now.date().isoformat()]
    for _ in range(3):
        outcome, ref, *generation = keys.reserve(rds(), rds_coalesced(), key_list, args)
        if outcome != "rebuild":
            break
        ensure_counters()
    else:
        raise Unavailable("booking counters are being rebuilt, please retry", None)

    if outcome == "replay":
        return _replay(ref, body), True
    if outcome == "blocked":
        raise blocked_error(ref)
    if outcome == "already_booked":
        raise Conflict("您已预约过该事项，请先取消原预约再重新预约", "item_code", code="already_booked")
    if outcome == "daily_cap":
        cap = current_app.config["BOOKING_DAILY_CAP"]
        raise Conflict(f"每人每天最多预约{cap}个号，{day} 已达上限", "date", code="daily_cap_reached")
    if outcome == "slot_full":
        raise Conflict(f"{day} {slot} 已约满，请选择其他时段", "slot", code="slot_full")

    doc = {"_id": appointment_id, "resident_id": resident_id, "hall_id": hall["_id"], "item_code": body["item_code"],
           "item_name": item_name(body["item_code"]), "category": category["code"], "date": day, "slot": slot,
           "status": "booked", "checkin_code": _checkin_code(), "created_at": dt.datetime.now(dt.UTC),
           "idempotency_key": idempotency_key}
    try:
        mongo()["appointments"].insert_one(doc)
    except Exception:
        log.exception("appointment insert failed; giving the seat back")
        release = keys.release_script(rds())
        release(keys=[key_list[4], key_list[3], key_list[2], key_list[1], key_list[0]],
                args=[appointment_id, "1", generation[0]])
        raise Unavailable("预约暂时无法保存，名额已退回，请稍后重试", None) from None
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
    rows = mongo()["appointments"].find({"resident_id": resident_id}).sort([("date", -1), ("slot", -1)])
    return [public(r) for r in rows]


def get_for_resident(resident_id: str, appointment_id: str) -> dict:
    doc = mongo()["appointments"].find_one({"_id": appointment_id, "resident_id": resident_id})
    if doc is None:
        raise NotFound("appointment not found", "appointment_id")
    return doc


def cancel(resident_id: str, appointment_id: str) -> dict:
    doc = get_for_resident(resident_id, appointment_id)
    if doc["status"] != "booked":
        raise Conflict(f"预约状态为 {doc['status']}，不能取消", "appointment_id", code="not_cancellable")
    cutoff = current_app.config["BOOKING_CANCEL_CUTOFF_MINUTES"]
    start = slot_start(dt.date.fromisoformat(doc["date"]), doc["slot"])
    if now_local() >= start - dt.timedelta(minutes=cutoff):
        raise Conflict(f"距预约时段开始不足{cutoff}分钟，已不能在线取消", "appointment_id",
                       code="cancel_cutoff_passed")
    generation = rds().get(keys.ready_key()) or ""
    # Only the request that flips booked → cancelled gives the seat back (double cancel is safe).
    updated = mongo()["appointments"].find_one_and_update(
        {"_id": appointment_id, "status": "booked"},
        {"$set": {"status": "cancelled", "cancelled_at": dt.datetime.now(dt.UTC)}},
        return_document=True,
    )
    if updated is None:
        raise Conflict("预约已不是待办状态", "appointment_id", code="not_cancellable")
    release = keys.release_script(rds())
    release(keys=[keys.seats_key(updated["hall_id"], updated["category"], updated["date"], updated["slot"]),
                  keys.daily_key(resident_id, updated["date"]), keys.active_key(resident_id, updated["item_code"]),
                  keys.idem_key(resident_id, updated.get("idempotency_key") or "-"), keys.ready_key()],
            args=[appointment_id, "0", generation])
    return public(updated)


def mark_no_show(appointment_id: str, by: str | None = None) -> dict:
    """Record that the resident did not come (staff, or the queue on 过号). Idempotent.

    The seat stays taken (the slot is over); the per-item lock goes so a new booking is possible,
    unless the no-show rule now blocks the resident.
    """
    db = mongo()
    doc = db["appointments"].find_one({"_id": appointment_id})
    if doc is None:
        raise NotFound("appointment not found", "appointment_id")
    if doc["status"] == "no_show":
        return public(doc)
    updated = db["appointments"].find_one_and_update(
        {"_id": appointment_id, "status": {"$in": list(ACTIVE_STATUSES)}},
        {"$set": {"status": "no_show", "no_show_at": dt.datetime.now(dt.UTC), "no_show_by": by}},
        return_document=True,
    )
    if updated is None:
        raise Conflict(f"预约状态为 {doc['status']}，不能记为爽约", "appointment_id", code="not_no_show")
    active = keys.active_key(updated["resident_id"], updated["item_code"])
    if rds().get(active) == appointment_id:
        rds().delete(active)
    store_block(rds(), updated["resident_id"], now_local().date())
    return public(updated)


def sweep_no_shows(today: dt.date | None = None) -> int:
    """Mark every still-booked appointment of an earlier day as a no-show; returns how many."""
    today = today or now_local().date()
    ids = [d["_id"] for d in mongo()["appointments"].find({"status": "booked", "date": {"$lt": today.isoformat()}},
                                                          {"_id": 1})]
    for appointment_id in ids:
        mark_no_show(appointment_id, by="sweep")
    return len(ids)
