"""Answering questions about a service item from the API's knowledge base.

The ``item`` slot is the topic: when a follow-up ("那多少钱？") names no item, the KB is asked
again with the topic's name in front. ``clarify`` offers the candidates as buttons,
``unanswerable`` offers a person; two unanswerable turns in a row hand the conversation over.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api_client import ApiRejected, ApiUnavailable, api
from actions.conversation import is_payload, latest_entity, latest_intent, latest_text
from actions.handoff import request_handoff
from actions.texts import BUSY, CLARIFY, FIELD_HINTS, UNANSWERABLE
from actions.vocabulary import is_item_code

log = logging.getLogger(__name__)
MAX_FAILURES = 2
_names: dict[str, str] = {}  # item code → name; names change rarely, a restart refreshes them


def item_name(code: str) -> str | None:
    """The item's name for a code (GET /api/v1/guides/<code>), None if unknown."""
    if code not in _names:
        try:
            _names[code] = api().guides.get(code)["name"]
        except ApiRejected:
            return None
    return _names[code]


def ask_kb(question: str, intent: str | None) -> dict:
    """KB outcome for ``question``; adds the intent's field words when the KB saw no field."""
    outcome = api().kb.search(question)
    hint = FIELD_HINTS.get(intent or "")
    if hint and outcome.get("status") == "answered" and outcome.get("field") is None:
        outcome = api().kb.search(f"{question} {hint}")
    return outcome


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        try:
            return self._answer(dispatcher, tracker)
        except ApiUnavailable as exc:
            log.warning("KB unavailable: %s", exc)
            dispatcher.utter_message(text=BUSY, json_message={"status": "unavailable"})
            return []

    def _answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        intent = latest_intent(tracker)
        text = latest_text(tracker)
        mentioned = latest_entity(tracker, "item")
        topic = (mentioned or {}).get("value") or tracker.get_slot("item")
        pending = tracker.get_slot("pending_question") or ""
        if is_payload(text):  # a clarify button: the question is the one asked before it
            question = pending
            outcome: dict = {"status": "unanswerable"}
        else:
            question = f"{text} {pending}" if intent == "inform" and pending else text
            outcome = ask_kb(question, intent)
        if outcome["status"] != "answered" and is_item_code(topic):
            candidates = [r["item_code"] for r in outcome.get("results", [])]
            if outcome["status"] == "unanswerable" or topic in candidates:
                name = item_name(topic)
                if name:
                    follow_up = question or FIELD_HINTS.get(intent or "", "")
                    carried = ask_kb(f"{name} {follow_up}".strip(), intent)
                    if carried["status"] == "answered":
                        outcome = carried
        return self._reply(dispatcher, tracker, outcome, question)

    def _reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, outcome: dict, question: str
    ) -> list[dict[str, Any]]:
        status = outcome["status"]
        results = outcome.get("results") or []
        if status == "answered" and results:
            best = results[0]
            _names[best["item_code"]] = best["item_name"]
            dispatcher.utter_message(
                text=best["answer"],
                json_message={"status": "answered", "item_code": best["item_code"], "field": best.get("field")},
            )
            return [
                SlotSet("item", best["item_code"]), SlotSet("item_name", best["item_name"]),
                SlotSet("field", best.get("field")), SlotSet("failures", 0), SlotSet("pending_question", None),
            ]  # fmt: skip

        if status == "clarify" and results:
            buttons = [{"title": r["item_name"], "payload": "/inform" + json.dumps({"item": r["item_code"]})}
                       for r in results]  # fmt: skip
            dispatcher.utter_message(text=CLARIFY, buttons=buttons, json_message={"status": "clarify"})
            return [SlotSet("pending_question", question or None)]
        failures = int(tracker.get_slot("failures") or 0) + 1
        if failures >= MAX_FAILURES:
            return request_handoff(dispatcher, tracker, "repeated_failures")
        events: list[dict[str, Any]] = [SlotSet("failures", failures)]
        dispatcher.utter_message(
            text=UNANSWERABLE, buttons=[{"title": "转人工", "payload": "/human_handoff"}],
            json_message={"status": "unanswerable"},
        )
        return events


class ActionOutOfScope(ActionAnswerQuestion):
    """out_of_scope, unless the knowledge base recognises a service question in the message.

    A long, rambling hotline sentence can look like chit-chat to the intent classifier; the KB
    reads it word by word and says whether an item is asked about. Only an ``answered`` that also
    names what is asked (materials, fee, process …) overrides the classifier: "附近有什么好吃的饭店推荐"
    mentions a restaurant, not a question about opening one. Anything else gets the out-of-scope
    reply (no failure counted: chit-chat is not a failed question)."""

    def name(self) -> str:
        return "action_out_of_scope"

    def _answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        outcome = ask_kb(text, None) if text and not is_payload(text) else {"status": "unanswerable"}
        if outcome["status"] == "answered" and outcome.get("results") and outcome.get("field"):
            return self._reply(dispatcher, tracker, outcome, text)
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
