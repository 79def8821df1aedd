"""Staff accounts (editor / publisher / admin / agent / …), hashed passwords and bearer tokens.

Tokens live in Redis with a TTL so every worker accepts a token any worker issued. A token names only
its account: the account's ``active`` flag and ``role`` are read from MongoDB on every request, so a
disabled account or a changed role takes effect at once. Each account's tokens are listed in a Redis
set, so signing out ends one token and revocation (disabling, a role change, an admin's revoke) ends
them all. Redis holds only SHA-256 digests of tokens: a copy of Redis signs nobody in.

Key map: ``staff:token:<sha256(token)>`` → account name (TTL = STAFF_TOKEN_TTL);
``staff:tokens:<account>`` → set of those digests (TTL refreshed on each sign-in).
Sign-in itself (throttling, constant time) is in ``staff_login``.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app, g, request
from pymongo.database import Database
from werkzeug.security import generate_password_hash

from miniapp_api.core.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.identity.passwords import PolicyError, check_password, normalise_username, username_skeleton

ROLES = ("editor", "publisher", "admin", "agent", "backoffice", "dispatcher", "department")
# backoffice: the approval system (cases); dispatcher: the 12345 centre (appeals); department: a clerk of the
# departments listed on the account, who handles the appeals dispatched to them
# What each role may do besides its own name: admins do everything, publishers also edit.
IMPLIES = {"admin": set(ROLES), "publisher": {"publisher", "editor"}, "editor": {"editor"}, "agent": {"agent"},
           "backoffice": {"backoffice"}, "dispatcher": {"dispatcher"}, "department": {"department"}}


def _policy(exc: PolicyError) -> ValidationFailed:
    return ValidationFailed(exc.message, exc.field, code=exc.code)


def account_name(raw: str) -> str:
    """The canonical account name, or ValidationFailed (field "username", code invalid_username)."""
    try:
        return normalise_username(raw)
    except PolicyError as exc:
        raise _policy(exc) from None


def create_staff(db: Database, username: str, password: str, role: str, departments: list[str] | None = None) -> dict:
    if role not in ROLES:
        raise ValidationFailed(f"role must be one of {', '.join(ROLES)}", "role")
    departments = sorted({d.strip() for d in departments or [] if d and d.strip()})
    if role == "department" and not departments:
        raise ValidationFailed("a department account needs at least one department", "departments")
    username = account_name(username)
    try:
        password = check_password(password, user_inputs=(username, role))
    except PolicyError as exc:
        raise _policy(exc) from None
    skeleton = username_skeleton(username)
    for other in db["staff"].find({}, {"username": 1}):
        if other["username"] == username:
            raise Conflict(f"staff account {username!r} exists", "username")
        if username_skeleton(other["username"]) == skeleton:  # adm1n beside admin: refused, not just renamed
            raise Conflict(f"{username!r} looks like the existing account {other['username']!r}", "username",
                           code="username_look_alike")  # fmt: skip
    doc = {"username": username, "password_hash": generate_password_hash(password), "role": role,
           "created_at": datetime.now(UTC), "active": True}  # fmt: skip
    if departments:
        doc["departments"] = departments
    db["staff"].insert_one(doc)
    return {"username": username, "role": role, **({"departments": departments} if departments else {})}


def bootstrap_admin(db: Database, spec: str) -> str | None:
    """``user:password`` from BOOTSTRAP_ADMIN creates the first admin if there is no staff yet."""
    if not spec or ":" not in spec or db["staff"].count_documents({}) > 0:
        return None
    username, password = spec.split(":", 1)
    return create_staff(db, username, password, "admin")["username"]


def update_staff(username: str, *, active: bool | None = None, role: str | None = None,
                 departments: list[str] | None = None) -> dict:  # fmt: skip
    """Change an account; disabling it or changing its role ends every token it holds."""
    name = account_name(username)
    changes: dict = {}
    if active is not None:
        changes["active"] = bool(active)
    if role is not None:
        if role not in ROLES:
            raise ValidationFailed(f"role must be one of {', '.join(ROLES)}", "role")
        changes["role"] = role
    if departments is not None:
        changes["departments"] = sorted({d.strip() for d in departments if d and d.strip()})
    if not changes:
        raise ValidationFailed("nothing to change: send active, role or departments", None)
    if changes.get("role") == "department" or "departments" in changes:
        # a department clerk bound to nothing could act on nothing: refused, as at creation
        current = mongo()["staff"].find_one({"username": name}, {"role": 1, "departments": 1}) or {}
        role_after = changes.get("role", current.get("role"))
        if role_after == "department" and not changes.get("departments", current.get("departments")):
            raise ValidationFailed("a department account needs at least one department", "departments")
    before = mongo()["staff"].find_one_and_update({"username": name}, {"$set": changes})
    if before is None:
        raise NotFound(f"no staff account {name!r}", "username")
    if changes.get("active") is False or changes.get("role", before["role"]) != before["role"]:
        revoke_all(name)
    doc = mongo()["staff"].find_one({"username": name}, {"_id": 0, "password_hash": 0})
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in doc.items()}


def department_clerks() -> list[dict]:
    """Accounts with the department role and the departments each is bound to, by name."""
    rows = mongo()["staff"].find({"role": "department"}, {"_id": 0, "username": 1, "departments": 1, "active": 1})
    return [{"username": r["username"], "departments": r.get("departments", []), "active": r.get("active", True)}
            for r in sorted(rows, key=lambda r: r["username"])]  # fmt: skip


def bind_departments(username: str, departments: list[str]) -> tuple[list[str], list[str]]:
    """Bind a department clerk to ``departments`` (names already checked by the caller); returns the
    departments before and after. Takes effect on the clerk's next request (read on every request);
    their tokens stay valid. Only accounts with the department role hold departments."""
    name = account_name(username)
    chosen = sorted({d.strip() for d in departments if d and d.strip()})
    if not chosen:
        raise ValidationFailed("a department account needs at least one department", "departments")
    before = mongo()["staff"].find_one_and_update({"username": name, "role": "department"},
                                                  {"$set": {"departments": chosen}})  # fmt: skip
    if before is None:
        if mongo()["staff"].find_one({"username": name}, {"_id": 1}) is None:
            raise NotFound(f"no staff account {name!r}", "username")
        raise ValidationFailed(f"{name!r} is no department account (role department)", "username",
                               code="not_a_department_account")  # fmt: skip
    return before.get("departments", []), chosen


# -- tokens ---------------------------------------------------------------------------------------------
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(username: str) -> tuple[str, int]:
    """A new bearer token for ``username`` (already authenticated) and its lifetime in seconds."""
    token = secrets.token_urlsafe(32)
    ttl = int(current_app.config["STAFF_TOKEN_TTL"])
    digest = _digest(token)
    pipe = rds().pipeline(transaction=True)
    pipe.set(rkey("staff", "token", digest), username, ex=ttl)
    pipe.sadd(rkey("staff", "tokens", username), digest)
    pipe.expire(rkey("staff", "tokens", username), ttl)
    pipe.execute()
    return token, ttl


def logout(token: str) -> bool:
    """End one token (sign-out); False if it was not live."""
    digest = _digest(token)
    key = rkey("staff", "token", digest)
    username = rds().get(key)
    if username is None:
        return False
    pipe = rds().pipeline(transaction=True)
    pipe.delete(key)
    pipe.srem(rkey("staff", "tokens", username), digest)
    pipe.execute()
    return True


def revoke_all(username: str) -> int:
    """End every token of ``username``; returns how many were live."""
    set_key = rkey("staff", "tokens", username)
    digests = rds().smembers(set_key)
    pipe = rds().pipeline(transaction=True)
    for digest in digests:
        pipe.delete(rkey("staff", "token", digest))
    pipe.delete(set_key)
    results = pipe.execute()
    return sum(int(n) for n in results[:-1])


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not header[7:].strip():
        raise Unauthorized("staff token required (Authorization: Bearer ...)", "Authorization")
    return header[7:].strip()


def staff_for_token(token: str) -> dict:
    """The live account behind ``token``: {"username", "role", "departments"}, or Unauthorized."""
    username = rds().get(rkey("staff", "token", _digest(token)))
    if username is None:
        raise Unauthorized("staff token unknown or expired", "Authorization")
    doc = mongo()["staff"].find_one({"username": username}, {"role": 1, "active": 1, "departments": 1})
    if doc is None or not doc.get("active", True):
        raise Unauthorized("this staff account is disabled", "Authorization", code="account_disabled")
    return {"username": username, "role": doc["role"], "departments": doc.get("departments", [])}


def current_staff() -> dict:
    return staff_for_token(bearer_token())


def require_role(*roles: str) -> Callable:
    """Decorator: the caller must hold a staff token whose account is active and whose role implies one of
    ``roles`` (both read at each request)."""

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
