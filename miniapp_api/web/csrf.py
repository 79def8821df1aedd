"""CSRF protection of every console form: a signed double-submit token.

Every browser gets a random ``gs_csrf`` cookie (HttpOnly, SameSite=Lax) on its first console page;
each form carries ``csrf_token`` = HMAC(SECRET_KEY, cookie), and htmx sends the same value as the
``X-CSRF-Token`` header. A POST whose token does not match its cookie is refused with 403 before
the view runs. Another site can make the browser send the cookie, but cannot read it or the page,
so it cannot produce the token; SameSite=Lax is a second wall. The login form is covered too
(login CSRF), and the cookie is renewed at sign-in so a planted one does not survive it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app, g, request

COOKIE = "gs_csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _sign(seed: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"console-csrf\0" + seed.encode(), hashlib.sha256).hexdigest()


def seed() -> str:
    """This browser's CSRF cookie value (a new one is made, and set by ``set_cookie``, if absent)."""
    if "csrf_seed" not in g:
        existing = request.cookies.get(COOKIE, "")
        g.csrf_seed = existing if 20 <= len(existing) <= 100 else secrets.token_urlsafe(24)
        g.csrf_new = g.csrf_seed != existing
    return g.csrf_seed


def renew() -> None:
    """A fresh seed (at sign-in and sign-out)."""
    g.csrf_seed = secrets.token_urlsafe(24)
    g.csrf_new = True


def token() -> str:
    return _sign(seed())


def valid() -> bool:
    """Does this unsafe request carry the token of its cookie?"""
    cookie = request.cookies.get(COOKIE, "")
    sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    return bool(cookie) and bool(sent) and hmac.compare_digest(sent, _sign(cookie))


def set_cookie(response, secure: bool):  # noqa: ANN001, ANN201 - a Flask response
    if g.get("csrf_new"):
        response.set_cookie(COOKIE, g.csrf_seed, httponly=True, samesite="Lax", secure=secure, path="/console")
    return response
