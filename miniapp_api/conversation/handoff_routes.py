"""Handoffs to a person (转人工): the bot files them with the transcript, agents list and claim them."""

from __future__ import annotations

from flask import current_app, g
from flask_smorest import Blueprint

from miniapp_api.conversation import handoffs
from miniapp_api.conversation.handoff_schemas import (
    AgentReplySchema,
    ConversationArgs,
    ConversationStateSchema,
    HandoffMessageSchema,
)
from miniapp_api.conversation.schemas import HandoffCreateSchema, HandoffSchema
from miniapp_api.core.errors import Unauthorized
from miniapp_api.core.rate_limit import limit_address_and_session
from miniapp_api.core.schemas import ErrorResponseSchema, StaffListArgs
from miniapp_api.identity.chat_identity import bot_turn, caller_conversation
from miniapp_api.identity.resident_auth import current_resident
from miniapp_api.identity.staff import require_role

blp = Blueprint("handoffs", __name__, url_prefix="/api/v1", description="Handoffs to a person (转人工)")


@blp.route("/handoffs", methods=["POST"])
@blp.arguments(HandoffCreateSchema())
@blp.response(201, HandoffSchema)
@blp.alt_response(409, schema=ErrorResponseSchema, description="handoff_open: an anonymous caller cannot update it")
@blp.alt_response(429, schema=ErrorResponseSchema)
def handoff_create(body: dict):
    """Mark a conversation for a person, with its transcript (one open handoff per session)."""
    cfg = current_app.config
    resident_id = _signed_in_resident_id()
    turn = bot_turn()
    trusted = turn is not None or resident_id is not None  # may update its own open handoff
    session = caller_conversation(body["session_id"], resident_id)  # the bot's conversation, bound to its owner
    limit_address_and_session("handoffs", session, cfg["APPEALS_PER_IP_PER_MINUTE"],
                              cfg["APPEALS_PER_SESSION_PER_MINUTE"])
    openid = (turn or {}).get("openid") if (turn or {}).get("channel") == "wechat" else None  # push replies there
    return handoffs.create_handoff(session, body["reason"].strip(), body["transcript"], body["channel"], trusted,
                                   openid=openid)  # fmt: skip


def _signed_in_resident_id() -> str | None:
    try:
        return current_resident()["resident_id"]
    except Unauthorized:
        return None


@blp.route("/staff/handoffs")
@blp.arguments(StaffListArgs(), location="query")
@blp.response(200)
@require_role("agent")
def staff_handoffs(args: dict):
    """Handoffs, newest first (optionally ?status=open)."""
    return {"handoffs": handoffs.list_handoffs(args.get("status"), args["limit"])}


@blp.route("/staff/handoffs/<handoff_id>/claim", methods=["POST"])
@blp.response(200, HandoffSchema)
@blp.alt_response(409, schema=ErrorResponseSchema)
@require_role("agent")
def staff_handoff_claim(handoff_id: str):
    """Take an open handoff (409 when another agent was first)."""
    return handoffs.claim_handoff(handoff_id, g.staff["username"])


@blp.route("/staff/handoffs/<handoff_id>")
@blp.response(200)
@blp.alt_response(404, schema=ErrorResponseSchema)
@require_role("agent")
def staff_handoff_detail(handoff_id: str):
    """One handoff with its transcript, the messages since, and how long the resident waited."""
    return handoffs.get_handoff(handoff_id)


@blp.route("/staff/handoffs/<handoff_id>/reply", methods=["POST"])
@blp.arguments(AgentReplySchema())
@blp.response(201, HandoffMessageSchema)
@blp.alt_response(409, schema=ErrorResponseSchema, description="handoff_not_held: claim it first")
@require_role("agent")
def staff_handoff_reply(body: dict, handoff_id: str):
    """Answer the resident in the same chat session (shown before the next turn's replies; WeChat alike)."""
    return handoffs.agent_reply(handoff_id, g.staff["username"], body["text"].strip())


@blp.route("/staff/handoffs/<handoff_id>/close", methods=["POST"])
@blp.response(200)
@blp.alt_response(409, schema=ErrorResponseSchema, description="handoff_not_held")
@require_role("agent")
def staff_handoff_close(handoff_id: str):
    """End the handoff: the bot answers the conversation again."""
    return handoffs.close_handoff(handoff_id, g.staff["username"])


@blp.route("/chat/handoff")
@blp.arguments(ConversationArgs(), location="query")
@blp.response(200, ConversationStateSchema)
@blp.doc(security=[{"bearer": []}, {}])
def chat_handoff_state(args: dict):
    """The resident's side: whether a person holds the conversation, and the messages exchanged with agents
    (the same session id, and the same bearer token or none, as the chat turns)."""
    session = caller_conversation(args["session_id"], _signed_in_resident_id())
    return handoffs.conversation_state(session)
