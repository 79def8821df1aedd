"""Appeals (投诉/诉求登记): filed by the bot, the hotline or the mini-program, looked up by the resident."""

from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint

from miniapp_api.appeals import service as appeals
from miniapp_api.appeals.schemas import AppealCreateSchema, AppealLookupArgs, AppealSchema
from miniapp_api.core.errors import Unauthorized
from miniapp_api.core.rate_limit import limit_address_and_session, rate_limit
from miniapp_api.core.schemas import ErrorResponseSchema, StaffListArgs
from miniapp_api.identity.resident_auth import current_resident
from miniapp_api.identity.staff import require_role

blp = Blueprint("appeals", __name__, url_prefix="/api/v1", description="Appeals (诉求)")


def _light_rate_limit(scope: str, session_id: str | None) -> None:
    cfg = current_app.config
    limit_address_and_session(scope, session_id, cfg["APPEALS_PER_IP_PER_MINUTE"],
                              cfg["APPEALS_PER_SESSION_PER_MINUTE"])


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
