"""Ratings (好差评) by the resident a service was for, and the callback tasks (回访) of low scores.

One rating per target: the rating's _id is "<target_type>:<target_id>", so a duplicate (even two
requests at once) hits the unique _id and answers 409.
"""

from __future__ import annotations

import datetime as dt
import uuid

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from miniapp_api.cases.rules import RATEABLE, STATUS_LABELS
from miniapp_api.core.errors import Conflict, NotFound
from miniapp_api.core.stores import mongo
from miniapp_api.guides.catalogue import published_guide
from miniapp_api.identity.resident_auth import validate_phone

CALLBACK_AT_OR_BELOW = 2


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _case_target(case_no: str, resident_id: str) -> dict:
    case = mongo()["cases"].find_one({"_id": case_no.upper()})
    if case is None or (case.get("applicant") or {}).get("resident_id") != resident_id:
        raise NotFound("未找到您名下的这件办件", "target_id")
    if case["status"] not in RATEABLE:
        label = STATUS_LABELS[case["status"]]
        raise Conflict(f"办件当前为「{label}」，办结后才能评价", "target_id", code="not_rateable")
    return {"target_id": case["_id"], "item_code": case["item_code"], "item_name": case["item_name"],
            "department": case["department"]}  # fmt: skip


def _ticket_target(ticket_id: str, resident_id: str) -> dict:
    ticket = mongo()["tickets"].find_one({"_id": ticket_id})
    if ticket is None or ticket.get("resident_id") != resident_id:
        raise NotFound("未找到您的这张排队号", "target_id")
    if ticket.get("status") != "served":
        raise Conflict("办理完成（已叫号并办结）后才能评价", "target_id", code="not_rateable")
    item_code = None
    if ticket.get("appointment_id"):
        appt = mongo()["appointments"].find_one({"_id": ticket["appointment_id"]}, {"item_code": 1}) or {}
        item_code = appt.get("item_code")
    guide = published_guide(item_code) or {}
    department = guide.get("department") or _category_name(ticket.get("hall_id"), ticket.get("category"))
    return {"target_id": ticket["_id"], "item_code": item_code, "item_name": guide.get("name"),
            "department": department, "ticket_number": ticket.get("number"),
            "window": ticket.get("window")}  # fmt: skip


def _category_name(hall_id: str | None, category: str | None) -> str:
    hall = mongo()["halls"].find_one({"_id": hall_id}, {"categories": 1}) or {}
    for cat in hall.get("categories") or []:
        if cat.get("code") == category:
            return f"窗口·{cat.get('name')}"
    return f"窗口·{category or '未知'}"


def rate(resident_id: str, target_type: str, target_id: str, score: int, comment: str,
         contact: str | None = None) -> dict:
    """Store one rating; a low score also opens a callback task (with ``contact`` if the resident gave one)."""
    contact_phone = validate_phone(contact) if contact else None
    target = _case_target(target_id, resident_id) if target_type == "case" else _ticket_target(target_id, resident_id)
    rating_id = f"{target_type}:{target['target_id']}"
    doc = {"_id": rating_id, "target_type": target_type, **target, "resident_id": resident_id, "score": score,
           "comment": comment, "created_at": _now(), "callback_id": None}  # fmt: skip
    if score <= CALLBACK_AT_OR_BELOW:
        doc["callback_id"] = uuid.uuid4().hex
    try:
        mongo()["ratings"].insert_one(doc)
    except DuplicateKeyError:
        raise Conflict("您已评价过这项服务，每项服务只能评价一次", "target_id", code="already_rated") from None
    if doc["callback_id"]:
        # the full phone is never stored on the resident; a callback uses the number given with the rating
        resident = mongo()["residents"].find_one({"_id": resident_id}, {"name": 1, "phone_masked": 1}) or {}
        mongo()["callbacks"].insert_one({
            "_id": doc["callback_id"], "rating_id": rating_id, "target_type": target_type, **target,
            "resident_id": resident_id, "resident_name": resident.get("name"), "contact_phone": contact_phone,
            "phone_masked": resident.get("phone_masked"),
            "score": score, "comment": comment, "status": "open", "created_at": doc["created_at"],
        })  # fmt: skip
    return rating_view(doc)


def rating_view(doc: dict) -> dict:
    return {"rating_id": doc["_id"], "target_type": doc["target_type"], "target_id": doc["target_id"],
            "score": doc["score"], "comment": doc["comment"], "created_at": doc["created_at"].isoformat(),
            "callback_created": bool(doc.get("callback_id"))}  # fmt: skip


def _group(key: str | list[str]) -> list[dict]:
    group_id = {k: f"${k}" for k in key} if isinstance(key, list) else f"${key}"
    rows = mongo()["ratings"].aggregate([
        {"$group": {"_id": group_id, "count": {"$sum": 1}, "average": {"$avg": "$score"},
                    "low": {"$sum": {"$cond": [{"$lte": ["$score", CALLBACK_AT_OR_BELOW]}, 1, 0]}}}},
    ])  # fmt: skip
    out = []
    for row in rows:
        ident = row["_id"] if isinstance(row["_id"], dict) else {key: row["_id"]}
        out.append({**ident, "count": row["count"], "average": round(row["average"], 2), "low": row["low"]})
    return sorted(out, key=lambda r: (r["average"], -r["count"]))


def summary() -> dict:
    """Averages overall, by department and by item (lowest first: where to look)."""
    overall = _group("target_type")
    count = sum(r["count"] for r in overall)
    average = round(sum(r["average"] * r["count"] for r in overall) / count, 2) if count else None
    items = [r for r in _group(["item_code", "item_name", "department"]) if r.get("item_code")]
    return {"count": count, "average": average, "by_target_type": overall,
            "by_department": _group("department"), "by_item": items}  # fmt: skip


def callbacks(status: str | None) -> list[dict]:
    query = {"status": status} if status else {}
    docs = mongo()["callbacks"].find(query).sort("created_at", -1).limit(500)
    return [_callback_view(doc) for doc in docs]


def _callback_view(doc: dict) -> dict:
    out = {k: v for k, v in doc.items() if k != "_id"}
    out["callback_id"] = doc["_id"]
    for key in ("created_at", "done_at"):
        if isinstance(out.get(key), dt.datetime):
            out[key] = out[key].isoformat()
    return out


def complete_callback(callback_id: str, by: str, note: str) -> dict:
    """Mark a callback done (atomic: only an open task can be closed, once)."""
    doc = mongo()["callbacks"].find_one_and_update(
        {"_id": callback_id, "status": "open"},
        {"$set": {"status": "done", "done_by": by, "done_at": _now(), "result_note": note}},
        return_document=ReturnDocument.AFTER,
    )
    if doc is None:
        if mongo()["callbacks"].find_one({"_id": callback_id}, {"_id": 1}) is None:
            raise NotFound(f"回访任务 {callback_id} 不存在", "callback_id")
        raise Conflict("这条回访任务已处理", "callback_id", code="already_done")
    return _callback_view(doc)
