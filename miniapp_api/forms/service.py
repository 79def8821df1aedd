"""Filled forms (collection ``forms``): prefill, submit, read, attach to an appointment.

A stored form keeps the definition's fields as they were when filled (a later data edit does not
change what was signed), the values as given, except ID numbers: those are kept only encrypted
(``sealed``) with a mask for display, and decrypted only to print (forms.pdf).

MongoDB indexes (real server): ``forms {resident_id: 1, created_at: -1}`` (my forms) and
``{appointment_id: 1, updated_at: -1}`` (the window's form of an appointment) — ``ensure_indexes``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from miniapp_api.booking.appointments import get_for_resident
from miniapp_api.core.clock import now_local
from miniapp_api.core.errors import Conflict, NotFound, ValidationFailed
from miniapp_api.core.stores import mongo
from miniapp_api.forms.checks import SECRET_TYPES, check_value, is_empty, masked
from miniapp_api.forms.definitions import definition
from miniapp_api.halls.halls import get_hall
from miniapp_api.identity.residents import form_details, seal, unseal

PDF_URL = "/api/v1/staff/forms/{form_id}.pdf"


def ensure_indexes(db) -> None:
    db["forms"].create_index([("resident_id", 1), ("created_at", -1)])
    db["forms"].create_index([("appointment_id", 1), ("updated_at", -1)])


# -- sources -------------------------------------------------------------------------------
def _item_values(form: dict) -> dict:
    name = form["name"] if form["kind"] == "item" else f"{form['name']}（{'、'.join(form['items'])}）"
    return {"item.name": name, "item.code": form["code"], "item.department": form["department"]}


def _booking_values(appointment: dict | None) -> dict:
    if appointment is None:
        return {}
    hall = get_hall(appointment["hall_id"])
    return {
        "booking.hall_name": hall.get("name"),
        "booking.hall_address": hall.get("address"),
        "booking.date": appointment["date"],
        "booking.slot": appointment["slot"],
    }


def _profile_values(resident_id: str) -> dict:
    return {f"profile.{k}": v for k, v in form_details(resident_id).items() if v}


def _field_view(field: dict, value: object) -> dict:
    out = {k: field[k] for k in ("key", "label", "type", "required", "section") if k in field}
    for extra in ("source", "options", "min", "max"):
        if field.get(extra) is not None:
            out[extra] = field[extra]
    out["value"] = masked(field, value)
    return out


# -- the blank form, prefilled ---------------------------------------------------------------
def prefilled(resident_id: str, code: str) -> dict:
    """The form of ``code`` with what the profile and the item already say; ``to_fill`` lists the required
    fields the resident still has to add. ID numbers and phones are shown masked."""
    form = definition(code)
    known = {**_profile_values(resident_id), **_item_values(form)}
    views = [_field_view(f, known.get(f.get("source", ""))) for f in form["fields"]]
    for view in views:
        view["prefilled"] = view["value"] is not None
    return {
        "code": form["code"],
        "kind": form["kind"],
        "title": form["title"],
        "items": form["items"],
        "fields": views,
        "to_fill": [
            v["key"]
            for v in views
            if v["required"] and v["value"] is None and not v.get("source", "").startswith("booking.")
        ],
    }


# -- submit ----------------------------------------------------------------------------------
def _appointment_for(resident_id: str, appointment_id: str, form: dict) -> dict:
    appointment = get_for_resident(resident_id, appointment_id)  # NotFound unless it is the caller's
    if appointment["item_code"] not in {form["code"], *form["items"]}:
        raise Conflict(
            f"预约的事项 {appointment['item_code']} 与表单 {form['code']} 不符",
            "appointment_id",
            code="form_item_mismatch",
        )
    if appointment["status"] not in ("booked", "checked_in"):
        raise Conflict(f"预约状态为 {appointment['status']}，不能附表", "appointment_id", code="not_attachable")
    return appointment


def submit(resident_id: str, code: str, values: dict, appointment_id: str | None = None) -> dict:
    """Check and store a filled form. Profile-sourced fields left out (or sent back masked, as shown) take
    the profile's value; item and booking fields are filled here, never taken from the request."""
    form = definition(code)
    by_key = {f["key"]: f for f in form["fields"]}
    for key in values:
        if key not in by_key:
            raise ValidationFailed(f"表单 {form['code']} 没有字段 {key}", f"values.{key}")
    appointment = _appointment_for(resident_id, appointment_id, form) if appointment_id else None
    server = {**_item_values(form), **_booking_values(appointment)}
    profile = _profile_values(resident_id)
    today = now_local().date()
    plain: dict = {}
    sealed: dict = {}
    shown: dict = {}
    for field in form["fields"]:
        source = field.get("source", "")
        if source.startswith(("item.", "booking.")):
            raw = server.get(source)
        else:
            raw = values.get(field["key"])
            fallback = profile.get(source)
            if is_empty(raw) or (fallback is not None and raw == masked(field, fallback)):
                raw = fallback
        if is_empty(raw):
            if field["required"] and not source.startswith("booking."):
                raise ValidationFailed(f"请填写{field['label']}", f"values.{field['key']}", code="field_required")
            continue
        value = raw if source.startswith(("item.", "booking.")) else check_value(field, raw, today)
        if field["type"] in SECRET_TYPES:
            sealed[field["key"]] = seal(str(value))
            shown[field["key"]] = masked(field, value)
        else:
            plain[field["key"]] = value
    now = dt.datetime.now(dt.UTC)
    doc = {
        "_id": uuid.uuid4().hex,
        "resident_id": resident_id,
        "code": form["code"],
        "kind": form["kind"],
        "title": form["title"],
        "items": form["items"],
        "fields": form["fields"],
        "values": plain,
        "sealed": sealed,
        "masked": shown,
        "status": "submitted",
        "appointment_id": None,
        "hall_id": None,
        "created_at": now,
        "updated_at": now,
    }
    if appointment is not None:
        _detach_others(resident_id, appointment["_id"])
        doc.update(appointment_id=appointment["_id"], hall_id=appointment["hall_id"])
    mongo()["forms"].insert_one(doc)
    return view(doc)


def _detach_others(resident_id: str, appointment_id: str) -> None:
    """An appointment carries one form: the one attached last."""
    mongo()["forms"].update_many(
        {"resident_id": resident_id, "appointment_id": appointment_id},
        {"$set": {"appointment_id": None, "updated_at": dt.datetime.now(dt.UTC)}},
    )


def attach(resident_id: str, form_id: str, appointment_id: str) -> dict:
    """Attach an own form to an own appointment; the booking fields are filled from it."""
    doc = _own(resident_id, form_id)
    form = {"code": doc["code"], "items": doc["items"]}
    appointment = _appointment_for(resident_id, appointment_id, form)
    values = dict(doc["values"])
    booking = _booking_values(appointment)
    for field in doc["fields"]:
        if field.get("source", "").startswith("booking.") and booking.get(field["source"]) is not None:
            values[field["key"]] = booking[field["source"]]
    _detach_others(resident_id, appointment_id)
    mongo()["forms"].update_one(
        {"_id": form_id},
        {
            "$set": {
                "values": values,
                "appointment_id": appointment_id,
                "hall_id": appointment["hall_id"],
                "updated_at": dt.datetime.now(dt.UTC),
            }
        },
    )
    return view(_own(resident_id, form_id))


# -- read ------------------------------------------------------------------------------------
def _own(resident_id: str, form_id: str) -> dict:
    doc = mongo()["forms"].find_one({"_id": form_id, "resident_id": resident_id}) if isinstance(form_id, str) else None
    if doc is None:
        raise NotFound("form not found", "form_id")
    return doc


def view(doc: dict) -> dict:
    """The JSON view (resident or staff): ID numbers and phones masked."""
    fields = []
    for field in doc["fields"]:
        key = field["key"]
        value = doc["masked"].get(key) if key in doc["sealed"] else masked(field, doc["values"].get(key))
        fields.append({**_field_view(field, None), "value": value})
    return {
        "form_id": doc["_id"],
        "code": doc["code"],
        "kind": doc["kind"],
        "title": doc["title"],
        "items": doc["items"],
        "status": doc["status"],
        "appointment_id": doc.get("appointment_id"),
        "hall_id": doc.get("hall_id"),
        "created_at": doc["created_at"],
        "updated_at": doc["updated_at"],
        "fields": fields,
    }


def mine(resident_id: str) -> list[dict]:
    rows = mongo()["forms"].find({"resident_id": resident_id}).sort("created_at", -1).limit(100)
    return [view(r) for r in rows]


def get_mine(resident_id: str, form_id: str) -> dict:
    return view(_own(resident_id, form_id))


def form_for_appointment(appointment_id: str) -> dict | None:
    """The window panel's view of the form attached to ``appointment_id`` (masked), with the PDF's URL;
    None when the resident attached none. No role check here: call it from a staff-checked view."""
    rows = list(mongo()["forms"].find({"appointment_id": appointment_id}).sort("updated_at", -1).limit(1))
    if not rows:
        return None
    out = view(rows[0])
    out["updated_at"] = out["updated_at"].isoformat() if hasattr(out["updated_at"], "isoformat") else out["updated_at"]
    out["created_at"] = out["created_at"].isoformat() if hasattr(out["created_at"], "isoformat") else out["created_at"]
    out["pdf_url"] = PDF_URL.format(form_id=out["form_id"])
    return out


def printable(form_id: str) -> dict:
    """The stored form with every value in plain text (ID numbers decrypted), for the PDF only."""
    doc = mongo()["forms"].find_one({"_id": form_id}) if isinstance(form_id, str) else None
    if doc is None:
        raise NotFound("form not found", "form_id")
    values = dict(doc["values"])
    for key, token in doc["sealed"].items():
        values[key] = unseal(token) or doc["masked"].get(key)  # a rotated-away key still prints the mask
    return {**doc, "values": values}
