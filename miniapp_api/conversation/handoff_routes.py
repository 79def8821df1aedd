"""Handoffs to a person (转人工): the bot files them with the transcript, agents list and claim them."""

from __future__ import annotations

from flask import current_app, g
from flask_smorest import Blueprint

from miniapp_api.conversation import handoffs
from miniapp_api.conversation.schemas import HandoffCreateSchema, HandoffSchema
from miniapp_api.core.rate_limit import limit_address_and_session
from miniapp_api.core.schemas import ErrorResponseSchema, StaffListArgs
from miniapp_api.identity.staff import require_role

blp = Blueprint("handoffs", __name__, url_prefix="/api/v1", description="Handoffs to a person (转人工)")


@blp.route("/handoffs", methods=["POST"])
@blp.arguments(HandoffCreateSchema())
@blp.response(201, HandoffSchema)
@blp.alt_response(429, schema=ErrorResponseSchema)
def handoff_create(body: dict):
    """Mark a conversation for a person, with its transcript (one open handoff per session)."""
    cfg = current_app.config
    limit_address_and_session("handoffs", body["session_id"], cfg["APPEALS_PER_IP_PER_MINUTE"],
                              cfg["APPEALS_PER_SESSION_PER_MINUTE"])
    return handoffs.create_handoff(body["session_id"], body["reason"].strip(), body["transcript"], body["channel"])


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
