"""The action server answers only Rasa: every call must carry ACTIONS_TOKEN (Rasa sends it as ``?token=``,
set in endpoints.yml), and the server listens on loopback (SANIC_HOST=127.0.0.1 in the Procfile).

``rasa run actions`` (rasa_sdk 3.6) has no option for a token. It creates its Sanic app, named "rasa_sdk",
and then imports this package to register the actions; ``install`` (called from the package's
``__init__``) finds that app and adds a request middleware. Anywhere else (tests, tools) there is no such
app and it does nothing. Without ACTIONS_TOKEN every call is refused: the server fails closed.
"""

from __future__ import annotations

import hmac
import logging
import os

log = logging.getLogger(__name__)
OPEN_PATHS = frozenset({"/health"})  # liveness checks carry no secret and reveal nothing


def token_ok(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


async def _require_token(request):
    from sanic import response

    if request.path in OPEN_PATHS:
        return None
    header = request.headers.get("Authorization", "")
    given = request.args.get("token") or (header[7:] if header.startswith("Bearer ") else "")
    if not token_ok(given or "", os.environ.get("ACTIONS_TOKEN", "")):
        return response.json({"error": "the action server only answers Rasa (token required)"}, status=401)
    return None


def install() -> bool:
    """Add the token check to the running action server's app; False when there is none."""
    try:
        from sanic import Sanic

        app = Sanic.get_app("rasa_sdk")
    except Exception:  # not inside `rasa run actions`
        return False
    app.register_middleware(_require_token, "request")
    if not os.environ.get("ACTIONS_TOKEN"):
        log.error("ACTIONS_TOKEN is not set: the action server refuses every call")
    return True
