"""action_human_handoff: records the handoff with the transcript; says so when the API is down."""

from __future__ import annotations

import json

import requests

from actions.handoff import ActionHumanHandoff
from conftest import API, slot_events, texts


def test_handoff_posts_transcript_and_sets_slot(http, dispatcher, tracker_factory):
    http.post(f"{API}/api/v1/handoffs", status=201, json={"id": "h1"})
    earlier = [{"event": "user", "text": "办护照要带什么"}, {"event": "bot", "text": "【普通护照签发】需要…"},
               {"event": "action", "name": "action_listen"}]  # fmt: skip
    events = ActionHumanHandoff().run(dispatcher, tracker_factory("转人工", "human_handoff", events=earlier), {})
    body = json.loads(http.calls[0].request.body)
    assert body == {"session_id": "wx-session-1", "reason": "resident_request", "transcript": [
        {"sender": "resident", "text": "办护照要带什么"}, {"sender": "bot", "text": "【普通护照签发】需要…"},
        {"sender": "resident", "text": "转人工"}]}  # fmt: skip
    assert slot_events(events)["handoff"] is True
    assert "人工" in texts(dispatcher)[0]


def test_handoff_api_down(http, dispatcher, tracker_factory):
    http.post(f"{API}/api/v1/handoffs", body=requests.ConnectionError())
    events = ActionHumanHandoff().run(dispatcher, tracker_factory("转人工", "human_handoff"), {})
    assert "12345" in texts(dispatcher)[0]
    assert "handoff" not in slot_events(events)
