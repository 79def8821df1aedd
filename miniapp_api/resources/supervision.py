"""Supervision (效能督查) of case deadlines for staff."""

from __future__ import annotations

from flask_smorest import Blueprint

from miniapp_api.schemas.cases import SupervisionArgs, SupervisionSchema
from miniapp_api.services.case_demo import ensure_demo_cases
from miniapp_api.services.staff import require_role
from miniapp_api.services.supervision import supervision_summary

blp = Blueprint("supervision", __name__, url_prefix="/api/v1/staff", description="Case supervision (效能督查)")
blp.before_request(ensure_demo_cases)


@blp.route("/supervision")
@require_role("admin", "backoffice")
@blp.arguments(SupervisionArgs(), location="query")
@blp.response(200, SupervisionSchema)
@blp.doc(security=[{"bearer": []}])
def supervision(args: dict):
    """Open cases by department and lamp (green/yellow/red; none = not accepted yet), and the overdue list."""
    return supervision_summary(args.get("department"))
