"""Staff accounts: sign-in for a bearer token, sign-out, accounts created and changed by an admin (audited)."""

from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint

from miniapp_api.core.audit import audit
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.core.stores import mongo
from miniapp_api.identity.schemas import LoginSchema, StaffCreateSchema, StaffUpdateSchema, TokenSchema
from miniapp_api.identity.staff import (
    account_name,
    bearer_token,
    create_staff,
    current_staff,
    logout,
    require_role,
    revoke_all,
)
from miniapp_api.identity.staff import update_staff as change_staff
from miniapp_api.identity.staff_login import login

blp = Blueprint("staff", __name__, url_prefix="/api/v1/staff", description="Staff accounts")


@blp.route("/login", methods=["POST"])
@blp.arguments(LoginSchema())
@blp.response(200, TokenSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.alt_response(429, schema=ErrorResponseSchema, description="locked after repeated failures (account or address)")
def staff_login(body: dict):
    """Exchange username and password for a bearer token."""
    return login(body["username"], body["password"], request.remote_addr)


@blp.route("/logout", methods=["POST"])
@blp.response(204)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
def staff_logout():
    """Sign out: the token used for this request stops working at once."""
    current_staff()  # 401 for a token that is not live
    logout(bearer_token())


@blp.route("/users", methods=["POST"])
@blp.arguments(StaffCreateSchema())
@blp.response(201)
@blp.alt_response(400, schema=ErrorResponseSchema)
@blp.alt_response(409, schema=ErrorResponseSchema)
@require_role("admin")
def staff_create(body: dict):
    """Create a staff account (admin only). The name is normalised; the password must pass the policy."""
    user = create_staff(mongo(), body["username"], body["password"], body["role"], body.get("departments"))
    audit(mongo(), g.staff["username"], "create_staff", user["username"], user)
    return user


@blp.route("/users/<username>", methods=["PATCH"])
@blp.arguments(StaffUpdateSchema())
@blp.response(200)
@blp.alt_response(404, schema=ErrorResponseSchema)
@require_role("admin")
def staff_update(body: dict, username: str):
    """Disable or enable an account, change its role or departments (admin only); disabling it or changing
    its role ends all its tokens."""
    user = change_staff(username, **body)
    audit(mongo(), g.staff["username"], "update_staff", user["username"], body)
    return user


@blp.route("/users/<username>/revoke", methods=["POST"])
@blp.response(200)
@require_role("admin")
def staff_revoke(username: str):
    """End every token of an account (admin only), e.g. after a device was lost."""
    revoked = revoke_all(account_name(username))
    audit(mongo(), g.staff["username"], "revoke_tokens", username, {"tokens": revoked})
    return {"username": username, "revoked": revoked}

