"""Hotline agent assist: suggestions (Rasa NLU or KB fallback), carry-over within a call, feedback."""

from __future__ import annotations

import pytest

from tests.conversation.chat.fakes import nlu_answers
from tests.factories import make_staff


def _suggest(client, headers, text, call_id="call-1"):
    response = client.post("/api/v1/agent/suggest", json={"call_id": call_id, "text": text}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_needs_an_agent_role(client, admin, rsps):
    body = {"call_id": "c", "text": "护照多少钱"}
    assert client.post("/api/v1/agent/suggest", json=body).status_code == 401
    editor = make_staff(client, admin, "editor")
    assert client.post("/api/v1/agent/suggest", json=body, headers=editor).status_code == 403
    assert client.post("/api/v1/agent/suggest", json=body, headers=admin).status_code == 200  # admin implies agent


def test_with_rasa_the_intent_comes_from_nlu(client, agent, rsps):
    nlu_answers(rsps, "ask_materials", 0.91, [{"entity": "item", "value": "护照", "start": 1, "end": 3}])
    body = _suggest(client, agent, "办护照要带什么")
    assert body["intent"] == {"name": "ask_materials", "confidence": 0.91, "source": "rasa"}
    assert body["entities"][0] == {"entity": "item", "value": "护照", "start": 1, "end": 3, "source": "rasa",
                                   "item_code": "GR-006"}
    assert 1 <= len(body["suggestions"]) <= 3
    top = body["suggestions"][0]
    assert (top["item_code"], top["field"]) == ("GR-006", "materials")
    assert top["answer"].startswith("【普通护照签发】")
    assert "book_appointment" in body["next_actions"]  # a passport needs a visit


def test_without_rasa_a_kb_fallback_intent(client, agent, rsps):
    body = _suggest(client, agent, "护照办下来要多久")
    assert body["intent"]["source"] == "kb_fallback"
    assert body["intent"]["name"] == "ask_time_limit"
    assert body["suggestions"][0]["item_code"] == "GR-006"
    assert body["suggestions"][0]["field"] == "time_limit"


def test_the_item_carries_over_within_a_call(client, agent, rsps):
    _suggest(client, agent, "我想办护照，要带什么材料", call_id="call-7")
    body = _suggest(client, agent, "那要多少钱？", call_id="call-7")
    assert body["item_code"] == "GR-006"
    assert body["suggestions"][0]["field"] == "fee" and body["suggestions"][0]["carried_over"] is True
    assert "收费" in body["suggestions"][0]["answer"] or "免费" in body["suggestions"][0]["answer"]
    assert len(body["suggestions"]) == 3
    assert any(e["entity"] == "item" and e["source"] == "context" for e in body["entities"])
    # another call does not inherit it
    other = _suggest(client, agent, "那要多少钱？", call_id="call-8")
    assert other["item_code"] is None and other["suggestions"] == []


@pytest.mark.parametrize("text, action, entity", [
    ("帮我查一下JC20261128000123办到哪了", "lookup_progress", "case_no"),
    ("我想预约明天上午去办身份证", "book_appointment", "date"),
    ("我要投诉窗口工作人员态度差", "open_appeal", None),
    ("转人工", "handoff", None),
])
def test_next_actions_from_intent_and_entities(client, agent, rsps, text, action, entity):
    body = _suggest(client, agent, text)
    assert action in body["next_actions"]
    if entity:
        assert entity in {e["entity"] for e in body["entities"]}


def test_the_transcript_is_kept_in_redis(app, client, agent, rsps):
    _suggest(client, agent, "护照多少钱", call_id="call-t")
    _suggest(client, agent, "要多久", call_id="call-t")
    with app.app_context():
        from miniapp_api.conversation.agent_assist import transcript

        turns = transcript("call-t")
    assert [t["text"] for t in turns] == ["护照多少钱", "要多久"]
    assert [t["item_code"] for t in turns] == ["GR-006", "GR-006"]


def test_feedback_is_kept_with_the_question_and_counted(client, admin, agent, rsps):
    _suggest(client, agent, "护照多少钱", call_id="call-f")
    verdicts = [("adopted", None), ("edited", "护照工本费120元，可以扫码支付"), ("rejected", None)]
    for verdict, edited in verdicts:
        response = client.post("/api/v1/agent/feedback", headers=agent, json={
            "call_id": "call-f", "suggestion": {"item_code": "GR-006", "field": "fee"},
            "verdict": verdict, "edited_text": edited})
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["question"] == "护照多少钱"
    summary = client.get("/api/v1/staff/agent/feedback", headers=admin).get_json()
    row = summary["items"][0]
    assert (row["item_code"], row["adopted"], row["edited"], row["rejected"], row["total"]) == ("GR-006", 1, 1, 1, 3)
    assert summary["recent"][0]["question"] == "护照多少钱"
    assert any(r["edited_text"] == "护照工本费120元，可以扫码支付" for r in summary["recent"])


def test_feedback_names_the_question_the_suggestion_answered_not_the_last_utterance(client, agent, rsps):
    first = _suggest(client, agent, "护照多少钱", call_id="call-q")
    fee = next(s for s in first["suggestions"] if s["field"] == "fee")
    _suggest(client, agent, "那要多久能拿到", call_id="call-q")  # the caller went on; the agent adopts the fee answer
    by_turn = client.post("/api/v1/agent/feedback", headers=agent, json={
        "call_id": "call-q", "suggestion": {"item_code": fee["item_code"], "field": "fee", "turn_id": fee["turn_id"]},
        "verdict": "adopted"})
    assert by_turn.status_code == 201 and by_turn.get_json()["question"] == "护照多少钱"
    without_turn = client.post("/api/v1/agent/feedback", headers=agent, json={
        "call_id": "call-q", "suggestion": {"item_code": "GR-006", "field": "fee"}, "verdict": "adopted"})
    assert without_turn.get_json()["question"] == "护照多少钱"
    unknown = client.post("/api/v1/agent/feedback", headers=agent, json={
        "call_id": "call-q", "suggestion": {"item_code": "GR-006", "turn_id": "nope"}, "verdict": "adopted"})
    assert unknown.status_code == 400 and unknown.get_json()["error"]["field"] == "suggestion.turn_id"


@pytest.mark.parametrize("payload, field", [
    ({"call_id": "c", "suggestion": {"item_code": "GR-006"}, "verdict": "meh"}, "verdict"),
    ({"call_id": "c", "suggestion": {"item_code": "GR-006"}, "verdict": "edited"}, "edited_text"),
    ({"call_id": "c", "suggestion": {"item_code": "XX-999"}, "verdict": "adopted"}, "suggestion.item_code"),
    ({"call_id": "c", "suggestion": {"item_code": "GR-006", "field": "colour"}, "verdict": "adopted"},
     "suggestion.field"),
    ({"call_id": "c c", "suggestion": {"item_code": "GR-006"}, "verdict": "adopted"}, "call_id"),
])
def test_feedback_validation(client, agent, payload, field):
    response = client.post("/api/v1/agent/feedback", json=payload, headers=agent)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_suggest_validation(client, agent):
    response = client.post("/api/v1/agent/suggest", json={"call_id": "c", "text": ""}, headers=agent)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "text"


def test_feedback_summary_roles(client, admin):
    editor = make_staff(client, admin, "editor")
    publisher = make_staff(client, admin, "publisher")
    assert client.get("/api/v1/staff/agent/feedback", headers=editor).status_code == 200
    assert client.get("/api/v1/staff/agent/feedback", headers=publisher).status_code == 200  # implies editor
    assert client.get("/api/v1/staff/agent/feedback").status_code == 401
