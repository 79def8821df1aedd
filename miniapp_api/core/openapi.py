"""OpenAPI additions that hold for every operation.

Every endpoint reads Redis or MongoDB, and a store that is down answers 503 (the one JSON error shape),
so every operation documents a 503 next to its own responses. An apispec plugin does it as each path is
registered; flask-smorest already defines the ``SERVICE_UNAVAILABLE`` response component (with
``ProjectApi``'s error schema).
"""

from __future__ import annotations

from apispec import BasePlugin
from flask_smorest import Api

from miniapp_api.core.schemas import ErrorResponseSchema

UNAVAILABLE = "SERVICE_UNAVAILABLE"


class ProjectApi(Api):
    """flask-smorest's Api whose documented error responses have the project's one error shape
    ``{"error": {"code", "message", "field"}}`` (flask-smorest's own would be {"code", "status", "message"})."""

    ERROR_SCHEMA = ErrorResponseSchema


class UnavailableResponsePlugin(BasePlugin):
    """Adds ``503: SERVICE_UNAVAILABLE`` to each operation that does not document its own 503."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            if isinstance(operation, dict):
                operation.setdefault("responses", {}).setdefault("503", UNAVAILABLE)


def document_unavailable(api: Api) -> None:
    """Install the plugin; call before the blueprints are registered."""
    plugin = UnavailableResponsePlugin()
    plugin.init_spec(api.spec)
    api.spec.plugins.append(plugin)
