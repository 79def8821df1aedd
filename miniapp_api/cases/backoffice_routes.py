"""Back office of the approval system (审批系统): create cases and report their status changes.

Callers need a staff token with role admin or backoffice (a service account for the approval system).
"""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from miniapp_api.cases.schemas import CaseCreateSchema, CaseEventSchema, CaseViewSchema, DeliveryEventSchema
from miniapp_api.cases.service import add_event, case_view, create_case, get_case
from miniapp_api.cases.shipping import set_delivery_status
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.identity.staff import require_role

blp = Blueprint("backoffice", __name__, url_prefix="/api/v1/backoffice", description="Approval system back office")
ROLES = ("admin", "backoffice")


@blp.route("/cases", methods=["POST"])
@require_role(*ROLES)
@blp.arguments(CaseCreateSchema())
@blp.response(201, CaseViewSchema)
@blp.alt_response(400, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
def case_create(body: dict):
    """Register a new case (status submitted); the ID number is validated and stored only hashed/masked."""
    return case_view(create_case(body, g.staff["username"], body.get("at")), staff=True)


@blp.route("/cases/<case_no>")
@require_role(*ROLES)
@blp.response(200, CaseViewSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
def case_get(case_no: str):
    """A case as the back office sees it (who recorded each event, masked applicant)."""
    return case_view(get_case(case_no), staff=True)


@blp.route("/cases/<case_no>/events", methods=["POST"])
@require_role(*ROLES)
@blp.arguments(CaseEventSchema())
@blp.response(200, CaseViewSchema)
@blp.alt_response(409, schema=ErrorResponseSchema, description="illegal transition or concurrent update")
@blp.doc(security=[{"bearer": []}])
def case_event(body: dict, case_no: str):
    """Report a status change; only transitions allowed by the rules table are accepted."""
    case = add_event(case_no, body["status"], body["note"], g.staff["username"], body.get("at"))
    return case_view(case, staff=True)


@blp.route("/cases/<case_no>/delivery", methods=["POST"])
@require_role(*ROLES)
@blp.arguments(DeliveryEventSchema())
@blp.response(200, CaseViewSchema)
@blp.alt_response(400, schema=ErrorResponseSchema, description="tracking_no missing or malformed")
@blp.alt_response(409, schema=ErrorResponseSchema, description="not posted, not completed, or illegal transition")
@blp.doc(security=[{"bearer": []}])
def case_delivery(body: dict, case_no: str):
    """Post the result (sent, with the EMS tracking number: the case becomes 证照已邮寄 and the resident is
    notified) or record it received (delivered). Audited."""
    case = set_delivery_status(case_no, body["status"], body.get("tracking_no"), body["note"], g.staff["username"])
    return case_view(case, staff=True)
