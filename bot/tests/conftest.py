"""Fixtures for the action tests: trackers as the action server receives them, a dispatcher,
and HTTP mocked with ``responses`` (no API needed)."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import responses
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `actions` is importable as in the server

from actions import answer  # noqa: E402
from actions.api_client import api, reset_client  # noqa: E402

API = "http://api.test"
TOKEN = "tok-resident-1"
VOCABULARY = Path(__file__).resolve().parent.parent / "jieba_dict" / "vocabulary.json"
HALL_NOW = "2026-11-30T09:00:00+08:00"  # a Monday morning in the hall


def meta_body(now: str = HALL_NOW, last_bookable: str | None = "2026-12-09") -> dict:
    """GET /api/v1/meta as the API answers it; the patterns and tables are the API's own file."""
    if not VOCABULARY.exists():
        raise RuntimeError(f"{VOCABULARY} is missing: it is written by `flask --app app kb build`")
    return {**json.loads(VOCABULARY.read_text(encoding="utf-8")),
            "halls": [{"hall_id": "jc-main", "name": "江川市市民服务中心"}], "default_hall": "jc-main",
            "booking": {"days_ahead": 7, "unit": "working_days", "release_hour": 8, "cancel_cutoff_minutes": 60,
                        "last_bookable_date": last_bookable},
            "clock": {"now": now, "today": now[:10], "timezone": "Asia/Shanghai", "dev_clock": False}}  # fmt: skip


def prime_meta(body: dict) -> None:
    """Give the client a meta read just now (as if GET /api/v1/meta had answered ``body``)."""
    meta = api().meta
    meta._body, meta._read_at = body, time.monotonic()
    meta._clock_offset = datetime.fromisoformat(body["clock"]["now"]) - datetime.now(timezone.utc)


@pytest.fixture(autouse=True)
def api_url(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("API_URL", API)
    monkeypatch.setenv("API_TIMEOUT", "0.5")
    reset_client()
    answer._names.clear()
    prime_meta(meta_body())
    yield API
    reset_client()


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


DOMAIN: dict[str, Any] = {}


def make_tracker(
    text: str = "", intent: str = "", slots: dict | None = None, entities: list[dict] | None = None,
    token: str | None = None, events: list[dict] | None = None, active_loop: str | None = None,
    sender_id: str = "wx-session-1",
) -> Tracker:
    """A tracker whose latest user message is ``text`` classified as ``intent``."""
    metadata = {"signed_in": True} if token else {}  # the API sends no token: only whether this turn is signed in
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": entities or [],
              "metadata": metadata}  # fmt: skip
    history = list(events or []) + [{"event": "user", "text": text, "parse_data": latest, "metadata": metadata}]
    return Tracker(
        sender_id=sender_id, slots=dict(slots or {}), latest_message=latest, events=history, paused=False,
        followup_action=None, active_loop={"name": active_loop} if active_loop else {}, latest_action_name=None,
    )


@pytest.fixture
def tracker_factory():
    return make_tracker


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
