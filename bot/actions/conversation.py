"""Reading what the conversation holds: who the turn acts for, the transcript, item mentions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.api_client import TURN_PREFIX

TRANSCRIPT_LIMIT = 50  # the last turns are what the agent needs; keeps the handoff body small


def resident_token(tracker: Tracker) -> str | None:
    """What lets an action act for the resident in THIS turn, or None when this turn is not signed in.

    Never a bearer token (the tracker keeps no token, and an earlier turn's never counts): the credential
    names the conversation, and the API acts for the resident of its live turn record, which the API wrote
    from this turn's own credentials (miniapp_api.identity.chat_identity)."""
    meta = (tracker.latest_message or {}).get("metadata") or {}
    return turn_credential(tracker) if meta.get("signed_in") else None


def turn_credential(tracker: Tracker) -> str:
    """The conversation's credential for calls that need no sign-in but must name the chat user (lookups,
    complaints, handoffs): the API counts guesses per chat session and address, not per action server."""
    return f"{TURN_PREFIX}{tracker.sender_id}"


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
