"""Lists of appeals by who asks: the dispatcher's queue (with suggestions and likely duplicates) and
the staff list (a department clerk only sees the appeals of their departments)."""

from __future__ import annotations

from miniapp_api.appeals import rules
from miniapp_api.appeals.directory import router
from miniapp_api.appeals.routing import similarity
from miniapp_api.appeals.rules import Actor
from miniapp_api.appeals.views import staff_view
from miniapp_api.appeals.workflow import aware, utcnow
from miniapp_api.core.clock import local_today
from miniapp_api.core.stores import mongo

QUEUE_LIMIT = 200
DUPLICATE_MIN_SIMILARITY = 0.3  # character-bigram Jaccard of text + place; below it, different matters
DUPLICATES_SHOWN = 3


def listing(actor: Actor, status: str | None, department: str | None, limit: int) -> list[dict]:
    query: dict = {}
    if status:
        query["status"] = status
    if "dispatcher" not in actor.roles and "agent" not in actor.roles:
        mine = sorted(actor.departments)
        if department and department not in mine:
            return []
        query["department"] = department or {"$in": mine}
    elif department:
        query["department"] = department
    return list(mongo()["appeals"].find(query).sort("created_at", -1).limit(limit))


def _text(doc: dict) -> str:
    return f"{doc.get('what', '')} {doc.get('where', '')}"


def dispatcher_queue(actor: Actor) -> list[dict]:
    """Received and returned appeals, oldest first, with the suggested department and duplicates."""
    waiting = list(mongo()["appeals"].find({"status": {"$in": sorted(rules.WITH_DISPATCHER)}})
                   .sort("created_at", 1).limit(QUEUE_LIMIT))  # fmt: skip
    if not waiting:
        return []
    since = aware(waiting[0]["created_at"]) - rules.MERGE_WINDOW
    others = list(mongo()["appeals"].find({"created_at": {"$gte": since}, "status": {"$ne": "merged"}},
                                          {"what": 1, "where": 1, "created_at": 1, "status": 1, "department": 1}))
    today, now = local_today(), utcnow()
    out = []
    for doc in waiting:
        view = staff_view(doc, actor, today, now)
        view["suggested"] = router().suggest(doc["what"]).public()
        view["duplicates"] = _duplicates(doc, others)
        out.append(view)
    return out


def _duplicates(doc: dict, others: list[dict]) -> list[dict]:
    created = aware(doc["created_at"])
    scored = []
    for other in others:
        if other["_id"] == doc["_id"] or abs(aware(other["created_at"]) - created) > rules.MERGE_WINDOW:
            continue
        score = similarity(_text(doc), _text(other))
        if score >= DUPLICATE_MIN_SIMILARITY:
            scored.append((score, other))
    scored.sort(key=lambda pair: (-pair[0], pair[1]["_id"]))
    return [{"appeal_no": o["_id"], "similarity": round(s, 2), "status": o["status"], "department": o.get("department"),
             "created_at": aware(o["created_at"]).isoformat()} for s, o in scored[:DUPLICATES_SHOWN]]  # fmt: skip
