"""Handing the conversation to a person: POST /api/v1/handoffs with the transcript."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api_client import ApiRejected, ApiUnavailable, api
from actions.conversation import transcript, turn_credential
from actions.texts import HANDOFF_BUSY, HANDOFF_DONE

log = logging.getLogger(__name__)


def request_handoff(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> list[dict[str, Any]]:
    """Mark the conversation for a human (used by the handoff action and after repeated failures)."""
    body = {"session_id": tracker.sender_id, "reason": reason, "transcript": transcript(tracker)}
    try:
        api().handoffs.create(body, token=turn_credential(tracker))  # the API knows this conversation's turn
    except (ApiUnavailable, ApiRejected) as exc:
        log.warning("handoff for %s not recorded: %s", tracker.sender_id, exc)
        dispatcher.utter_message(text=HANDOFF_BUSY, json_message={"status": "handoff_failed"})
        return [SlotSet("failures", 0)]
    dispatcher.utter_message(text=HANDOFF_DONE, json_message={"status": "handoff"})
    return [SlotSet("handoff", True), SlotSet("failures", 0)]


class ActionHumanHandoff(Action):
    def name(self) -> str:
        return "action_human_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        return request_handoff(dispatcher, tracker, "resident_request")
