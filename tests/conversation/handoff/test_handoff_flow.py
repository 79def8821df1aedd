"""A handoff from start to end through the API: the resident asks for a person, an agent claims the
conversation and replies into the same chat session, the bot hears nothing while the agent holds it, and
answers again once the agent closes it."""

from __future__ import annotations

from tests.conversation.chat.fakes import bot_replies, sent_to_webhook
from tests.factories import make_staff


def _chat(client, token: str, text: str) -> dict:
    response = client.post("/api/v1/chat", json={"session_id": "s-h1", "text": text},
                           headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _file_handoff(client, token: str) -> str:
    response = client.post("/api/v1/handoffs", headers={"Authorization": f"Bearer {token}"}, json={
        "session_id": "s-h1", "reason": "转人工", "channel": "api",
        "transcript": [{"sender": "user", "text": "护照加急怎么办"}, {"sender": "bot", "text": "抱歉没听懂"}]})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["handoff_id"]


def test_agent_replies_in_the_same_session_and_the_bot_is_silent_while_held(client, admin, rsps, resident_token):
    bot_replies(rsps, [{"text": "机器人的回答"}, {"custom": {"intent": "greet", "item_code": None}}])
    agent = make_staff(client, admin, "agent", "wang.agent")
    handoff_id = _file_handoff(client, resident_token)

    listed = client.get("/api/v1/staff/handoffs?status=open", headers=agent).get_json()["handoffs"]
    assert [h["handoff_id"] for h in listed] == [handoff_id]
    assert listed[0]["waited_seconds"] >= 0
    # A reply before the claim is refused: only the agent holding it speaks for the service.
    early = client.post(f"/api/v1/staff/handoffs/{handoff_id}/reply", json={"text": "您好"}, headers=agent)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "handoff_not_held"

    claimed = client.post(f"/api/v1/staff/handoffs/{handoff_id}/claim", headers=agent).get_json()
    assert claimed["status"] == "claimed" and claimed["claimed_by"] == "wang.agent"
    reply = client.post(f"/api/v1/staff/handoffs/{handoff_id}/reply", json={"text": "您好，加急需要提供证明。"},
                        headers=agent)  # fmt: skip
    assert reply.status_code == 201, reply.get_json()

    # The resident's page reads it without a turn, and the next turn shows it once; the bot is not asked.
    state = client.get("/api/v1/chat/handoff?session_id=s-h1", headers={"Authorization": f"Bearer {resident_token}"})
    assert state.get_json()["handoff_status"] == "claimed"
    assert [m["text"] for m in state.get_json()["messages"]] == ["您好，加急需要提供证明。"]
    turn = _chat(client, resident_token, "要什么证明")
    assert turn["replies"][0]["text"] == "【人工客服】您好，加急需要提供证明。"
    assert (turn["source"], turn["status"]) == ("agent", "held")
    again = _chat(client, resident_token, "在吗")
    assert [r["text"] for r in again["replies"]] == ["人工客服wang.agent正在为您服务，请稍候。"]
    assert sent_to_webhook(rsps) == []
    detail = client.get(f"/api/v1/staff/handoffs/{handoff_id}", headers=agent).get_json()
    assert [(m["sender"], m["text"]) for m in detail["messages"]] == [
        ("agent", "您好，加急需要提供证明。"), ("user", "要什么证明"), ("user", "在吗")]

    # Someone else's token for the same session id reads a different (empty) conversation.
    stranger = client.get("/api/v1/chat/handoff?session_id=s-h1").get_json()
    assert stranger == {"handoff_status": None, "agent": None, "messages": []}

    other = make_staff(client, admin, "agent")
    assert client.post(f"/api/v1/staff/handoffs/{handoff_id}/close", headers=other).status_code == 409
    closed = client.post(f"/api/v1/staff/handoffs/{handoff_id}/close", headers=agent)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"

    back = _chat(client, resident_token, "你好")
    assert [r["text"] for r in back["replies"]] == ["【人工客服】人工客服已结束本次服务，智能助手将继续为您服务。",
                                                    "机器人的回答"]
    assert back["source"] == "rasa" and len(sent_to_webhook(rsps)) == 1


def test_handoff_routes_need_the_agent_role_and_valid_input(client, admin, resident_token):
    editor = make_staff(client, admin, "editor")
    handoff_id = _file_handoff(client, resident_token)
    assert client.post(f"/api/v1/staff/handoffs/{handoff_id}/claim", headers=editor).status_code == 403
    agent = make_staff(client, admin, "agent")
    assert client.post("/api/v1/staff/handoffs/nope/reply", json={"text": "x"}, headers=agent).status_code == 404
    client.post(f"/api/v1/staff/handoffs/{handoff_id}/claim", headers=agent)
    blank = client.post(f"/api/v1/staff/handoffs/{handoff_id}/reply", json={"text": "  "}, headers=agent)
    assert blank.status_code in (400, 422) and blank.get_json()["error"]["field"] == "text"
    bad = client.get("/api/v1/chat/handoff?session_id=a%20b")
    assert bad.status_code in (400, 422) and bad.get_json()["error"]["field"] == "session_id"
