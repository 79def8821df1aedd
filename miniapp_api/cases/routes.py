"""Case progress (办件进度) for residents: my cases, and lookup by case number + second factor."""

from __future__ import annotations

from flask import current_app, g, request
from flask_smorest import Blueprint

from miniapp_api.booking.schemas import DeliverySchema
from miniapp_api.cases import shipping
from miniapp_api.cases.lookup import lookup_json
from miniapp_api.cases.schemas import CaseListSchema, CaseViewSchema, LookupArgs
from miniapp_api.cases.service import case_view, cases_of_resident
from miniapp_api.core import direct_args
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.identity.chat_identity import requester
from miniapp_api.identity.resident_auth import current_resident, require_resident

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
@direct_args.arguments(blp, LookupArgs(), location="query")  # blp.arguments without webargs on the hot path
@blp.response(200, CaseViewSchema)
@blp.alt_response(404, schema=ErrorResponseSchema, description="unknown case or wrong factor (not told apart)")
@blp.alt_response(429, schema=ErrorResponseSchema, description="too many failed lookups; see Retry-After")
@blp.doc(security=[{"bearer": []}, {}])
def case_lookup(args: dict):
    """Look up a case by number plus the last 4 of the applicant's ID number or phone (rate-limited per case,
    address, chat session and resident). The signed-in applicant may leave the factor out."""
    resident_id = None
    if request.headers.get("Authorization", "").startswith("Bearer "):
        resident_id = current_resident()["resident_id"]  # a bad token is 401, not an anonymous lookup
    who = requester(resident_id)  # a bot call: the chat user's session and address, not the action server's
    body = lookup_json(args["case_no"], args.get("factor"), who)  # 429s carry Retry-After
    return current_app.response_class(body, mimetype="application/json")  # already dumped and cached


@blp.route("/<case_no>/delivery", methods=["PUT"])
@require_resident
@blp.arguments(DeliverySchema())
@blp.response(200, CaseViewSchema)
@blp.alt_response(400, schema=ErrorResponseSchema, description="post without recipient, phone or address")
@blp.alt_response(404, schema=ErrorResponseSchema, description="not the resident's case")
@blp.alt_response(409, schema=ErrorResponseSchema, description="already sent")
@blp.doc(security=[{"bearer": []}])
def case_delivery_choice(body: dict, case_no: str):
    """The applicant chooses 窗口领取 (pickup) or 邮寄 (post, EMS) with an address, until it is sent."""
    case = shipping.choose(case_no, g.resident["resident_id"], body)
    return case_view(case, own=True)
