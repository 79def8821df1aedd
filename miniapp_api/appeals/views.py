"""What each reader sees of an appeal: the resident, the dispatcher, a department, other staff.

Text, place, contact and the notes of the timeline are private (``rules.may_see_private``): the
dispatcher, the department the appeal is with and the resident who filed it see them; anyone else
with access to the list (hotline agents, other departments, a department it was returned from)
sees the number, type, status, department, deadline and lamp only.
"""

from __future__ import annotations

import datetime as dt

from miniapp_api.appeals import rules
from miniapp_api.appeals.deadlines import lamp
from miniapp_api.appeals.directory import appeal_types
from miniapp_api.appeals.rules import Actor
from miniapp_api.appeals.workflow import aware, calendar

WHO = {"dispatcher": "12345热线中心", "resident": "诉求人", "agent": "12345热线坐席", "system": "系统"}


def _iso(value) -> str | None:
    return aware(value).isoformat() if isinstance(value, dt.datetime) else value


def clock(doc: dict, today: dt.date) -> dict:
    """Deadline and lamp; a merged or closed appeal, or one waiting for a rating, has no running clock."""
    out = {"due_on": doc.get("due_on"), "lamp": "none", "working_days_left": None, "overdue_working_days": 0}
    if doc.get("due_on") and doc["status"] not in rules.REPLY_CLOCK_STOPPED:
        out.update(lamp(calendar(), dt.date.fromisoformat(doc["due_on"]), today))
    return out


def _timeline(doc: dict, private: bool, staff: bool) -> list[dict]:
    out = []
    for event in doc.get("timeline", []):
        role = event.get("role") or ("resident" if event.get("status") == "received" else "system")
        who = event.get("department") or WHO.get(role, role)
        item = {"status": event["status"], "label": rules.STATUS_LABELS.get(event["status"], event["status"]),
                "action": event.get("action", "file"), "at": _iso(event["at"]), "who": who}  # fmt: skip
        if staff:
            item["by"] = event.get("by")
        if private:
            item["note"] = event.get("note", "")
        out.append(item)
    return out


def _common(doc: dict, today: dt.date) -> dict:
    types = appeal_types()
    return {"appeal_no": doc["_id"], "type": doc.get("type"), "type_label": types.label(doc.get("type")),
            "status": doc["status"], "status_label": rules.STATUS_LABELS.get(doc["status"], doc["status"]),
            "department": doc.get("department"), "channel": doc.get("channel"), "created_at": _iso(doc["created_at"]),
            "received_on": doc.get("received_on"), "merged_into": doc.get("merged_into"),
            "rating": doc.get("rating"), **clock(doc, today)}  # fmt: skip


def resident_view(doc: dict, today: dt.date) -> dict:
    """The resident's own appeal: their text, the reply, and until when they may rate it."""
    view = {**_common(doc, today), "what": doc["what"], "where": doc["where"], "reply": doc.get("reply"),
            "replied_at": _iso(doc.get("replied_at")), "timeline": _timeline(doc, private=False, staff=False)}
    if doc["status"] == "replied" and doc.get("replied_at"):
        view["rate_until"] = (aware(doc["replied_at"]) + rules.RATING_WINDOW).isoformat()
        view["may_reopen"] = int(doc.get("reopens") or 0) < rules.MAX_REOPENS
    return view


def staff_view(doc: dict, actor: Actor, today: dt.date, now: dt.datetime, detail: bool = False) -> dict:
    private = rules.may_see_private(actor, doc)
    view = {**_common(doc, today), "private": private, "returns": doc.get("returns", 0),
            "extensions": doc.get("extensions", 0), "reopens": doc.get("reopens", 0)}  # fmt: skip
    if private:
        view.update(what=doc["what"], where=doc["where"], contact=doc["contact"], reply=doc.get("reply"),
                    suggested=doc.get("suggested"), pending_extension=_pending(doc),
                    duplicates=doc.get("duplicates", []))  # fmt: skip
    if detail:
        view["timeline"] = _timeline(doc, private=private, staff=True)
        view["allowed_actions"] = rules.allowed_actions(doc, actor, now)
    return view


def _pending(doc: dict) -> dict | None:
    pending = doc.get("pending_extension")
    return {**pending, "at": _iso(pending.get("at"))} if pending else None
