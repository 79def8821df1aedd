"""The audit log every area writes to: who did what to which record, when (collection ``audit``)."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo.database import Database


def audit(db: Database, user: str, action: str, target: str | None, detail: dict | None = None) -> None:
    """Append one entry; ``target`` is the record's code or number (guide code, appeal number…)."""
    db["audit"].insert_one(
        {"at": datetime.now(UTC), "user": user, "action": action, "code": target, "detail": detail or {}}
    )


def audit_entries(db: Database, target: str | None = None, limit: int = 100) -> list[dict]:
    """Newest first, optionally of one record only."""
    query = {"code": target} if target else {}
    cursor = db["audit"].find(query, {"_id": 0}).sort("at", -1).limit(limit)
    return list(cursor)
