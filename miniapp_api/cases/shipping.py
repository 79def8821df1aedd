"""The back office posts a case's result (寄出 with the EMS tracking number, 签收) and the applicant
chooses pickup or post until it is sent: the writes of cases/delivery.py's rules, audited, with the
resident notified when it is sent. No address or phone reaches the logs.
"""

from __future__ import annotations

import logging

from miniapp_api.booking.delivery import delivery_summary
from miniapp_api.cases import service
from miniapp_api.cases.delivery import (
    CARRIER,
    SHIPPABLE_CASE_STATUSES,
    TRACKING_RE,
    check_delivery_transition,
    initial_delivery,
)
from miniapp_api.cases.view_cache import case_changed
from miniapp_api.core.audit import audit
from miniapp_api.core.errors import Conflict, NotFound, ValidationFailed
from miniapp_api.core.pii import mask_pii
from miniapp_api.core.stores import mongo
from miniapp_api.notify import service as notify

log = logging.getLogger(__name__)


def set_delivery_status(case_no: str, status: str, tracking_no: str | None, note: str, by: str) -> dict:
    """Back office: move a posted delivery on (audited); returns the updated case."""
    case = service.get_case(case_no)
    record = case.get("delivery") or {}
    if record.get("method") != "post":
        raise Conflict(f"办件 {case['_id']} 选择窗口领取，没有寄递", "status", code="not_posted")
    check_delivery_transition(record["status"], status)
    now = service.utcnow()
    changes: dict = {"delivery.status": status, "version": case.get("version", 1) + 1}
    entry = {"status": status, "at": now, "by": by, "note": mask_pii(note)}  # free text: no ID or phone kept
    push: dict = {"delivery.history": entry}
    if status == "sent":
        tracking_no = (tracking_no or "").strip().upper()
        if not TRACKING_RE.match(tracking_no):
            raise ValidationFailed("EMS 运单号应为13位数字或 EA123456789CN 格式", "tracking_no")
        if case["status"] not in SHIPPABLE_CASE_STATUSES:
            raise Conflict(f"办件状态为 {case['status']}，办结后才能寄出证照", "status", code="not_completed")
        changes.update({"delivery.tracking_no": tracking_no, "delivery.sent_at": now})
        entry["tracking_no"] = tracking_no
        case_changes, event = service.apply_event(case, "mailed", f"{CARRIER} 运单号 {tracking_no}", by, now)
        changes.update({**case_changes, "version": changes["version"]})
        push["timeline"] = event
    result = mongo()["cases"].update_one(
        {"_id": case["_id"], "version": case["version"]}, {"$set": changes, "$push": push}
    )
    if result.modified_count != 1:
        raise Conflict("办件刚被其他请求更新，请刷新后重试", "status", code="concurrent_update")
    case_changed(case["_id"])
    audit(mongo(), by, f"delivery_{status}", case["_id"], {"tracking_no": tracking_no} if status == "sent" else {})
    log.info("case %s delivery %s by %s", case["_id"], status, by)  # no address or phone in logs
    updated = service.get_case(case["_id"])
    if status == "sent":
        service._announce(updated)  # the lamp and status for open pages
        resident_id = (updated.get("applicant") or {}).get("resident_id")
        if resident_id:
            notify.enqueue("delivery_sent", resident_id, {
                "case_no": updated["_id"], "item_name": updated["item_name"], "carrier": CARRIER,
                "tracking_no": tracking_no, "at": now.isoformat()})  # fmt: skip
    return updated


def choose(case_no: str, resident_id: str, choice: dict) -> dict:
    """The applicant (signed in) chooses or changes pickup / post until the result is posted."""
    case = service.get_case(case_no)
    if (case.get("applicant") or {}).get("resident_id") != resident_id:
        raise NotFound(f"办件 {case_no} 不存在", "case_no")  # not told apart from an unknown number
    if (case.get("delivery") or {}).get("status") in ("sent", "delivered"):
        raise Conflict("证照已寄出，不能再更改领取方式", "delivery", code="already_sent")
    record = initial_delivery(choice)
    result = mongo()["cases"].update_one(
        {"_id": case["_id"], "version": case["version"]}, {"$set": {"delivery": record, "version": case["version"] + 1}}
    )
    if result.modified_count != 1:
        raise Conflict("办件刚被其他请求更新，请刷新后重试", "delivery", code="concurrent_update")
    case_changed(case["_id"])
    log.info("case %s delivery chosen: %s", case["_id"], delivery_summary(record))
    return service.get_case(case["_id"])
