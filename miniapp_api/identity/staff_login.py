"""Staff sign-in: normalised names, throttled failures with lock-out, the same cost for unknown names.

Failures are counted per account and per client address (``core.guess_limit``): five wrong passwords
for one account, or twenty from one address, within STAFF_LOGIN_WINDOW_SECONDS lock further attempts
(a right password too) until the window ends, with 429 ``login_locked``; the moment a lock-out begins
is written to the audit log. An unknown or disabled account is checked against a dummy hash of the
same kind, so the answer takes as long as for a real account and says the same thing.
"""

from __future__ import annotations

import functools
import secrets

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from miniapp_api.core.audit import audit
from miniapp_api.core.errors import TooManyRequests, Unauthorized
from miniapp_api.core.guess_limit import decide
from miniapp_api.core.stores import mongo, rkey
from miniapp_api.identity.passwords import PolicyError, normalise_password, normalise_username
from miniapp_api.identity.staff import issue_token


class LoginLocked(TooManyRequests):
    code = "login_locked"

    def __init__(self, retry_after: int):
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(f"too many failed sign-ins: try again in {minutes} minute(s)", "username",
                         retry_after=retry_after)  # fmt: skip


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Same algorithm and cost as real hashes (werkzeug's default), of a password nobody knows.
    return generate_password_hash(secrets.token_urlsafe(24))


def _counters(username: str | None, client_ip: str | None) -> tuple[list[str], list[int]]:
    cfg = current_app.config
    keys = [rkey("staff", "login_failures", "account", username or "(invalid name)"),
            rkey("staff", "login_failures", "ip", client_ip or "unknown")]  # fmt: skip
    return keys, [int(cfg["STAFF_LOGIN_MAX_FAILURES"]), int(cfg["STAFF_LOGIN_MAX_FAILURES_PER_IP"])]


def login(username: str, password: str, client_ip: str | None = None) -> dict:
    """A bearer token for the right name and password of an active account; else 401 or 429."""
    try:
        name: str | None = normalise_username(username)
    except PolicyError:
        name = None  # no such account can exist; still costs a hash check below
    keys, limits = _counters(name, client_ip)
    window = int(current_app.config["STAFF_LOGIN_WINDOW_SECONDS"])
    wait, _ = decide(keys, limits, window, failed=False)
    if wait:
        raise LoginLocked(wait)
    user = mongo()["staff"].find_one({"username": name}) if name else None
    stored = user["password_hash"] if user else _dummy_hash()
    ok = check_password_hash(stored, normalise_password(password)) and user is not None and user.get("active", True)
    if not ok:
        wait, locked_now = decide(keys, limits, window, failed=True)
        if locked_now:
            audit(mongo(), name or "(invalid name)", "login_locked", name, {"ip": client_ip or "unknown"})
            current_app.logger.warning("staff sign-in locked after repeated failures (account or address)")
        raise Unauthorized("wrong username or password", "password")
    token, ttl = issue_token(name)
    return {"token": token, "role": user["role"], "expires_in": ttl}
