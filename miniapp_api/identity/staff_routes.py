"""Staff accounts: sign-in for a bearer token, accounts created by an admin (each action audited)."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from miniapp_api.catalogue.repo import GuideRepository
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.core.stores import mongo
from miniapp_api.identity.schemas import LoginSchema, StaffCreateSchema, TokenSchema
from miniapp_api.identity.staff import create_staff, login, require_role

blp = Blueprint("staff", __name__, url_prefix="/api/v1/staff", description="Staff accounts")


@blp.route("/login", methods=["POST"])
@blp.arguments(LoginSchema())
@blp.response(200, TokenSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
def staff_login(body: dict):
    """Exchange username and password for a bearer token."""
    return login(body["username"], body["password"])


@blp.route("/users", methods=["POST"])
@blp.arguments(StaffCreateSchema())
@blp.response(201)
@require_role("admin")
def staff_create(body: dict):
    """Create a staff account (admin only)."""
    user = create_staff(mongo(), body["username"], body["password"], body["role"])
    GuideRepository(mongo()).audit(g.staff["username"], "create_staff", None, user)
    return user
