"""The JSON API opens no Flask cookie session.

Residents and staff send bearer tokens and the consoles keep their own cookie (web.sessions), so
nothing reads ``flask.session`` under /api/. Flask would still open one for every request, and with
SECRET_KEY set that builds an itsdangerous signer each time: 2–7 % of a small request's time in the
profiles of bench/load_bench.py (guide detail, case lookup, booking). Other paths keep Flask's default.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface, SessionMixin


class ApiWithoutCookieSession(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if request.path.startswith("/api/"):
            return self.make_null_session(app)  # empty, never saved: no cookie is read or written
        return super().open_session(app, request)
