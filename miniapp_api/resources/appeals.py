"""Appeals (投诉/诉求登记) and handoffs to a person (转人工); the bot's actions call the POSTs."""

from __future__ import annotations

from flask import current_app, g, request
from flask_smorest import Blueprint

from miniapp_api.errors import Unauthorized
from miniapp_api.schemas.api import ErrorResponseSchema
from miniapp_api.schemas.appeals import (
    AppealCreateSchema,
    AppealLookupArgs,
    AppealSchema,
    HandoffCreateSchema,
    HandoffSchema,
    StaffListArgs,
)
from miniapp_api.services import appeals, handoffs
from miniapp_api.services.rate_limit import rate_limit
from miniapp_api.services.resident_auth import current_resident
from miniapp_api.services.staff import require_role

blp = Blueprint("appeals", __name__, url_prefix="/api/v1", description="Appeals and handoffs (诉求·转人工)")


def _light_rate_limit(scope: str, session_id: str | None) -> None:
    cfg = current_app.config
    rate_limit(scope, f"ip:{request.remote_addr}", cfg["APPEALS_PER_IP_PER_MINUTE"])
    if session_id:
        rate_limit(scope, f"session:{session_id}", cfg["APPEALS_PER_SESSION_PER_MINUTE"])


def _resident_id() -> str | None:
    """Link the appeal to the resident when the bot forwards a valid session; anonymous otherwise."""
    try:
        return current_resident()["resident_id"]
    except Unauthorized:
        return None


@blp.route("/appeals", methods=["POST"])
@blp.arguments(AppealCreateSchema())
@blp.response(201, AppealSchema)
@blp.alt_response(429, schema=ErrorResponseSchema)
def appeal_create(body: dict):
    """File an appeal; the answer carries the number the resident can quote (TS + date + sequence)."""
    _light_rate_limit("appeals", body["session_id"])
    return appeals.create_appeal(body["what"].strip(), body["where"].strip(), body["contact"].strip(),
                                 body["session_id"], _resident_id())  # fmt: skip


@blp.route("/appeals/<appeal_no>")
@blp.arguments(AppealLookupArgs(), location="query")
@blp.response(200, AppealSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
def appeal_get(args: dict, appeal_no: str):
    """Status of an appeal, given the last 4 digits of the contact number left with it."""
    rate_limit("appeal_lookup", f"ip:{request.remote_addr}", 30)
    return appeals.lookup_appeal(appeal_no, args["contact_last4"])


@blp.route("/staff/appeals")
@blp.arguments(StaffListArgs(), location="query")
@blp.response(200)
@require_role("agent")
def staff_appeals(args: dict):
    """Appeals, newest first (optionally ?status=received), with the contact to call back."""
    return {"appeals": appeals.list_appeals(args.get("status"), args["limit"])}


@blp.route("/handoffs", methods=["POST"])
@blp.arguments(HandoffCreateSchema())
@blp.response(201, HandoffSchema)
@blp.alt_response(429, schema=ErrorResponseSchema)
def handoff_create(body: dict):
    """Mark a conversation for a person, with its transcript (one open handoff per session)."""
    _light_rate_limit("handoffs", body["session_id"])
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
