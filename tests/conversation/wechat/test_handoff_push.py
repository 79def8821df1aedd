"""A 转人工 from the official account: filed even while Rasa is down, and the agent's reply is pushed to the
follower at once through the customer-service message API (token and message/custom/send mocked over HTTP);
when WeChat refuses the push (48 h passed) the reply leads the follower's next passive answer instead."""

from __future__ import annotations

import json

import pytest
import responses
import xmltodict

from tests.conversation.chat.fakes import CHAT_CONFIG
from tests.conversation.wechat.conftest import AES_KEY, APP_ID, TOKEN, signed_args, text_xml
from tests.factories import make_staff, seeded_app

TOKEN_URL = "https://api.weixin.qq.com/cgi-bin/token"
SEND_URL = "https://api.weixin.qq.com/cgi-bin/message/custom/send"
FOLLOWER = "oMP-handoff-follower"


@pytest.fixture
def app(app_config):
    app_config.update(CHAT_CONFIG, WECHAT_MP_TOKEN=TOKEN, WECHAT_MP_AES_KEY=AES_KEY, WECHAT_MP_APP_ID=APP_ID,
                      WECHAT_MP_APP_SECRET="mp-secret")  # fmt: skip
    return seeded_app(app_config)


def _say(client, text: str, msg_id: int) -> str:
    response = client.post("/wechat", query_string=signed_args(), data=text_xml(text, msg_id=msg_id, openid=FOLLOWER))
    assert response.status_code == 200
    return xmltodict.parse(response.data)["xml"]["Content"]


def _claimed(client, admin) -> tuple[dict, str]:
    agent = make_staff(client, admin, "agent", "wx.agent")
    listed = client.get("/api/v1/staff/handoffs?status=open", headers=agent).get_json()["handoffs"]
    assert len(listed) == 1 and listed[0]["channel"] == "wechat"
    handoff_id = listed[0]["handoff_id"]
    assert client.post(f"/api/v1/staff/handoffs/{handoff_id}/claim", headers=agent).status_code == 200
    return agent, handoff_id


def test_rasa_down_handoff_from_wechat_and_the_reply_is_pushed(app, client, admin, rsps):
    # No Rasa mock registered: every call to the bot fails, the KB fallback answers and files the handoff.
    answer = _say(client, "我要转人工", 1)
    assert "已为您转接人工客服" in answer
    agent, handoff_id = _claimed(client, admin)
    with app.app_context():
        doc = app.extensions["mongo"]["handoffs"].find_one({"_id": handoff_id})
    assert doc["openid"] == FOLLOWER and doc["transcript"] == [{"sender": "user", "text": "我要转人工"}]

    rsps.add(responses.GET, TOKEN_URL, json={"access_token": "mp-token", "expires_in": 7200})
    rsps.add(responses.POST, SEND_URL, json={"errcode": 0, "errmsg": "ok"})
    reply = client.post(f"/api/v1/staff/handoffs/{handoff_id}/reply", json={"text": "您好，我是坐席小王。"},
                        headers=agent)  # fmt: skip
    assert reply.status_code == 201 and reply.get_json()["push"] == "sent"
    sent = [c.request for c in rsps.calls if c.request.url.startswith(SEND_URL)]
    assert len(sent) == 1 and "access_token=mp-token" in sent[0].url
    body = json.loads(sent[0].body)
    assert body == {"touser": FOLLOWER, "msgtype": "text", "text": {"content": "【人工客服】您好，我是坐席小王。"}}
    # Pushed already: the follower's next message is not answered with it again (and the bot stays silent).
    nxt = _say(client, "好的", 2)
    assert "坐席小王" not in nxt and "正在为您服务" in nxt


def test_a_refused_push_leads_the_next_passive_reply(app, client, admin, rsps):
    _say(client, "转人工", 1)
    agent, handoff_id = _claimed(client, admin)
    rsps.add(responses.GET, TOKEN_URL, json={"access_token": "mp-token", "expires_in": 7200})
    rsps.add(responses.POST, SEND_URL, json={"errcode": 45015, "errmsg": "response out of time limit"})
    reply = client.post(f"/api/v1/staff/handoffs/{handoff_id}/reply", json={"text": "请提供受理编号"}, headers=agent)
    assert reply.status_code == 201 and reply.get_json()["push"] == "failed:45015"
    assert _say(client, "在吗", 2).startswith("【人工客服】请提供受理编号")


def test_an_api_chat_handoff_is_not_pushed(app, client, admin, rsps):
    turn = client.post("/api/v1/chat", json={"session_id": "s-api-1", "text": "转人工"}).get_json()
    assert turn["source"] == "kb_fallback" and "已为您转接人工客服" in turn["replies"][0]["text"]
    agent = make_staff(client, admin, "agent", "api.agent")
    handoff_id = client.get("/api/v1/staff/handoffs?status=open", headers=agent).get_json()["handoffs"][0]["handoff_id"]
    client.post(f"/api/v1/staff/handoffs/{handoff_id}/claim", headers=agent)
    reply = client.post(f"/api/v1/staff/handoffs/{handoff_id}/reply", json={"text": "您好"}, headers=agent).get_json()
    assert "push" not in reply and not [c for c in rsps.calls if c.request.url.startswith(SEND_URL)]
    # A second 转人工 while the first is open updates it: still one handoff for the session.
    again = client.post("/api/v1/chat", json={"session_id": "s-api-1", "text": "转人工"}).get_json()
    assert again["source"] == "agent"  # held by the agent now: the words go to them
