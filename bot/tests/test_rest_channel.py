"""The channel add-on: same REST channel, and action responses are still validated."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from addons.rest_channel import RestInput


def test_channel_is_rasas_rest_channel():
    assert RestInput.name() == "rest"


def test_action_responses_are_still_validated():
    action = RemoteAction("action_answer_question", None)
    good = {"events": [{"event": "slot", "name": "item", "value": "GR-006"}], "responses": [{"text": "hi"}]}
    assert action._validate_action_result(good) is True
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": [{"event": 3}]})
