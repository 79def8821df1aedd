"""Chat with the service bot (mini-program and web): POST /api/v1/chat."""

from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint

from miniapp_api.conversation.chat import chat_turn
from miniapp_api.conversation.schemas import ChatRequestSchema, ChatResponseSchema
from miniapp_api.core.errors import Unauthorized
from miniapp_api.core.rate_limit import rate_limit
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.identity.resident_auth import current_resident

blp = Blueprint("chat", __name__, url_prefix="/api/v1", description="Chat with the service bot (智能客服)")


def _resident_token() -> str | None:
    """The caller's resident token if it is valid; chat works anonymously too (no booking then)."""
    try:
        current_resident()
    except Unauthorized:
        return None
    return request.headers["Authorization"][7:].strip()


@blp.route("/chat", methods=["POST"])
@blp.arguments(ChatRequestSchema())
@blp.response(200, ChatResponseSchema)
@blp.alt_response(400, schema=ErrorResponseSchema)
@blp.alt_response(429, schema=ErrorResponseSchema, description="too many turns a minute (per IP, per session)")
@blp.doc(security=[{"bearer": []}, {}])
def chat(body: dict):
    """One turn: the bot's replies plus intent, item and status; answers from the KB when the bot is down.

    With a resident bearer token the bot can book and look up on the resident's behalf.
    """
    cfg = current_app.config  # each turn costs a Rasa round trip and a KB search: keep scripts from flooding it
    rate_limit("chat", f"ip:{request.remote_addr}", cfg["CHAT_PER_IP_PER_MINUTE"])
    rate_limit("chat", f"session:{body['session_id']}", cfg["CHAT_PER_SESSION_PER_MINUTE"], field="session_id")
    turn = chat_turn(body["session_id"], body["text"].strip(), _resident_token(), channel="api")
    return {"session_id": body["session_id"], **turn}
