"""What a hotline agent does for the caller during a call: identify them, look up a case, book or cancel an
appointment on their behalf, file an appeal — each through the owning area's own service (the same Lua
booking rules, the same guessing limits, the same appeal workflow) and audited with the agent's name.

Acting for a resident: the caller is identified by the phone number they are registered with **and** the last
4 characters of their ID number (read out on the phone; the agent never sees either in full). The resident is
then bound to the call in Redis (``call:<call_id>:caller`` = {resident_id, agent}, CALL_TTL) and only the agent
who identified them may act for them in that call. A booking is the resident's own booking (their daily cap,
one booking per item, no-show block, idempotency), with audit action ``appointment.book_on_behalf``.

Every step is remembered for the call's summary (``call:<call_id>:actions``, a JSON list, oldest first).
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import time

from miniapp_api.appeals.service import create_appeal, filed_view
from miniapp_api.booking import appointments
from miniapp_api.cases.lookup import lookup_json
from miniapp_api.cases.service import cases_of_resident
from miniapp_api.core.audit import audit
from miniapp_api.core.errors import Conflict, NotFound, ValidationFailed
from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.identity.resident_auth import hash_id_number, hash_last4, mask_phone, validate_phone
from miniapp_api.identity.residents import profile

CALL_TTL = 24 * 3600
ACTIONS_KEEP = 100


def _caller_key(call_id: str) -> str:
    return rkey("call", call_id, "caller")


def _actions_key(call_id: str) -> str:
    return rkey("call", call_id, "actions")


def note(call_id: str, kind: str, label: str, ref: str | None = None) -> None:
    """Remember one step of the call for its summary (no personal numbers: ``label`` is already masked)."""
    entry = json.dumps({"at": time.time(), "kind": kind, "label": label, "ref": ref}, ensure_ascii=False)
    pipe = rds().pipeline(transaction=False)
    pipe.rpush(_actions_key(call_id), entry)
    pipe.ltrim(_actions_key(call_id), -ACTIONS_KEEP, -1)
    pipe.expire(_actions_key(call_id), CALL_TTL)
    pipe.execute()


def actions(call_id: str) -> list[dict]:
    out = []
    for raw in rds().lrange(_actions_key(call_id), 0, -1):
        entry = json.loads(raw)
        entry["at"] = dt.datetime.fromtimestamp(entry["at"], dt.UTC)
        out.append(entry)
    return out


def identify_caller(call_id: str, agent: str, phone: str, id_last4: str) -> dict:
    """Bind the resident registered with ``phone`` to the call when ``id_last4`` matches their ID number.
    Unknown phone and wrong digits answer the same 404 (the desk must not confirm who is registered);
    every attempt is audited."""
    caller(call_id, agent)  # 409 when another agent's call already has its caller
    phone = validate_phone(phone)
    id_last4 = (id_last4 or "").strip().upper()
    if len(id_last4) != 4:
        raise ValidationFailed("请输入来电人身份证号后 4 位", "id_last4")
    doc = mongo()["residents"].find_one({"phone_hash": hash_id_number(phone)}, {"id_last4_hash": 1})
    ok = bool(doc and doc.get("id_last4_hash") and hmac.compare_digest(doc["id_last4_hash"], hash_last4(id_last4)))
    audit(mongo(), agent, "call.identify_caller", call_id, {"phone": mask_phone(phone), "matched": ok})
    if not ok:
        raise NotFound("没有找到与该手机号和身份证后 4 位相符的实名用户", "phone")
    rds().set(_caller_key(call_id), json.dumps({"resident_id": doc["_id"], "agent": agent}), ex=CALL_TTL)
    view = profile(doc["_id"])
    note(call_id, "identify", f"核实来电人 {view.get('name') or ''} {view.get('phone_masked') or ''}".strip())
    return view


def caller(call_id: str, agent: str) -> str | None:
    """The resident bound to this call by ``agent`` (None when nobody was identified)."""
    raw = rds().get(_caller_key(call_id))
    if not raw:
        return None
    bound = json.loads(raw)
    if bound["agent"] != agent:  # another agent's call: they cannot act for its caller
        raise Conflict("this call's caller was identified by another agent", "call_id", code="call_not_yours")
    return bound["resident_id"]


def _required_caller(call_id: str, agent: str) -> str:
    resident_id = caller(call_id, agent)
    if resident_id is None:
        raise Conflict("先核实来电人（手机号 + 身份证后 4 位）", "phone", code="caller_not_identified")
    return resident_id


def caller_overview(call_id: str, agent: str) -> dict | None:
    """The identified caller's masked profile, appointments and cases (None before identification, and for an
    agent who opens another agent's call: they see the page, never that caller)."""
    try:
        resident_id = caller(call_id, agent)
    except Conflict:
        return None
    if resident_id is None:
        return None
    return {"profile": profile(resident_id), "appointments": appointments.mine(resident_id)[:10],
            "cases": cases_of_resident(resident_id, 10)}  # fmt: skip


def lookup_case(call_id: str, agent: str, case_no: str, factor: str) -> dict:
    """The public view of a case by number + last 4 of the applicant's ID or phone, as the caller reads them
    out. The guessing limits count the agent's desk like a chat session (``agent:<name>``)."""
    body = lookup_json(case_no, factor, {"ip": None, "session": f"agent:{agent}", "resident_id": None})
    view = json.loads(body)
    status = view.get("status_label") or view.get("status")
    note(call_id, "case", f"查询办件 {view.get('case_no', case_no)}（{status}）", view.get("case_no"))
    return view


def book_for_caller(call_id: str, agent: str, hall_id: str, item_code: str, date: dt.date, slot: str) -> dict:
    """Book for the identified caller through the booking service (its Lua rules, as the resident's own
    booking). The idempotency key is the call and the request: a double click books once."""
    resident_id = _required_caller(call_id, agent)
    body = {"hall_id": hall_id, "item_code": item_code.strip().upper(), "date": date, "slot": slot}
    key = f"call:{call_id}:{body['item_code']}:{date.isoformat()}:{slot}"
    appt, replayed = appointments.book(resident_id, body, key)
    if not replayed:
        audit(mongo(), agent, "appointment.book_on_behalf", appt["appointment_id"],
              {"call_id": call_id, "resident_id": resident_id, "item_code": appt["item_code"], "date": appt["date"],
               "slot": appt["slot"], "hall_id": hall_id})  # fmt: skip
        note(call_id, "book", f"代为预约 {appt.get('item_name') or appt['item_code']} {appt['date']} {appt['slot']}",
             appt["appointment_id"])  # fmt: skip
    return appt


def cancel_for_caller(call_id: str, agent: str, appointment_id: str) -> dict:
    """Cancel one of the identified caller's appointments (the booking service's rules and seat return)."""
    resident_id = _required_caller(call_id, agent)
    appt = appointments.cancel(resident_id, appointment_id)
    audit(mongo(), agent, "appointment.cancel_on_behalf", appointment_id,
          {"call_id": call_id, "resident_id": resident_id})  # fmt: skip
    note(call_id, "cancel", f"代为取消预约 {appt.get('item_name') or appt['item_code']} {appt['date']} {appt['slot']}",
         appointment_id)  # fmt: skip
    return appt


def file_appeal(call_id: str, agent: str, kind: str, what: str, where: str, contact: str) -> dict:
    """File the caller's appeal (type and place asked on the phone) through the appeals service, channel
    ``hotline``, taken by ``agent``; linked to the caller when identified."""
    what, where = what.strip(), where.strip()
    if not 5 <= len(what) <= 1000:
        raise ValidationFailed("诉求内容 5–1000 字", "what")
    if not 2 <= len(where) <= 200:
        raise ValidationFailed("请填写事发地点", "where")
    doc = create_appeal(what, where, contact, None, caller(call_id, agent), channel="hotline", kind=kind, by=agent)
    view = filed_view(doc)
    note(call_id, "appeal", f"登记诉求 {doc['_id']}（{view.get('type_label') or kind}）", doc["_id"])
    return view
