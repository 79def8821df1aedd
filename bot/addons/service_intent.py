"""A message that names a catalogue item is a service question, however unsure the classifier is
about which field it asks.

With thousands of items, "公积金怎么取出来" or "道路运输经营许可需要几辆车" split the classifier's
confidence over the six ask_* intents (materials? process? conditions?), so the best one falls under
the FallbackClassifier's threshold and the question became ``nlu_fallback`` (or ``out_of_scope``).
Which field is asked matters little — every ask_* intent goes to the knowledge base, which finds
the field itself — but *that* it is a service question is certain once the ``item`` entity (the
lookup table of published names and aliases) is found. Placed after the entity extractors and
before the FallbackClassifier, this component then makes the best ask_* intent the intent, with the
confidence of all ask_* intents together.

The ask_* intents are read from ``jieba_dict/vocabulary.json`` (written by the API), not typed here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

VOCABULARY = Path(__file__).resolve().parent.parent / "jieba_dict" / "vocabulary.json"
INFORM = "inform"  # the resident just names an item; outside a form it is answered like a question


def service_intents(path: Path = VOCABULARY) -> frozenset[str]:
    return frozenset(json.loads(path.read_text(encoding="utf-8"))["field_intents"].values())


def merge(intent: dict, ranking: list[dict], entities: list[dict], service: frozenset[str],
          entity: str = "item", threshold: float = 0.4) -> tuple[dict, list[dict]] | None:  # fmt: skip
    """The (intent, ranking) to use when an item is named, or None to leave the message as it is.

    Only a top intent that is an ask_* intent (however unsure, or tied with another ask_*) or an
    unsure ``inform`` is merged; a confident ``inform`` (an item named as an answer, e.g. inside a
    booking form) and every other intent (book_appointment …) are left alone."""
    if not any(e.get("entity") == entity for e in entities):
        return None
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0)
    if name not in service and not (name == INFORM and confidence < threshold):
        return None  # another intent (book_appointment, a confident inform …) keeps the message
    asks = [r for r in ranking if r.get("name") in service]
    if not asks:
        return None
    pooled = [r for r in ranking if r.get("name") in service or r.get("name") == INFORM]
    total = min(1.0, sum(float(r.get("confidence") or 0) for r in pooled))
    best = max(asks, key=lambda r: float(r.get("confidence") or 0))
    merged = {"name": best["name"], "confidence": total}
    rest = [r for r in ranking if r.get("name") not in (best["name"], INFORM)]
    return merged, [merged, *rest]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ServiceIntentForItems(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> ServiceIntentForItems:  # fmt: skip
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self._entity = config.get("entity", "item")
        self._threshold = float(config.get("threshold", 0.4))  # the FallbackClassifier's
        self._service = service_intents()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            out = merge(message.get(INTENT) or {}, message.get(INTENT_RANKING_KEY) or [],
                        message.get(ENTITIES) or [], self._service, self._entity, self._threshold)  # fmt: skip
            if out is not None:
                message.set(INTENT, out[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, out[1], add_to_output=True)
        return messages


def kb_intent(outcome: dict, field_intents: dict[str, str],
              default: str = "ask_process") -> tuple[str, str | None] | None:  # fmt: skip
    """(intent, item code) when the knowledge base recognised an item in the question: answered
    (code of the item) or clarify (several fit: no code, the bot offers them), else None."""
    results = outcome.get("results") or []
    if outcome.get("status") not in ("answered", "clarify") or not results:
        return None
    field = outcome.get("field") or results[0].get("field")
    code = results[0]["item_code"] if outcome["status"] == "answered" else None
    return field_intents.get(field or "", default), code


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class KnowledgeBaseServiceIntent(GraphComponent):
    """After the FallbackClassifier: a message the NLU gave up on (``nlu_fallback``) or called
    ``out_of_scope`` is asked of the knowledge base (GET {API_URL}/api/v1/kb/search, short timeout);
    when the KB recognises items in it (answered, or clarify between several), it is a service
    question after all: the intent of the field the KB found, and the item entity when there is one
    item. Without the API (tests, an outage) nothing changes."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> KnowledgeBaseServiceIntent:  # fmt: skip
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self._intents = frozenset(config.get("intents", ["nlu_fallback", "out_of_scope"]))
        self._timeout = float(config.get("timeout", 0.5))
        self._field_intents = json.loads(VOCABULARY.read_text(encoding="utf-8"))["field_intents"]

    def _ask(self, text: str) -> dict | None:
        import requests  # imported here: the rest of the pipeline does not need it

        url = (os.environ.get("API_URL") or "http://127.0.0.1:5000").rstrip("/") + "/api/v1/kb/search"
        try:
            resp = requests.get(url, params={"q": text[:500], "k": 1, "log": "false"}, timeout=self._timeout)
            return resp.json() if resp.status_code == 200 else None
        except (requests.RequestException, ValueError):
            return None

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent, text = message.get(INTENT) or {}, message.get(TEXT)
            if intent.get("name") not in self._intents or not isinstance(text, str) or not text.strip():
                continue
            outcome = self._ask(text)
            found = kb_intent(outcome or {}, self._field_intents)
            if found is None:
                continue
            name, code = found
            message.set(INTENT, {"name": name, "confidence": float(intent.get("confidence") or 0)}, add_to_output=True)
            if code is not None:
                found_item = {"entity": "item", "value": code, "start": 0, "end": len(text),
                              "extractor": "KnowledgeBase"}  # fmt: skip
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), found_item], add_to_output=True)
        return messages
