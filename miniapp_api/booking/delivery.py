"""The resident's delivery choice (窗口领取 or EMS 邮寄) as stored on an appointment or a case, and how
it is shown. The address and phone are kept in full (EMS needs them to ship) but never logged; views
for residents and the public show the phone masked, the public lookup shows no address at all.
Delivery status and tracking number (set by the back office) are the cases area's (cases/delivery.py).
"""

from __future__ import annotations

from miniapp_api.identity.resident_auth import mask_phone

PICKUP = {"method": "pickup"}


def delivery_record(choice: dict | None) -> dict:
    """The stored form of a validated DeliverySchema value (pickup when nothing was chosen)."""
    if not choice or choice.get("method") != "post":
        return dict(PICKUP)
    record = {
        "method": "post",
        "recipient": choice["recipient"].strip(),
        "phone": choice["phone"],
        "address": choice["address"].strip(),
    }
    if choice.get("postcode"):
        record["postcode"] = choice["postcode"]
    return record


def delivery_view(record: dict | None, *, full: bool = False) -> dict:
    """What a resident sees (phone masked), or with ``full`` what back-office staff ship with."""
    record = record or PICKUP
    out = {k: v for k, v in record.items() if k != "phone"}
    if record.get("phone"):
        out["phone" if full else "phone_masked"] = record["phone"] if full else mask_phone(record["phone"])
    return out


def delivery_summary(record: dict | None) -> str:
    """A loggable line: the method and nothing personal."""
    return (record or PICKUP)["method"]
