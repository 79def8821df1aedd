"""The REST channel the API talks to, plus a fix for a per-turn cost in Rasa 3.6.

``RestInput`` is Rasa's own REST channel (same name, so the URL stays ``/webhooks/rest/webhook`` and
message ``metadata`` is passed through to the actions) that answers only callers with RASA_TOKEN.

Importing this module (credentials.yml names it, so ``rasa run`` imports it) also replaces
``RemoteAction._validate_action_result``: Rasa 3.6 calls ``jsonschema.validate`` on every action
server response, which re-checks the schema itself each time — about 35 ms per custom action on
this machine, more than the whole rest of a turn. The replacement validates against the same
schema with a validator compiled once, so behaviour is the same and the cost is well under 1 ms.
"""

from __future__ import annotations

import hmac
import os
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.rest import RestInput as _RasaRestInput
from rasa.shared.constants import DOCS_BASE_URL
from sanic.exceptions import Unauthorized as SanicUnauthorized
from sanic.request import Request

_validator: Any = None


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    global _validator
    if _validator is None:
        spec = RemoteAction.action_response_format_spec()
        cls = validator_for(spec)
        cls.check_schema(spec)
        _validator = cls(spec)
    try:
        _validator.validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


RemoteAction._validate_action_result = _validate_action_result


def token_ok(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


class RestInput(_RasaRestInput):
    """Rasa's REST channel (``/webhooks/rest/webhook``), answering only the API.

    Rasa's ``--auth-token`` guards its HTTP API (trackers, /model/parse) but not channel webhooks, so this
    channel checks the same secret itself: ``Authorization: Bearer $RASA_TOKEN``. Without RASA_TOKEN every
    message is refused (fail closed). The sender id and metadata the API sends carry no resident token.
    """

    async def _extract_sender(self, req: Request) -> str | None:
        # The first thing the webhook handler does with a request: refuse it here, before any tracker is touched.
        header = req.headers.get("Authorization", "")
        given = header[7:] if header.startswith("Bearer ") else ""
        if not token_ok(given, os.environ.get("RASA_TOKEN", "")):
            raise SanicUnauthorized("the REST channel only answers the API (Authorization: Bearer <RASA_TOKEN>)")
        return await super()._extract_sender(req)
