"""Reading what the conversation holds: the resident's token, the transcript, item mentions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

TRANSCRIPT_LIMIT = 50  # the last turns are what the agent needs; keeps the handoff body small


def resident_token(tracker: Tracker) -> str | None:
    """The session token the chat channel passed as message metadata (latest user turn that had one)."""
    meta = (tracker.latest_message or {}).get("metadata") or {}
    if meta.get("resident_token"):
        return str(meta["resident_token"])
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            token = (event.get("metadata") or {}).get("resident_token")
            if token:
                return str(token)
    return None


def transcript(tracker: Tracker, limit: int = TRANSCRIPT_LIMIT) -> list[dict[str, str]]:
    rows = []
    for event in tracker.events:
        kind = event.get("event")
        if kind in ("user", "bot") and event.get("text"):
            rows.append({"sender": "resident" if kind == "user" else "bot", "text": str(event["text"])})
    return rows[-limit:]


def latest_entity(tracker: Tracker, entity: str) -> dict[str, Any] | None:
    for ent in (tracker.latest_message or {}).get("entities") or []:
        if ent.get("entity") == entity:
            return ent
    return None


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "").strip()


def is_payload(text: str) -> bool:
    """Button payloads such as /inform{"item":"GR-001"} are not questions to search."""
    return text.startswith("/")
