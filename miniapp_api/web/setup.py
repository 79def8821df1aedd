"""Wiring of the consoles into the app (called by create_app with the console blueprints)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask, request

from miniapp_api.core.clock import hall_tz
from miniapp_api.web import csrf
from miniapp_api.web.pages import template_globals
from miniapp_api.web.routes import site_root


def _live_origin() -> str:
    from flask import current_app

    configured = current_app.config["LIVE_PUBLIC_URL"]
    if configured:
        return configured.rstrip("/")
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    return f"{request.scheme}://{host}:{current_app.config['LIVE_PORT']}"


def hall_time(value: object, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Template filter: a stored time (UTC datetime or ISO text) in the hall's time zone."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(hall_tz()).strftime(fmt)
    return str(value)


def _console_headers(response):  # noqa: ANN001, ANN202 - a Flask response
    if not request.path.startswith("/console"):
        return response
    csrf.set_cookie(response, request.is_secure)
    headers = response.headers
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    # Scripts only from our own vendored files (no inline script, no CDN); live updates from the live server.
    headers.setdefault("Content-Security-Policy",
                       f"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                       f"img-src 'self' data:; connect-src 'self' {_live_origin()}; frame-ancestors 'none'; "
                       f"form-action 'self'; base-uri 'none'")
    if "text/html" in headers.get("Content-Type", ""):
        headers["Cache-Control"] = "no-store"  # pages show staff data: not kept by the browser
    return response


def init_app(app: Flask, blueprints: list[Blueprint]) -> None:
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.add_url_rule("/", "site_root", site_root)
    app.after_request(_console_headers)
    app.add_template_filter(hall_time, "hall_time")

    @app.context_processor
    def _globals() -> dict:
        return template_globals() if request.path.startswith("/console") else {}
