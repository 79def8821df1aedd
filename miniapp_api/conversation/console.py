"""The hotline agents' handoff desk (转人工): the live queue with waiting times, and one conversation with its
transcript where the agent claims, replies into the resident's chat session and closes (the bot answers again).
Same rules as the JSON API (``handoffs.py``); the pages follow the staff live topic ``handoffs``."""

from __future__ import annotations

import re
import uuid

from flask import g, redirect, render_template, request, url_for

from miniapp_api.conversation import agent_assist, call_desk, call_routes, handoffs
from miniapp_api.core.errors import ValidationFailed
from miniapp_api.core.stores import mongo
from miniapp_api.guides.catalogue import item_name
from miniapp_api.web.pages import console_blueprint, current_user, page

bp = console_blueprint("conversation_console", __name__, "/console/handoffs", ("agent",))
LIVE = (handoffs.LIVE_TOPIC,)
CALL_ID_RE = re.compile(r"^[A-Za-z0-9_\-:.]{1,64}$")


@bp.route("/")
def index():
    status = request.args.get("status", "open")
    rows = handoffs.list_handoffs(status or None, 100)
    if request.args.get("partial") == "list":
        return render_template("conversation/_list.html", rows=rows, status=status)
    return page("conversation/handoffs.html", "转人工队列", LIVE, rows=rows, status=status)


@bp.route("/<handoff_id>")
def detail(handoff_id: str):
    h = handoffs.get_handoff(handoff_id)
    if request.args.get("partial") == "messages":
        return render_template("conversation/_messages.html", h=h)
    return page("conversation/handoff.html", "转人工会话", LIVE, h=h, me=current_user()["username"])


def _back(handoff_id: str):
    return redirect(url_for("conversation_console.detail", handoff_id=handoff_id))


@bp.route("/<handoff_id>/claim", methods=["POST"])
def claim(handoff_id: str):
    handoffs.claim_handoff(handoff_id, _me())
    return _back(handoff_id)


@bp.route("/<handoff_id>/reply", methods=["POST"])
def reply(handoff_id: str):
    text = request.form.get("text", "").strip()
    if not text or len(text) > 2000:
        raise ValidationFailed("a reply is 1–2000 characters", "text")
    handoffs.agent_reply(handoff_id, _me(), text)
    if request.headers.get("HX-Request") == "true":
        return render_template("conversation/_messages.html", h=handoffs.get_handoff(handoff_id))
    return _back(handoff_id)


@bp.route("/<handoff_id>/close", methods=["POST"])
def close(handoff_id: str):
    handoffs.close_handoff(handoff_id, _me())
    return _back(handoff_id)


def _me() -> str:
    user = g.get("console_user") or current_user()
    return user["username"]


# --- The call screen: suggestions while the caller talks ------------------------------------------------------
call_bp = console_blueprint("call_console", __name__, "/console/calls", ("agent",), static=True)


@call_bp.route("/")
def call_screen():
    call_id = request.args.get("call_id") or f"c-{uuid.uuid4().hex[:12]}"
    _valid_call_id(call_id)
    return page("conversation/call.html", "热线坐席", (), call_id=call_id, desk=call_routes.desk_html(call_id))


@call_bp.route("/<call_id>/suggest", methods=["POST"])
def call_suggest(call_id: str):
    """The suggestions for the caller's words so far (the page asks again as the text grows)."""
    text = request.form.get("text", "").strip()[-500:]  # the latest words matter most for the answer
    if not text:
        raise ValidationFailed("the caller's words are empty", "text")
    _valid_call_id(call_id)
    return render_template("conversation/_suggestions.html", s=agent_assist.suggest(call_id, text), call_id=call_id)


@call_bp.route("/<call_id>/feedback", methods=["POST"])
def call_feedback(call_id: str):
    """Adopt / reject a suggestion: recorded against the utterance (turn_id) it answered."""
    _valid_call_id(call_id)
    verdict = request.form.get("verdict", "")
    if verdict not in ("adopted", "rejected"):
        raise ValidationFailed("verdict is adopted or rejected", "verdict")
    item_code = request.form.get("item_code", "").strip()
    if not item_code or len(item_code) > 20:
        raise ValidationFailed("item_code is required", "item_code")
    suggestion = {"item_code": item_code, "field": request.form.get("field") or None,
                  "turn_id": (request.form.get("turn_id") or None)}  # fmt: skip
    saved = agent_assist.record_feedback(call_id, suggestion, verdict, None, _me())
    label = "已采纳" if verdict == "adopted" else "已驳回"
    return f'<span class="badge verdict-{verdict}" data-feedback="{saved["feedback_id"]}">{label}</span>'


def _valid_call_id(call_id: str) -> None:
    if not CALL_ID_RE.match(call_id):
        raise ValidationFailed("call_id is 1-64 letters, digits, _ - : .", "call_id")


call_routes.register(call_bp, _valid_call_id)  # identify the caller, case, book / cancel for them, appeal


@call_bp.route("/<call_id>/summary")
def call_summary(call_id: str):
    """After the call: the items discussed (in the order they came up), the intents, and the agent's verdicts."""
    _valid_call_id(call_id)
    turns = agent_assist.transcript(call_id)
    items = list(dict.fromkeys(t["item_code"] for t in turns if t.get("item_code")))
    verdicts = list(mongo()["agent_feedback"].find({"call_id": call_id}, {"_id": 0}).sort("created_at", 1))
    return page("conversation/summary.html", "通话小结", (), call_id=call_id, turns=turns, verdicts=verdicts,
                items=[(code, item_name(code)) for code in items], actions=call_desk.actions(call_id))  # fmt: skip
