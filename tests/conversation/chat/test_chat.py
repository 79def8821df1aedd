"""POST /api/v1/chat: forwarded to Rasa's REST channel, or answered from the knowledge base."""

from __future__ import annotations

import pytest
import requests
import responses

from tests.conversation.chat.fakes import (
    CHAT_CONFIG,
    PARSE,
    WEBHOOK,
    SlowRasa,
    bot_replies,
    nlu_answers,
    sent_to_webhook,
)


def test_reply_forwarded_with_buttons_and_custom_payload(client, rsps, resident_token):
    bot_replies(rsps, [
        {"text": "【普通护照签发】需要准备的材料：……", "buttons": [{"title": "多少钱", "payload": "/ask_fee"}]},
        {"custom": {"intent": "ask_materials", "item_code": "GR-006", "status": "answered"}},
    ])
    response = client.post("/api/v1/chat", json={"session_id": "s-1", "text": "办护照要带什么"},
                           headers={"Authorization": f"Bearer {resident_token}"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["source"] == "rasa"
    assert body["replies"] == [{"text": "【普通护照签发】需要准备的材料：……",
                                "buttons": [{"title": "多少钱", "payload": "/ask_fee"}]}]
    assert (body["intent"], body["item_code"], body["status"]) == ("ask_materials", "GR-006", "answered")
    assert "note" not in body
    sent = sent_to_webhook(rsps)
    # The bot gets no token: a conversation id bound to this resident, and whether the turn is signed in.
    assert sent == [{"sender": sent[0]["sender"], "message": "办护照要带什么",
                     "metadata": {"channel": "api", "signed_in": True}}]
    assert sent[0]["sender"] != "s-1" and resident_token not in str(sent)


def test_intent_and_item_from_nlu_when_the_bot_sends_no_custom_payload(client, rsps):
    bot_replies(rsps, [{"text": "【普通护照签发】收费标准：……"}])
    nlu_answers(rsps, "ask_fee", entities=[{"entity": "item", "value": "护照", "start": 1, "end": 3}])
    body = client.post("/api/v1/chat", json={"session_id": "s-2", "text": "办护照多少钱"}).get_json()
    assert body["source"] == "rasa"
    assert body["intent"] == "ask_fee"
    assert body["confidence"] == pytest.approx(0.95)
    assert body["item_code"] == "GR-006"
    assert body["status"] == "answered"


def test_anonymous_or_invalid_token_is_not_signed_in(client, rsps):
    bot_replies(rsps, [{"text": "您好"}])
    nlu_answers(rsps, "greet")
    client.post("/api/v1/chat", json={"session_id": "anon", "text": "你好"})
    client.post("/api/v1/chat", json={"session_id": "anon", "text": "你好"},
                headers={"Authorization": "Bearer not-a-session"})
    sent = sent_to_webhook(rsps)
    assert [s["metadata"] for s in sent] == [{"channel": "api", "signed_in": False}] * 2
    assert sent[0]["sender"] == sent[1]["sender"]  # both anonymous: the same conversation


def test_without_a_session_id_the_server_issues_one(client, rsps):
    bot_replies(rsps, [{"text": "您好"}])
    nlu_answers(rsps, "greet")
    first = client.post("/api/v1/chat", json={"text": "你好"}).get_json()
    assert first["session_id"].startswith("s-") and len(first["session_id"]) > 20
    second = client.post("/api/v1/chat", json={"text": "你好"}).get_json()
    assert second["session_id"] != first["session_id"]


def test_rasa_down_answers_from_the_knowledge_base(client, rsps):
    # No URL registered: every call to Rasa fails with ConnectionError.
    body = client.post("/api/v1/chat", json={"session_id": "s-3", "text": "办护照要带什么材料"}).get_json()
    assert body["source"] == "kb_fallback"
    assert body["note"]
    assert body["item_code"] == "GR-006"
    assert body["status"] == "answered"
    assert body["intent"] == "ask_materials"
    assert "普通护照签发" in body["replies"][0]["text"] and "材料" in body["replies"][0]["text"]


def test_fallback_carries_the_topic_over(client, rsps):
    client.post("/api/v1/chat", json={"session_id": "s-4", "text": "办护照要带什么材料"})
    body = client.post("/api/v1/chat", json={"session_id": "s-4", "text": "那要多少钱？"}).get_json()
    assert body["source"] == "kb_fallback"
    assert body["item_code"] == "GR-006"
    assert body["intent"] == "ask_fee"
    assert "普通护照签发" in body["replies"][0]["text"] and "收费" in body["replies"][0]["text"]


def test_fallback_for_booking_says_the_service_is_unavailable(client, rsps):
    body = client.post("/api/v1/chat", json={"session_id": "s-5", "text": "帮我预约明天上午"}).get_json()
    assert body["source"] == "kb_fallback"
    assert body["intent"] == "book_appointment"
    assert "预约" in body["replies"][0]["text"]


def test_fallback_unanswerable(client, rsps):
    body = client.post("/api/v1/chat", json={"session_id": "s-6", "text": "给我讲个笑话"}).get_json()
    assert body["source"] == "kb_fallback"
    assert body["item_code"] is None
    assert "12345" in body["replies"][0]["text"]


def test_fallback_clarify_offers_the_candidates_as_buttons(client, rsps):
    body = client.post("/api/v1/chat", json={"session_id": "s-6b", "text": "身份证怎么办"}).get_json()
    assert body["status"] == "clarify"
    buttons = body["replies"][0]["buttons"]
    assert len(buttons) >= 2 and all(b["title"] and b["payload"] for b in buttons)


@pytest.mark.parametrize("failure", [
    requests.exceptions.ReadTimeout("read timed out"),
    requests.exceptions.ConnectTimeout("connect timed out"),
])
def test_rasa_timeouts_fall_back(client, rsps, failure):
    rsps.add(responses.POST, WEBHOOK, body=failure)
    rsps.add(responses.POST, PARSE, body=failure)
    body = client.post("/api/v1/chat", json={"session_id": "s-7", "text": "护照多少钱"}).get_json()
    assert body["source"] == "kb_fallback"
    assert body["item_code"] == "GR-006"


def test_rasa_error_status_falls_back(client, rsps):
    rsps.add(responses.POST, WEBHOOK, status=500, json={"error": "boom"})
    body = client.post("/api/v1/chat", json={"session_id": "s-8", "text": "护照多少钱"}).get_json()
    assert body["source"] == "kb_fallback"


def test_a_slow_real_rasa_is_abandoned_after_the_timeout(app, client):
    with SlowRasa(delay=2.0) as slow:
        app.config["RASA_URL"] = slow.url
        app.config["CHAT_RASA_TIMEOUT"] = 0.3
        body = client.post("/api/v1/chat", json={"session_id": "s-9", "text": "护照多少钱"}).get_json()
    assert body["source"] == "kb_fallback"
    assert body["item_code"] == "GR-006"


def test_nothing_listening_falls_back(app, client):
    app.config["RASA_URL"] = "http://127.0.0.1:9"  # discard port: connection refused
    body = client.post("/api/v1/chat", json={"session_id": "s-10", "text": "身份证丢了怎么补办"}).get_json()
    assert body["source"] == "kb_fallback"
    assert body["item_code"] == "GR-002"


@pytest.mark.parametrize("payload, field", [
    ({"session_id": "s", "text": ""}, "text"),
    ({"session_id": "s", "text": "   "}, "text"),
    ({"session_id": "s", "text": "问" * 501}, "text"),
    ({"session_id": "s"}, "text"),
    ({"session_id": "bad id with spaces", "text": "你好"}, "session_id"),
    ({"session_id": "x" * 65, "text": "你好"}, "session_id"),
    ({"session_id": "", "text": "你好"}, "session_id"),  # left out is fine (the server issues one), empty is not
])
def test_bad_input_is_400_naming_the_field(client, payload, field):
    response = client.post("/api/v1/chat", json=payload)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_500_chars_is_accepted(client, rsps):
    body = client.post("/api/v1/chat", json={"session_id": "s", "text": "护照" + "问" * 498})
    assert body.status_code == 200


def test_the_bots_custom_payload_without_intent_is_completed_by_nlu(client, rsps):
    # What bot/actions/answer.py sends: the text, then {"custom": {status, item_code, field}}.
    bot_replies(rsps, [{"text": "【普通护照签发】需要准备的材料：……"},
                       {"custom": {"status": "answered", "item_code": "GR-006", "field": "materials"}}])
    nlu_answers(rsps, "ask_materials", entities=[{"entity": "item", "value": "GR-006", "start": 0, "end": 3}])
    body = client.post("/api/v1/chat", json={"session_id": "s-11", "text": "办护照要带什么"}).get_json()
    assert (body["intent"], body["item_code"], body["status"]) == ("ask_materials", "GR-006", "answered")
    assert len(body["replies"]) == 1  # the custom payload is metadata, not a reply


def test_an_item_entity_given_as_a_code_is_recognised(client, rsps):
    bot_replies(rsps, [{"text": "【普通护照签发】收费标准：……"}])
    nlu_answers(rsps, "ask_fee", entities=[{"entity": "item", "value": "GR-006", "start": 0, "end": 2}])
    body = client.post("/api/v1/chat", json={"session_id": "s-12", "text": "护照多少钱"}).get_json()
    assert body["item_code"] == "GR-006" and body["status"] == "answered"


def test_progress_questions_do_not_inherit_the_item(client, rsps):
    client.post("/api/v1/chat", json={"session_id": "s-13", "text": "办护照要带什么材料"})  # Rasa down: KB
    bot_replies(rsps, [{"text": "请提供受理编号"}])
    nlu_answers(rsps, "ask_progress")
    body = client.post("/api/v1/chat", json={"session_id": "s-13", "text": "查一下我的件"}).get_json()
    assert body["source"] == "rasa" and body["intent"] == "ask_progress"
    assert body["item_code"] is None and body["status"] is None


def test_a_session_flooding_the_bot_gets_429_with_retry_after(app, client, rsps, monkeypatch):
    from types import SimpleNamespace

    from miniapp_api.core import rate_limit
    monkeypatch.setattr(rate_limit, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))  # mid-window
    app.config["CHAT_PER_SESSION_PER_MINUTE"] = 3
    bot_replies(rsps, [{"text": "【普通护照签发】收费标准：……"}])
    for _ in range(3):
        assert client.post("/api/v1/chat", json={"session_id": "flood", "text": "护照多少钱"}).status_code == 200
    refused = client.post("/api/v1/chat", json={"session_id": "flood", "text": "护照多少钱"})
    assert refused.status_code == 429 and refused.get_json()["error"]["field"] == "session_id"
    assert refused.headers["Retry-After"] == "30"
    assert len(sent_to_webhook(rsps)) == 3  # the refused turn never reached the bot
    assert client.post("/api/v1/chat", json={"session_id": "other", "text": "护照多少钱"}).status_code == 200


def test_behind_a_proxy_each_client_address_has_its_own_limit(app_config, rsps, monkeypatch):
    from types import SimpleNamespace

    from miniapp_api.core import rate_limit
    from tests.factories import seeded_app
    monkeypatch.setattr(rate_limit, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    app_config.update(CHAT_CONFIG, PROXY_HOPS=1, CHAT_PER_IP_PER_MINUTE=2)
    client = seeded_app(app_config).test_client()
    bot_replies(rsps, [{"text": "【普通护照签发】收费标准：……"}])

    def turn(session: str, address: str) -> int:
        return client.post("/api/v1/chat", json={"session_id": session, "text": "护照多少钱"},
                           headers={"X-Forwarded-For": address}).status_code  # fmt: skip

    assert [turn("p1", "203.0.113.7"), turn("p2", "203.0.113.7"), turn("p3", "203.0.113.7")] == [200, 200, 429]
    assert turn("p4", "198.51.100.9") == 200  # another resident behind the same proxy
