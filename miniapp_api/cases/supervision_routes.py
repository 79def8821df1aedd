"""Supervision (效能督查) of case deadlines for staff."""

from __future__ import annotations

from flask_smorest import Blueprint

from miniapp_api.cases.schemas import SupervisionArgs, SupervisionSchema
from miniapp_api.cases.supervision import supervision_summary
from miniapp_api.identity.staff import require_role

blp = Blueprint("supervision", __name__, url_prefix="/api/v1/staff", description="Case supervision (效能督查)")


@blp.route("/supervision")
@require_role("admin", "backoffice")
@blp.arguments(SupervisionArgs(), location="query")
@blp.response(200, SupervisionSchema)
@blp.doc(security=[{"bearer": []}])
def supervision(args: dict):
    """Open cases by department and lamp (green/yellow/red; none = not accepted yet), and the overdue list."""
    return supervision_summary(args.get("department"))
