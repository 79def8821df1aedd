"""GET /healthz: MongoDB, Redis and knowledge-base state."""

from __future__ import annotations

from flask import current_app, jsonify
from flask_smorest import Blueprint

from miniapp_api.core.stores import mongo, rds
from miniapp_api.kb.service import knowledge_base

blp = Blueprint("health", __name__, description="Liveness and dependencies")


@blp.route("/healthz")
@blp.response(200)
@blp.alt_response(503, description="a dependency is down")
def healthz():
    checks: dict = {}
    try:
        mongo().command("ping")
        mode = "mongodb" if current_app.config["MONGO_URI"] else "in-memory (mongomock)"
        checks["mongo"] = {"ok": True, "mode": mode}
    except Exception as exc:  # noqa: BLE001 - a health check reports any failure
        checks["mongo"] = {"ok": False, "error": str(exc)}
    try:
        checks["redis"] = {"ok": bool(rds().ping())}
    except Exception as exc:  # noqa: BLE001
        checks["redis"] = {"ok": False, "error": str(exc)}
    try:
        if checks["redis"]["ok"]:
            knowledge_base().refresh()
        checks["kb"] = {"ok": knowledge_base().index is not None, **knowledge_base().state()}
    except Exception as exc:  # noqa: BLE001
        checks["kb"] = {"ok": False, "error": str(exc)}
    ok = all(c["ok"] for c in checks.values())
    response = jsonify({"status": "ok" if ok else "degraded", "checks": checks})
    response.status_code = 200 if ok else 503
    return response
