"""The logged-in resident's own profile (实名信息)."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.identity.resident_auth import require_resident
from miniapp_api.identity.residents import profile, update_profile
from miniapp_api.identity.schemas import ProfileSchema, ProfileUpdateSchema

blp = Blueprint("residents", __name__, url_prefix="/api/v1", description="Resident profile")


@blp.route("/me", methods=["GET"])
@blp.response(200, ProfileSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_resident
def me_get():
    """My profile; the ID number and phone only ever masked."""
    return profile(g.resident["resident_id"])


@blp.route("/me", methods=["PUT"])
@blp.arguments(ProfileUpdateSchema())
@blp.response(200, ProfileSchema)
@blp.alt_response(400, schema=ErrorResponseSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_resident
def me_put(body: dict):
    """Add real-name details: name, ID number (checksum-validated), mainland mobile number."""
    return update_profile(g.resident["resident_id"], body)
