"""Chat with the service bot (mini-program and web): POST /api/v1/chat."""

from __future__ import annotations

import secrets

from flask import current_app, request
from flask_smorest import Blueprint

from miniapp_api.conversation.chat import chat_turn
from miniapp_api.conversation.schemas import ChatRequestSchema, ChatResponseSchema
from miniapp_api.core.errors import Unauthorized
from miniapp_api.core.rate_limit import rate_limit
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.identity.resident_auth import current_resident

blp = Blueprint("chat", __name__, url_prefix="/api/v1", description="Chat with the service bot (智能客服)")


def _signed_in_resident() -> dict | None:
    """The resident named by this request's own bearer token, if valid; chat works anonymously too."""
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return None
    try:
        return current_resident()
    except Unauthorized:
        return None


@blp.route("/chat", methods=["POST"])
@blp.arguments(ChatRequestSchema())
@blp.response(200, ChatResponseSchema)
@blp.alt_response(400, schema=ErrorResponseSchema)
@blp.alt_response(429, schema=ErrorResponseSchema, description="too many turns a minute (per IP, per session)")
@blp.doc(security=[{"bearer": []}, {}])
def chat(body: dict):
    """One turn: the bot's replies plus intent, item and status; answers from the KB when the bot is down.

    Without ``session_id`` the server starts a conversation and returns its id; send it with the next turns.
    A session id is only a name inside the caller's own space: the same id used without the resident's
    bearer token reaches a different, empty conversation. With a resident bearer token the bot can book and
    look up on the resident's behalf — for that turn only.
    """
    cfg = current_app.config  # each turn costs a Rasa round trip and a KB search: keep scripts from flooding it
    resident = _signed_in_resident()
    session_id = body.get("session_id") or f"s-{secrets.token_urlsafe(18)}"
    owner = resident["resident_id"] if resident else f"ip:{request.remote_addr}"  # one person's limit, not a victim's
    rate_limit("chat", f"ip:{request.remote_addr}", cfg["CHAT_PER_IP_PER_MINUTE"])
    rate_limit("chat", f"session:{owner}:{session_id}", cfg["CHAT_PER_SESSION_PER_MINUTE"], field="session_id")
    turn = chat_turn(session_id, body["text"].strip(), resident, channel="api", client_ip=request.remote_addr)
    return {"session_id": session_id, **turn}
