"""Staff accounts (editor / publisher / admin / agent), hashed passwords and bearer tokens.

Tokens live in Redis with a TTL so every worker accepts a token any worker issued.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app, g, request
from pymongo.database import Database
from werkzeug.security import check_password_hash, generate_password_hash

from miniapp_api.core.errors import Conflict, Forbidden, Unauthorized, ValidationFailed
from miniapp_api.core.stores import mongo, rds, rkey

ROLES = ("editor", "publisher", "admin", "agent", "backoffice")  # backoffice: the approval system (cases)
# What each role may do besides its own name: admins do everything, publishers also edit.
IMPLIES = {"admin": set(ROLES), "publisher": {"publisher", "editor"}, "editor": {"editor"}, "agent": {"agent"},
           "backoffice": {"backoffice"}}


def create_staff(db: Database, username: str, password: str, role: str) -> dict:
    if role not in ROLES:
        raise ValidationFailed(f"role must be one of {', '.join(ROLES)}", "role")
    if len(password) < 8:
        raise ValidationFailed("password needs at least 8 characters", "password")
    if db["staff"].find_one({"username": username}):
        raise Conflict(f"staff account {username!r} exists", "username")
    doc = {"username": username, "password_hash": generate_password_hash(password), "role": role,
           "created_at": datetime.now(UTC), "active": True}  # fmt: skip
    db["staff"].insert_one(doc)
    return {"username": username, "role": role}


def bootstrap_admin(db: Database, spec: str) -> str | None:
    """``user:password`` from BOOTSTRAP_ADMIN creates the first admin if there is no staff yet."""
    if not spec or ":" not in spec or db["staff"].count_documents({}) > 0:
        return None
    username, password = spec.split(":", 1)
    create_staff(db, username, password, "admin")
    return username


def login(username: str, password: str) -> dict:
    user = mongo()["staff"].find_one({"username": username, "active": True})
    if not user or not check_password_hash(user["password_hash"], password):
        raise Unauthorized("wrong username or password", "password")
    token = secrets.token_urlsafe(32)
    ttl = current_app.config["STAFF_TOKEN_TTL"]
    payload = json.dumps({"username": username, "role": user["role"]})
    rds().set(rkey("staff", "token", token), payload, ex=ttl)
    return {"token": token, "role": user["role"], "expires_in": ttl}


def current_staff() -> dict:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthorized("staff token required (Authorization: Bearer ...)", "Authorization")
    raw = rds().get(rkey("staff", "token", header[7:].strip()))
    if raw is None:
        raise Unauthorized("staff token unknown or expired", "Authorization")
    return json.loads(raw)


def require_role(*roles: str) -> Callable:
    """Decorator: the caller must hold a staff token whose role implies one of ``roles``."""

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def inner(*args, **kwargs):
            staff = current_staff()
            if not IMPLIES.get(staff["role"], set()) & set(roles):
                raise Forbidden(f"needs role {' or '.join(roles)}; you are {staff['role']}")
            g.staff = staff
            return view(*args, **kwargs)

        return inner

    return wrap
