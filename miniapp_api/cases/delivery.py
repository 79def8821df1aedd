"""Delivery of a case's result (证照寄递): the resident's choice (窗口领取 / EMS 邮寄) carried from the
booking or given when the case is created, and, for post, its status set by the back office:
待寄出 → 已寄出 (with the EMS tracking number) → 已签收.

Transitions are a table, like the case statuses (cases/rules.py). Posting a certificate is only
possible once the case is 办结 (completed); the post moves the case itself to 证照已邮寄 (mailed) in
the same write, and the resident gets a subscribe message with the tracking number (cases/shipping.py).
"""

from __future__ import annotations

import re

from miniapp_api.booking.delivery import delivery_record, delivery_view
from miniapp_api.core.errors import Conflict, NotFound, ValidationFailed
from miniapp_api.core.stores import mongo

DELIVERY_LABELS: dict[str, str] = {"pending": "待寄出", "sent": "已寄出", "delivered": "已签收"}
# status → statuses the back office may move a posted delivery to.
DELIVERY_TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"sent"}),
    "sent": frozenset({"delivered"}),
    "delivered": frozenset(),
}
SHIPPABLE_CASE_STATUSES = frozenset({"completed"})  # a certificate is posted once the case is 办结
CARRIER = "EMS"
# EMS numbers: the UPU S10 form (EA123456789CN) or 13 digits (domestic 标准快递).
TRACKING_RE = re.compile(r"^(?:[A-Z]{2}[0-9]{9}[A-Z]{2}|[0-9]{13})$")


def initial_delivery(choice: dict | None) -> dict:
    """The delivery block of a new case: post starts 待寄出; pickup has no delivery status."""
    record = delivery_record(choice)
    if record["method"] == "post":
        record.update(status="pending", tracking_no=None, carrier=CARRIER, history=[])
    return record


def from_appointment(appointment_id: str, item_code: str) -> dict:
    """The appointment a case comes from (its delivery choice and resident carry over)."""
    appointment = mongo()["appointments"].find_one({"_id": appointment_id, "status": {"$ne": "void"}})
    if appointment is None:
        raise NotFound(f"appointment {appointment_id} not found", "appointment_id")
    covered = {appointment["item_code"], *(appointment.get("items") or [])}
    if item_code not in covered:
        raise ValidationFailed(f"预约 {appointment_id} 办理的是 {appointment['item_code']}，不是 {item_code}",
                               "item_code")  # fmt: skip
    return appointment


def view(case: dict, *, staff: bool = False, own: bool = False) -> dict | None:
    """The case's delivery as shown: staff see the full address to ship; the resident their own
    address with the phone masked; the public lookup only method, status and tracking number."""
    record = case.get("delivery")
    if not record:
        return None
    if staff or own:
        out = delivery_view({k: v for k, v in record.items() if k != "history"}, full=staff)
    else:
        out = {k: record[k] for k in ("method", "status", "tracking_no", "carrier") if k in record}
    if record.get("status"):
        out["status_label"] = DELIVERY_LABELS[record["status"]]
    return out


def check_delivery_transition(current: str, new: str) -> None:
    allowed = DELIVERY_TRANSITIONS.get(current, frozenset())
    if new not in allowed:
        nexts = "、".join(f"{s}({DELIVERY_LABELS[s]})" for s in sorted(allowed)) or "无（已签收）"
        label = DELIVERY_LABELS.get(current, "?")
        raise Conflict(f"寄递状态不能从 {current}({label}) 变为 {new}；允许的下一状态：{nexts}", "status",
                       code="illegal_transition")  # fmt: skip
