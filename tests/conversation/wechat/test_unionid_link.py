"""One person, two WeChat apps: a follower of the official account is the same resident as in the
mini-program when WeChat gives both the same unionid (user/info and code2Session mocked over HTTP)."""

from __future__ import annotations

import json

import pytest
import responses

from tests.conversation.chat.fakes import CHAT_CONFIG, bot_replies, nlu_answers, sent_to_webhook
from tests.conversation.wechat.conftest import AES_KEY, APP_ID, TOKEN, signed_args, text_xml
from tests.factories import seeded_app

TOKEN_URL = "https://api.weixin.qq.com/cgi-bin/token"
USER_INFO_URL = "https://api.weixin.qq.com/cgi-bin/user/info"
CODE2SESSION_URL = "https://api.weixin.qq.com/sns/jscode2session"
FOLLOWER, MINIAPP_OPENID, UNIONID = "oMP-follower-1", "oMINI-user-1", "uUNION-1"


@pytest.fixture
def app(app_config):
    app_config.update(CHAT_CONFIG, WECHAT_MP_TOKEN=TOKEN, WECHAT_MP_AES_KEY=AES_KEY, WECHAT_MP_APP_ID=APP_ID,
                      WECHAT_MP_APP_SECRET="mp-secret", WECHAT_APP_ID="wx-mini", WECHAT_APP_SECRET="mini-secret")
    return seeded_app(app_config)  # fmt: skip


def _miniapp_login(client, rsps, unionid: str | None) -> str:
    rsps.add(responses.GET, CODE2SESSION_URL, json={"openid": MINIAPP_OPENID, "session_key": "sk",
                                                    **({"unionid": unionid} if unionid else {})})  # fmt: skip
    body = client.post("/api/v1/auth/wechat", json={"code": "c-1"}).get_json()
    return body["resident_id"]


def _follower_resident(app, client, rsps, user_info: dict) -> str:
    rsps.add(responses.GET, USER_INFO_URL, json=user_info)
    bot_replies(rsps, [{"text": "好的"}])
    nlu_answers(rsps, "greet")
    response = client.post("/wechat", query_string=signed_args(), data=text_xml("你好", openid=FOLLOWER))
    assert response.status_code == 200
    conversation = sent_to_webhook(rsps)[-1]["sender"]
    with app.app_context():
        from miniapp_api.core.stores import rds, rkey

        return json.loads(rds().get(rkey("chat", "turn", conversation)))["resident_id"]  # who the turn is for


def test_a_follower_with_the_mini_programs_unionid_is_the_same_resident(app, client, rsps):
    rsps.add(responses.GET, TOKEN_URL, json={"access_token": "AT", "expires_in": 7200})
    mini = _miniapp_login(client, rsps, UNIONID)
    follower = _follower_resident(app, client, rsps, {"subscribe": 1, "openid": FOLLOWER, "unionid": UNIONID})
    assert follower == mini
    with app.app_context():
        doc = app.extensions["mongo"]["residents"].find_one({"_id": mini})
    # subscribe messages still go to the mini-program openid; the follower's is kept apart
    assert (doc["openid"], doc["mp_openid"], doc["unionid"]) == (MINIAPP_OPENID, FOLLOWER, UNIONID)
    assert any(c.request.url.startswith(USER_INFO_URL) and f"openid={FOLLOWER}" in c.request.url for c in rsps.calls)


def test_a_follower_who_comes_first_is_found_again_from_the_mini_program(app, client, rsps):
    rsps.add(responses.GET, TOKEN_URL, json={"access_token": "AT", "expires_in": 7200})
    follower = _follower_resident(app, client, rsps, {"subscribe": 1, "openid": FOLLOWER, "unionid": UNIONID})
    assert _miniapp_login(client, rsps, UNIONID) == follower


def test_without_a_unionid_or_when_wechat_fails_the_follower_is_a_resident_of_their_own(app, client, rsps):
    rsps.add(responses.GET, TOKEN_URL, json={"access_token": "AT", "expires_in": 7200})
    mini = _miniapp_login(client, rsps, None)
    failed = _follower_resident(app, client, rsps, {"errcode": 48001, "errmsg": "api unauthorized"})
    assert failed != mini
    with app.app_context():
        doc = app.extensions["mongo"]["residents"].find_one({"_id": failed})
    assert doc.get("mp_openid") == FOLLOWER and "openid" not in doc  # no subscribe message to a 公众号 openid
