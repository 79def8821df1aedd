"""Console sessions: the staff bearer token of ``identity`` in an HttpOnly cookie, plus an idle timer.

Why the identity token: signing out, disabling an account or changing its role must end a session at
once on every worker, and ``identity.staff`` already keeps tokens (hashed) in Redis with revocation
(``update_staff`` → ``revoke_all``) and checks the account's ``active`` flag and role on every request.
What the console adds is the idle timeout: ``{prefix}web:idle:<sha256(token)>`` exists while the
session is in use, with TTL = WEB_IDLE_MINUTES, renewed by every request (GETEX: one round trip).
The token's own TTL (STAFF_TOKEN_TTL) is the absolute lifetime.
"""

from __future__ import annotations

import hashlib

from flask import current_app

from miniapp_api.core.errors import Unauthorized
from miniapp_api.core.stores import rds, rkey
from miniapp_api.identity.staff import logout, staff_for_token

COOKIE = "gs_console"


def _idle_key(token: str) -> str:
    return rkey("web", "idle", hashlib.sha256(token.encode()).hexdigest())


def idle_seconds() -> int:
    return max(60, int(current_app.config["WEB_IDLE_MINUTES"]) * 60)


def start(token: str) -> None:
    """Begin the idle clock of a token just issued by sign-in."""
    rds().set(_idle_key(token), "1", ex=idle_seconds())


def load(token: str | None, renew: bool = True) -> dict | None:
    """The live account ``{username, role, departments}`` behind cookie ``token`` (its idle clock
    restarted unless ``renew`` is False), or None when unknown, idle too long, revoked, expired or
    disabled. Refreshes the page makes by itself (live updates, the dashboard's timer) do not renew:
    an open page nobody looks at still times out."""
    if not token or len(token) > 100:
        return None
    key = _idle_key(token)
    alive = rds().getex(key, ex=idle_seconds()) if renew else rds().exists(key)
    if not alive:
        logout(token)  # idle too long: the token ends too, so the cookie cannot be revived
        return None
    try:
        return staff_for_token(token)
    except Unauthorized:
        rds().delete(_idle_key(token))
        return None


def end(token: str | None) -> None:
    if token and len(token) <= 100:
        logout(token)
        rds().delete(_idle_key(token))
