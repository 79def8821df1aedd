"""Cases (办件): creation and status events from the back office, and the views residents see.

The approval system is the source of truth; it reports events here through the back-office API.
Each event is checked against ``case_rules.TRANSITIONS`` and written with optimistic concurrency
(a ``version`` field), so two simultaneous events cannot both apply to the same old state.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from pymongo.errors import DuplicateKeyError

from miniapp_api.cases import delivery
from miniapp_api.cases.rules import CLOSED, STATUS_LABELS, check_transition
from miniapp_api.cases.view_cache import case_changed
from miniapp_api.core.clock import local_date, local_today
from miniapp_api.core.errors import Conflict, NotFound, ValidationFailed
from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.core.vocabulary import CASE_NO_PREFIX
from miniapp_api.guides.catalogue import published_guide
from miniapp_api.halls.lamps import case_clock, workday_calendar
from miniapp_api.identity.resident_auth import (
    hash_id_number,
    hash_last4,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
)
from miniapp_api.live.publish import publish_quietly
from miniapp_api.notify import service as notify

log = logging.getLogger(__name__)
FUTURE_SLACK = dt.timedelta(minutes=5)  # clock skew between the approval system and us


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def new_case_no(day: dt.date) -> str:
    """JC + yyyymmdd + 5-digit daily sequence (Redis INCR: unique across workers)."""
    key = rkey("case_seq", day.strftime("%Y%m%d"))
    seq = rds().incr(key)
    if seq == 1:
        rds().expire(key, 3 * 86400)
    return f"{CASE_NO_PREFIX}{day:%Y%m%d}{seq:05d}"


def item_of(item_code: str) -> dict:
    guide = published_guide(item_code)
    if guide is None:
        raise ValidationFailed(f"事项编码 {item_code} 不存在或未发布", "item_code", code="unknown_item")
    if (guide.get("time_limit") or {}).get("promised_days") is None:  # an imported guide may publish none
        raise ValidationFailed(f"事项 {item_code} 未公布承诺时限，无法计算办件时限", "item_code", code="no_time_limit")
    return guide


def applicant_record(applicant: dict) -> dict:
    """What we keep of the applicant: name, hashes for matching, masked forms for display."""
    id_number = validate_id_number(applicant.get("id_number", ""))
    record = {"name": applicant["name"], "id_hash": hash_id_number(id_number), "id_masked": mask_id_number(id_number),
              "id_last4_hash": hash_last4(id_number), "phone_masked": None, "phone_last4_hash": None,
              "resident_id": None}  # fmt: skip
    if applicant.get("phone"):
        phone = validate_phone(applicant["phone"])
        record.update(phone_masked=mask_phone(phone), phone_last4_hash=hash_last4(phone))
    resident_id = applicant.get("resident_id")
    if resident_id:
        if mongo()["residents"].find_one({"_id": resident_id}, {"_id": 1}) is None:
            raise ValidationFailed(f"resident {resident_id} not found", "applicant.resident_id")
        record["resident_id"] = resident_id
    return record


def case_document(body: dict, by: str, at: dt.datetime) -> dict:
    """A new case document in status ``submitted`` (not stored, no number yet). From an appointment
    (``appointment_id``) it takes the appointment's delivery choice and resident unless given."""
    guide = item_of(body["item_code"])
    choice, applicant = body.get("delivery"), dict(body["applicant"])
    if body.get("appointment_id"):
        appointment = delivery.from_appointment(body["appointment_id"], guide["code"])
        choice = choice or appointment.get("delivery")
        applicant.setdefault("resident_id", appointment["resident_id"])
    return {"item_code": guide["code"], "item_name": guide["name"], "department": guide["department"],
            "promised_days": int(guide["time_limit"]["promised_days"]),
            "applicant": applicant_record(applicant), "appointment_id": body.get("appointment_id"),
            "delivery": delivery.initial_delivery(choice), "channel": body.get("channel", "window"),
            "status": "submitted",
            "timeline": [{"status": "submitted", "at": at, "note": body.get("note", ""), "by": by}],
            "accepted_on": None, "closed_on": None, "pauses": [], "deadline": None, "version": 1,
            "created_at": utcnow(), "created_by": by}  # fmt: skip


def create_case(body: dict, by: str, at: dt.datetime | None = None, case_no: str | None = None) -> dict:
    """Store a new case in status ``submitted`` under a fresh number; returns the document."""
    at = _aware(at or utcnow())
    if at > utcnow() + FUTURE_SLACK:
        raise ValidationFailed("提交时间不能晚于当前时间", "at")
    doc = case_document(body, by, at)
    for _ in range(100):  # the daily counter restarts if Redis lost it; skip numbers already used
        doc["_id"] = case_no or new_case_no(local_date(at))
        try:
            mongo()["cases"].insert_one(doc)
            case_changed(doc["_id"])  # a number reused after a data reset must not show an old view
            break
        except DuplicateKeyError:
            if case_no:
                raise Conflict(f"办件 {case_no} 已存在", "case_no") from None
    else:
        raise Conflict("could not allocate a case number, try again", "case_no")
    _notify(doc)
    return doc


def get_case(case_no: str) -> dict:
    doc = mongo()["cases"].find_one({"_id": case_no.upper()})
    if doc is None:
        raise NotFound(f"办件 {case_no} 不存在", "case_no")
    return doc


def apply_event(case: dict, status: str, note: str, by: str, at: dt.datetime) -> tuple[dict, dict]:
    """The field changes (without the timeline) and the timeline entry of one allowed event."""
    day = local_date(at).isoformat()
    changes: dict = {"status": status, "version": case.get("version", 1) + 1}
    pauses = [dict(p) for p in case.get("pauses") or []]
    if status == "accepted":
        if case.get("accepted_on") is None:
            changes["accepted_on"] = day
        for pause in pauses:  # resubmitted after a correction: the clock runs again
            pause["to"] = pause.get("to") or day
    elif status == "correction_requested" and case.get("accepted_on"):
        pauses.append({"from": day, "to": None})  # before acceptance there is no clock to pause
    if status in CLOSED and case.get("closed_on") is None:
        changes["closed_on"] = day
    changes["pauses"] = pauses
    return changes, {"status": status, "at": at, "note": note, "by": by}


def add_event(case_no: str, status: str, note: str, by: str, at: dt.datetime | None = None) -> dict:
    """Apply one status change reported by the approval system; returns the updated case."""
    case = get_case(case_no)
    check_transition(case["status"], status)
    now = utcnow()
    at = _aware(at or now)
    last_at = _aware(case["timeline"][-1]["at"])
    if at > now + FUTURE_SLACK:
        raise ValidationFailed("事件时间不能晚于当前时间", "at")
    if at < last_at:
        raise ValidationFailed(f"事件时间不能早于上一事件（{last_at.isoformat()}）", "at")
    changes, event = apply_event(case, status, note, by, at)
    updated = {**case, **changes, "timeline": case["timeline"] + [event]}
    changes["deadline"] = case_clock(updated, local_today(), workday_calendar())["deadline"]
    result = mongo()["cases"].update_one(
        {"_id": case["_id"], "version": case["version"]}, {"$set": changes, "$push": {"timeline": event}}
    )
    if result.modified_count != 1:
        raise Conflict("办件刚被其他请求更新，请刷新后重试", "status", code="concurrent_update")
    case_changed(case["_id"])
    updated["deadline"] = changes["deadline"]
    _notify(updated)
    return updated


def _announce(case: dict) -> None:
    """Open supervision pages refresh (live topic ``cases``): number, status and lamp only."""
    lamp = case_clock(case, local_today(), workday_calendar())["lamp"]
    event = {"type": "case", "case_no": case["_id"], "status": case["status"], "lamp": lamp}
    if lamp == "red":
        event["message"] = f"办件 {case['_id']} 已超期（红灯）"
    publish_quietly(rds(), current_app.config["REDIS_PREFIX"], "cases", event)


def _notify(case: dict) -> None:
    _announce(case)
    resident_id = (case.get("applicant") or {}).get("resident_id")
    if resident_id:
        last = case["timeline"][-1]
        notify.enqueue("case_status", resident_id, {
            "case_no": case["_id"], "item_name": case["item_name"], "status": case["status"],
            "status_label": STATUS_LABELS[case["status"]], "at": _aware(last["at"]).isoformat(), "note": last["note"],
        })  # fmt: skip


def _timeline(case: dict, with_by: bool) -> list[dict]:
    out = []
    for event in case["timeline"]:
        item = {"status": event["status"], "label": STATUS_LABELS.get(event["status"], event["status"]),
                "at": _aware(event["at"]).isoformat(), "note": event.get("note", "")}  # fmt: skip
        if with_by:
            item["by"] = event.get("by")
        out.append(item)
    return out


def case_view(case: dict, today: dt.date | None = None, staff: bool = False, own: bool = False) -> dict:
    """What a resident (or, with ``staff``, the back office) sees of a case, lamp included; ``own``:
    the signed-in applicant, who also sees the address the result is posted to."""
    clock = case_clock(case, today or local_today(), workday_calendar())
    view = {"case_no": case["_id"], "item_code": case["item_code"], "item_name": case["item_name"],
            "department": case["department"], "channel": case.get("channel"), "status": case["status"],
            "status_label": STATUS_LABELS.get(case["status"], case["status"]),
            "timeline": _timeline(case, with_by=staff), "delivery": delivery.view(case, staff=staff, own=own),
            **clock}  # fmt: skip
    if staff:
        applicant = case["applicant"]
        view["applicant"] = {"name": applicant["name"], "id_masked": applicant["id_masked"],
                             "phone_masked": applicant.get("phone_masked"),
                             "resident_id": applicant.get("resident_id")}  # fmt: skip
    return view


def cases_of_resident(resident_id: str, limit: int = 50) -> list[dict]:
    today = local_today()
    docs = mongo()["cases"].find({"applicant.resident_id": resident_id}).sort("created_at", -1).limit(limit)
    return [case_view(doc, today, own=True) for doc in docs]
