"""The call screen's desk for the caller (identify, case lookup, book / cancel on their behalf, appeal):
HTML fragments the page swaps in; the rules are in ``call_desk`` and the owning areas' services."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, g, render_template, request

from miniapp_api.appeals.directory import appeal_types
from miniapp_api.conversation import call_desk
from miniapp_api.core.errors import ValidationFailed
from miniapp_api.halls.halls import list_halls
from miniapp_api.web.pages import current_user


def _me() -> str:
    return (g.get("console_user") or current_user())["username"]


def _field(name: str, max_len: int = 200) -> str:
    value = request.form.get(name, "").strip()
    if not value or len(value) > max_len:
        raise ValidationFailed(f"{name} is required (at most {max_len} characters)", name)
    return value


def _desk(call_id: str, message: str = "", result: dict | None = None):
    halls = list_halls()
    return render_template("conversation/_desk.html", call_id=call_id, message=message, result=result or {},
                           overview=call_desk.caller_overview(call_id, _me()), halls=halls,
                           slot_times=(halls[0].get("slot_times") if halls else []) or [],
                           appeal_types=list(appeal_types()))  # fmt: skip


def desk_html(call_id: str) -> str:
    return _desk(call_id)


def register(bp: Blueprint, valid_call_id) -> None:
    """Add the desk's routes to the call screen's blueprint (signed-in agents, CSRF checked there)."""

    @bp.route("/<call_id>/desk")
    def call_desk_panel(call_id: str):
        valid_call_id(call_id)
        return _desk(call_id)

    @bp.route("/<call_id>/identify", methods=["POST"])
    def call_identify(call_id: str):
        valid_call_id(call_id)
        call_desk.identify_caller(call_id, _me(), _field("phone", 20), _field("id_last4", 4))
        return _desk(call_id, "已核实来电人身份")

    @bp.route("/<call_id>/case", methods=["POST"])
    def call_case(call_id: str):
        valid_call_id(call_id)
        case = call_desk.lookup_case(call_id, _me(), _field("case_no", 20), _field("factor", 4))
        return _desk(call_id, f"办件 {case['case_no']}：{case.get('status_label') or case['status']}", {"case": case})

    @bp.route("/<call_id>/book", methods=["POST"])
    def call_book(call_id: str):
        valid_call_id(call_id)
        try:
            date = dt.date.fromisoformat(_field("date", 10))
        except ValueError:
            raise ValidationFailed("date is YYYY-MM-DD", "date") from None
        appt = call_desk.book_for_caller(call_id, _me(), _field("hall_id", 40), _field("item_code", 20), date,
                                         _field("slot", 20))  # fmt: skip
        what = f"{appt.get('item_name') or appt['item_code']} {appt['date']} {appt['slot']}"
        return _desk(call_id, f"已代为预约：{what}，核验码 {appt['checkin_code']}", {"appointment": appt})

    @bp.route("/<call_id>/cancel/<appointment_id>", methods=["POST"])
    def call_cancel(call_id: str, appointment_id: str):
        valid_call_id(call_id)
        appt = call_desk.cancel_for_caller(call_id, _me(), appointment_id)
        return _desk(call_id, f"已代为取消：{appt.get('item_name') or appt['item_code']} {appt['date']} {appt['slot']}")

    @bp.route("/<call_id>/appeal", methods=["POST"])
    def call_appeal(call_id: str):
        valid_call_id(call_id)
        view = call_desk.file_appeal(call_id, _me(), _field("type", 40), _field("what", 1000), _field("where"),
                                     _field("contact", 30))  # fmt: skip
        return _desk(call_id, f"诉求已登记：{view['appeal_no']}（{view['type_label']}）", {"appeal": view})
