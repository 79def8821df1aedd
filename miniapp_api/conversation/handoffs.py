"""Conversations handed over to a person (转人工), with their transcript, and staff claiming them."""

from __future__ import annotations

import datetime as dt
import uuid

from pymongo import ReturnDocument

from miniapp_api.core.errors import Conflict, NotFound
from miniapp_api.core.stores import mongo


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _view(doc: dict) -> dict:
    out = {k: v for k, v in doc.items() if k != "_id"}
    out["handoff_id"] = doc["_id"]
    for key in ("created_at", "updated_at", "claimed_at"):
        if isinstance(out.get(key), dt.datetime):
            out[key] = out[key].isoformat()
    return out


def create_handoff(session_id: str, reason: str, transcript: list[dict], channel: str | None) -> dict:
    """Open a handoff; while one is open for the session, update it (repeated failures make one task)."""
    now = _now()
    doc = mongo()["handoffs"].find_one_and_update(
        {"session_id": session_id, "status": "open"},
        {"$set": {"reason": reason, "transcript": transcript, "updated_at": now},
         "$setOnInsert": {"_id": uuid.uuid4().hex, "created_at": now, "channel": channel}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )  # fmt: skip
    return _view(doc)


def list_handoffs(status: str | None, limit: int) -> list[dict]:
    query = {"status": status} if status else {}
    return [_view(d) for d in mongo()["handoffs"].find(query).sort("created_at", -1).limit(limit)]


def claim_handoff(handoff_id: str, username: str) -> dict:
    """Atomically take an open handoff; a second agent gets 409."""
    doc = mongo()["handoffs"].find_one_and_update(
        {"_id": handoff_id, "status": "open"},
        {"$set": {"status": "claimed", "claimed_by": username, "claimed_at": _now()}},
        return_document=ReturnDocument.AFTER,
    )
    if doc is None:
        existing = mongo()["handoffs"].find_one({"_id": handoff_id})
        if existing is None:
            raise NotFound("no such handoff", "handoff_id")
        raise Conflict(f"already {existing['status']} by {existing.get('claimed_by')}", "handoff_id")
    return _view(doc)
