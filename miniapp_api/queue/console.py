"""The window clerk's 叫号 panel (role agent) and the hall's public display (no sign-in, read-only).

The panel calls, recalls, finishes (served / 过号) and transfers through ``queue.service`` — the same
Lua-guarded operations as the JSON API — and announces each call on the hall's public live topic
(``queue.announce``), which the displays follow straight from the live server: hundreds of open screens
hold connections there, not request threads of the API.
"""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for

from miniapp_api.core.errors import Conflict, NotFound, ValidationFailed
from miniapp_api.core.stores import mongo
from miniapp_api.forms.pdf import render_form_pdf
from miniapp_api.forms.service import form_for_appointment
from miniapp_api.halls.halls import get_hall, list_halls
from miniapp_api.identity.residents import profile
from miniapp_api.queue import announce
from miniapp_api.queue import service as queue
from miniapp_api.web.pages import console_blueprint, current_user, page, public

bp = console_blueprint("queue_console", __name__, "/console/windows", ("agent",))
display_bp = console_blueprint("hall_display", __name__, "/console/display", static=True)


def _current(hall_id: str, window_no: str) -> dict | None:
    """The ticket this window has called and not finished today (the persisted copy every call writes)."""
    today = queue.now().date().isoformat()
    return mongo()["tickets"].find_one({"hall_id": hall_id, "date": today, "window": window_no, "status": "called"},
                                       sort=[("called_at", -1)])  # fmt: skip


def _details(ticket: dict | None) -> dict:
    """What the clerk needs about the person at the window: the booking and the profile they filled in
    (masked numbers only — the clerk checks the ID card itself)."""
    if ticket is None:
        return {}
    out: dict = {}
    if ticket.get("appointment_id"):
        appt = mongo()["appointments"].find_one({"_id": ticket["appointment_id"]})
        if appt:
            out["appointment"] = {k: appt.get(k) for k in ("item_code", "item_name", "date", "slot", "status")}
            out["form"] = form_for_appointment(appt["_id"])  # the 申请表 filled in the mini-program (masked)
    if ticket.get("resident_id"):
        try:
            out["resident"] = profile(ticket["resident_id"])
        except NotFound:
            pass
    return out


def _window(hall: dict, window_no: str) -> dict:
    window = next((w for w in hall.get("windows", []) if w.get("no") == window_no), None)
    if window is None:
        raise NotFound(f"hall {hall['_id']} has no window {window_no!r}", "window_no")
    return window


def _panel_context(hall_id: str, window_no: str, message: str = "") -> dict:
    hall = get_hall(hall_id)
    window = _window(hall, window_no)
    ticket = _current(hall_id, window_no)
    return {"hall": hall, "window": window, "ticket": ticket, "details": _details(ticket),
            "board": queue.board(hall_id), "message": message}  # fmt: skip


@bp.route("/")
def index():
    hall_id, window_no = request.args.get("hall", ""), request.args.get("window", "")
    halls = list_halls()
    if request.args.get("partial") == "panel" and hall_id and window_no:
        return render_template("queue/_panel.html", **_panel_context(hall_id, window_no))
    context: dict = {"halls": halls, "hall_id": hall_id, "window_no": window_no, "hall": None}
    live: tuple[str, ...] = ()
    if hall_id:
        context["hall"] = get_hall(hall_id)
        if window_no:
            context.update(_panel_context(hall_id, window_no))
            live = (announce.topic(hall_id),)
    return page("queue/window.html", "窗口叫号", live, **context)


def _done(hall_id: str, window_no: str, message: str):
    if request.headers.get("HX-Request") == "true":
        return render_template("queue/_panel.html", **_panel_context(hall_id, window_no, message))
    return redirect(url_for("queue_console.index", hall=hall_id, window=window_no))


def _held(hall_id: str, window_no: str) -> dict:
    ticket = _current(hall_id, window_no)
    if ticket is None:
        raise Conflict("this window has no called number; call the next one first", "ticket", code="no_called_ticket")
    return ticket


@bp.route("/<hall_id>/<window_no>/call", methods=["POST"])
def call(hall_id: str, window_no: str):
    ticket = queue.call_next(hall_id, window_no)
    if ticket is None:
        return _done(hall_id, window_no, "没有等候的号码")
    announce.announce_call(ticket)
    announce.announce_board(hall_id, "call")
    return _done(hall_id, window_no, f"已呼叫 {ticket['number']}")


@bp.route("/<hall_id>/<window_no>/recall", methods=["POST"])
def recall(hall_id: str, window_no: str):
    ticket = _held(hall_id, window_no)
    announce.announce_call(ticket, recall=True)
    return _done(hall_id, window_no, f"已重呼 {ticket['number']}")


@bp.route("/<hall_id>/<window_no>/<outcome>", methods=["POST"])
def finish(hall_id: str, window_no: str, outcome: str):
    if outcome not in ("served", "no_show"):
        raise NotFound(f"unknown action {outcome!r}", "action")
    ticket = queue.finish(_held(hall_id, window_no)["_id"], outcome)
    announce.announce_board(hall_id, outcome)
    return _done(hall_id, window_no, f"{ticket['number']} {'办结' if outcome == 'served' else '过号'}")


@bp.route("/<hall_id>/<window_no>/transfer", methods=["POST"])
def transfer(hall_id: str, window_no: str):
    category = request.form.get("category", "").strip().upper()
    if not category:
        raise ValidationFailed("choose the category to transfer to", "category")
    ticket = queue.transfer(_held(hall_id, window_no)["_id"], category)
    announce.announce_board(hall_id, "transfer")
    return _done(hall_id, window_no, f"已转到 {category} 类，新号 {ticket['number']}")


@bp.route("/<hall_id>/<window_no>/form.pdf")
def form_pdf(hall_id: str, window_no: str):
    """Print the filled form of the number this window serves now (only that one: the PDF carries the full ID
    number, so a clerk cannot print any form by its id). The print is audited by the forms area."""
    _window(get_hall(hall_id), window_no)
    form = _details(_held(hall_id, window_no)).get("form")
    if not form:
        raise NotFound("the called number has no filled form", "form")
    data = render_form_pdf(form["form_id"], current_user()["username"])
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{form["form_id"]}.pdf"'})  # fmt: skip


@display_bp.route("/<hall_id>")
@public
def display(hall_id: str):
    """The hall's TV: last calls, waiting counts, live and spoken (public topic: no ticket, no sign-in)."""
    hall = get_hall(hall_id)
    calls = announce.recent_calls(hall_id)
    return render_template("queue/display.html", hall=hall, calls=calls, board=queue.board(hall_id),
                           topic=announce.topic(hall_id), spoken=[announce.spoken(c) for c in calls[:1]])  # fmt: skip


@display_bp.route("/<hall_id>/board")
@public
def display_board(hall_id: str):
    """The waiting counts as a fragment (the display refreshes it on a board event)."""
    return render_template("queue/_board.html", board=queue.board(hall_id))
