"""Staff side of the guides: the edition workflow (draft → review → publish), diff, history, rollback, audit."""

from __future__ import annotations

from flask import current_app, g, request
from flask_smorest import Blueprint

from miniapp_api.catalogue.repo import GuideRepository
from miniapp_api.catalogue.schema import GuideSchema
from miniapp_api.core.errors import ValidationFailed
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.core.stores import mongo
from miniapp_api.guides import editions
from miniapp_api.guides.schemas import NoteSchema, RejectSchema, RollbackSchema
from miniapp_api.identity.staff import require_role

blp = Blueprint("guide_editions", __name__, url_prefix="/api/v1/staff", description="Guide editions (staff)")


@blp.route("/guides/<code>/draft", methods=["GET"])
@blp.response(200)
@require_role("editor")
def draft_get(code: str):
    """The guide's workflow state and current draft (if any)."""
    return editions.status_of(code.upper())


@blp.route("/guides/<code>/draft", methods=["PUT"])
@blp.doc(requestBody={"content": {"application/json": {"schema": GuideSchema}}})
@blp.response(200)
@blp.alt_response(400, schema=ErrorResponseSchema)
@require_role("editor")
def draft_put(code: str):
    """Save a full guide as the draft; a rejected edit changes nothing."""
    payload = request.get_json(silent=True)
    if payload is None:
        raise ValidationFailed("the body must be a JSON guide object", None, code="malformed_json")
    return editions.save_draft(code.upper(), payload, g.staff["username"], current_app.config["GUIDES_DIR"])


@blp.route("/guides/<code>/submit", methods=["POST"])
@blp.response(200)
@require_role("editor")
def draft_submit(code: str):
    """Submit the draft for review."""
    return editions.submit(code.upper(), g.staff["username"])


@blp.route("/guides/<code>/reject", methods=["POST"])
@blp.arguments(RejectSchema())
@blp.response(200)
@blp.alt_response(400, schema=ErrorResponseSchema, description="no comment")
@blp.alt_response(409, schema=ErrorResponseSchema, description="the draft is not in review")
@require_role("publisher")
def draft_reject(body: dict, code: str):
    """Send the draft in review back to its editors with a comment (required)."""
    return editions.reject(code.upper(), g.staff["username"], body["comment"])


@blp.route("/guides/<code>/publish", methods=["POST"])
@blp.arguments(NoteSchema())
@blp.response(200)
@blp.alt_response(403, schema=ErrorResponseSchema, description="four eyes: you edited this draft")
@require_role("publisher")
def draft_publish(body: dict, code: str):
    """Publish the reviewed draft as a new edition (not by anyone who edited it: four eyes); the
    knowledge base follows at once."""
    return editions.publish(code.upper(), g.staff["username"], body["note"])


@blp.route("/guides/<code>/diff")
@blp.response(200)
@require_role("editor")
def draft_diff(code: str):
    """Field-by-field difference between the draft and the published edition."""
    return editions.diff(code.upper())


@blp.route("/guides/<code>/history")
@blp.response(200)
@require_role("editor")
def guide_history(code: str):
    """Published editions, oldest first."""
    return {"code": code.upper(), "editions": GuideRepository(mongo()).history(code.upper())}


@blp.route("/guides/<code>/rollback", methods=["POST"])
@blp.arguments(RollbackSchema())
@blp.response(200)
@require_role("publisher")
def guide_rollback(body: dict, code: str):
    """Publish an earlier edition again as a new edition."""
    return editions.rollback(code.upper(), body["edition"], g.staff["username"], body["note"])


@blp.route("/audit")
@blp.response(200)
@require_role("admin", "publisher")
def audit_log():
    """Who changed what, newest first (optionally ?code=)."""
    return {"entries": GuideRepository(mongo()).audit_entries(request.args.get("code"))}
