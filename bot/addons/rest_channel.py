"""The REST channel the API talks to, plus a fix for a per-turn cost in Rasa 3.6.

``RestInput`` is Rasa's own REST channel unchanged (same name, so the URL stays
``/webhooks/rest/webhook`` and message ``metadata`` is passed through to the actions).

Importing this module (credentials.yml names it, so ``rasa run`` imports it) also replaces
``RemoteAction._validate_action_result``: Rasa 3.6 calls ``jsonschema.validate`` on every action
server response, which re-checks the schema itself each time — about 35 ms per custom action on
this machine, more than the whole rest of a turn. The replacement validates against the same
schema with a validator compiled once, so behaviour is the same and the cost is well under 1 ms.
"""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.rest import RestInput as _RasaRestInput
from rasa.shared.constants import DOCS_BASE_URL

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


class RestInput(_RasaRestInput):
    """Rasa's REST channel (``/webhooks/rest/webhook``)."""
