"""Appeals (诉求) for residents: filed by the bot, the hotline or the mini-program; followed and rated."""

from __future__ import annotations

from flask import current_app, g, request
from flask_smorest import Blueprint

from miniapp_api.appeals import service as appeals
from miniapp_api.appeals.delivery import messages_of
from miniapp_api.appeals.directory import appeal_types
from miniapp_api.appeals.lookup import guarded_lookup, lookup_view
from miniapp_api.appeals.schemas import AppealCreateSchema, AppealLookupArgs, AppealRatingSchema, AppealSchema
from miniapp_api.core.clock import local_today
from miniapp_api.core.errors import Unauthorized
from miniapp_api.core.rate_limit import limit_address_and_session, rate_limit
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.identity.chat_identity import caller_conversation, requester
from miniapp_api.identity.resident_auth import current_resident, require_resident
from miniapp_api.identity.staff import current_staff

blp = Blueprint("appeals", __name__, url_prefix="/api/v1", description="Appeals (诉求)")
LOOKUPS_PER_MINUTE = 30  # number + 4 digits: slow enough that guessing the digits takes days


def _light_rate_limit(scope: str, session_id: str | None) -> None:
    cfg = current_app.config
    limit_address_and_session(scope, session_id, cfg["APPEALS_PER_IP_PER_MINUTE"],
                              cfg["APPEALS_PER_SESSION_PER_MINUTE"])  # fmt: skip


def _resident_id() -> str | None:
    """Link the appeal to the resident when the bot forwards a valid session; anonymous otherwise."""
    try:
        return current_resident()["resident_id"]
    except Unauthorized:
        return None


def _hotline_agent(channel: str) -> str | None:
    """An appeal a hotline agent files for a caller records the agent (their staff token)."""
    if channel != "hotline":
        return None
    try:
        staff = current_staff()
    except Unauthorized:
        raise Unauthorized("hotline appeals are filed by a signed-in agent", "Authorization") from None
    return staff["username"]


@blp.route("/appeals/types")
@blp.response(200)
def appeal_type_list():
    """The appeal types and their reply limits in working days (咨询 3, 求助 5, 投诉 10, 建议 15)."""
    return {"types": [{**t.public(), "words": list(t.words)} for t in appeal_types()]}


@blp.route("/appeals", methods=["POST"])
@blp.arguments(AppealCreateSchema())
@blp.response(201, AppealSchema)
@blp.alt_response(429, schema=ErrorResponseSchema)
def appeal_create(body: dict):
    """File an appeal; the answer carries the number to quote (TS + date + sequence) and the deadline."""
    resident_id = _resident_id()
    session = caller_conversation(body["session_id"], resident_id)  # the bot's conversation, bound to its owner
    _light_rate_limit("appeals", session)
    by = _hotline_agent(body["channel"])
    doc = appeals.create_appeal(body["what"].strip(), body["where"].strip(), body["contact"].strip(),
                                session, resident_id, channel=body["channel"], kind=body["type"],
                                by=by)  # fmt: skip
    return appeals.filed_view(doc)


@blp.route("/appeals")
@blp.response(200)
@blp.doc(security=[{"bearer": []}])
@require_resident
def my_appeals():
    """The signed-in resident's appeals, newest first, with replies and lamps."""
    return {"appeals": appeals.appeals_of_resident(g.resident["resident_id"])}


@blp.route("/appeals/<appeal_no>")
@blp.arguments(AppealLookupArgs(), location="query")
@blp.response(200, AppealSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
def appeal_get(args: dict, appeal_no: str):
    """An appeal, its reply and timeline, given the last 4 digits of the contact number left with it."""
    rate_limit("appeal_lookup", f"ip:{request.remote_addr}", LOOKUPS_PER_MINUTE)
    who = requester(_resident_id())  # a bot call names its chat user's session and address
    doc = guarded_lookup(appeal_no, args["contact_last4"], who)  # failures per appeal, address, session, resident
    return lookup_view(doc, who, local_today())  # the complaint's text only for its owner


@blp.route("/appeals/<appeal_no>/rating", methods=["POST"])
@blp.arguments(AppealRatingSchema())
@blp.response(200, AppealSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.alt_response(409, schema=ErrorResponseSchema, description="not replied, or the 7 rating days are over")
@blp.doc(security=[{"bearer": []}, {}])
def appeal_rate(body: dict, appeal_no: str):
    """Rate the reply within 7 days: 满意 / 基本满意 close it; 不满意 reopens it once with the comment."""
    resident_id = _resident_id()
    if resident_id is None:  # the digits path can be guessed: the same limits as lookups
        rate_limit("appeal_lookup", f"ip:{request.remote_addr}", LOOKUPS_PER_MINUTE)
        if body["contact_last4"] is not None:
            guarded_lookup(appeal_no, body["contact_last4"], requester(None))
    return appeals.rate(appeal_no, body["rating"], body["comment"].strip(), resident_id, body["contact_last4"])


@blp.route("/appeals/messages/<session_id>")
@blp.response(200)
def session_messages(session_id: str):
    """Replies stored for a chat session (shown before the bot's next answer, and here for its history).

    The session id is the chat's own id, as this caller uses it: a signed-in resident's conversation is not
    reached with the same id and no token.
    """
    rate_limit("appeal_lookup", f"ip:{request.remote_addr}", LOOKUPS_PER_MINUTE)
    return {"messages": messages_of(caller_conversation(session_id, _resident_id()))}
