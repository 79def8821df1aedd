"""A ticket's persisted copy in MongoDB ``tickets``: the document the API answers with, written after
every change and before the answer, and the record queue.rebuild restores the day from."""

from __future__ import annotations

import datetime as dt

from pymongo.errors import DuplicateKeyError

from miniapp_api.core.clock import hall_tz
from miniapp_api.core.stores import mongo
from miniapp_api.queue.lua import no_guard_key


def epoch_to_dt(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    return dt.datetime.fromtimestamp(float(value), hall_tz())


def as_doc(data: dict) -> dict:
    """The live hash as the contract's document (plus what a rebuild needs: seq, guard, near_notified, ver)."""
    doc = {
        "_id": data["id"], "number": data["number"], "hall_id": data["hall_id"], "category": data["category"],
        "date": data["date"], "resident_id": data.get("resident_id") or None,
        "appointment_id": data.get("appointment_id") or None, "kind": data["kind"], "status": data["status"],
        "window": data.get("window") or None, "score": float(data["score"]), "seq": int(data.get("seq") or 0),
        "guard": data.get("guard") or no_guard_key(), "near_notified": bool(data.get("near_notified")),
        "ver": int(data.get("ver") or 0),
    }  # fmt: skip
    for key in ("created_at", "called_at", "served_at", "finished_at"):
        doc[key] = epoch_to_dt(data.get(key))
    for key in ("transferred_to", "transferred_from"):
        if data.get(key):
            doc[key] = data[key]
    return doc


def save(doc: dict) -> dict:
    """Write the copy unless a newer one is there: two requests changing one ticket may persist in either
    order, and every script bumps ``ver``, so only a higher ``ver`` replaces the copy."""
    try:
        mongo()["tickets"].replace_one({"_id": doc["_id"], "$or": [{"ver": {"$lt": doc["ver"]}},
                                                                   {"ver": {"$exists": False}}]}, doc, upsert=True)
    except DuplicateKeyError:  # the copy is already as new (the other request got there first)
        pass
    return doc
