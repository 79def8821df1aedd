"""Case progress (办件进度) for residents: my cases, and lookup by case number + second factor."""

from __future__ import annotations

from flask import current_app, g, request
from flask_smorest import Blueprint

from miniapp_api.cases.lookup import lookup_json
from miniapp_api.cases.schemas import CaseListSchema, CaseViewSchema, LookupArgs
from miniapp_api.cases.service import cases_of_resident
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.identity.resident_auth import require_resident

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases", description="Case progress (办件进度)")


@blp.route("")
@require_resident
@blp.response(200, CaseListSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
def my_cases():
    """The logged-in resident's cases, newest first, each with its deadline and lamp."""
    return {"cases": cases_of_resident(g.resident["resident_id"])}


@blp.route("/lookup")
@blp.arguments(LookupArgs(), location="query")
@blp.response(200, CaseViewSchema)
@blp.alt_response(404, schema=ErrorResponseSchema, description="unknown case or wrong factor (not told apart)")
@blp.alt_response(429, schema=ErrorResponseSchema, description="too many failed lookups; see Retry-After")
def case_lookup(args: dict):
    """Look up a case by number plus the last 4 of the applicant's ID number or phone (rate-limited)."""
    body = lookup_json(args["case_no"], args["factor"], request.remote_addr or "")  # 429s carry Retry-After
    return current_app.response_class(body, mimetype="application/json")  # already dumped and cached
