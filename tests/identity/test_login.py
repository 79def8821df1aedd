"""Mini-program login through wechatpy (WeChat mocked at the HTTP level) and the dev login flag."""

from __future__ import annotations

import json
import logging

import pytest
import redis
import responses
from requests import ConnectionError as RequestsConnectionError

from tests.conftest import REDIS_URL
from tests.factories import seeded_app

TOKEN_URL = "https://api.weixin.qq.com/cgi-bin/token"
CODE2SESSION_URL = "https://api.weixin.qq.com/sns/jscode2session"


def _mock_token(rsps) -> None:
    # wechatpy 1.8 adds an access_token to every client call, code2Session included.
    rsps.add(responses.GET, TOKEN_URL, json={"access_token": "ACCESS-TOKEN", "expires_in": 7200})


@responses.activate
def test_wechat_login_issues_our_session(client, app_config):
    _mock_token(responses)
    responses.add(responses.GET, CODE2SESSION_URL, json={"openid": "oAbc123", "session_key": "sk=="})
    first = client.post("/api/v1/auth/wechat", json={"code": "code-1"})
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["expires_in"] == 7 * 24 * 3600 and body["token"] and body["resident_id"]
    sent = [c.request.url for c in responses.calls if c.request.url.startswith(CODE2SESSION_URL)][0]
    assert "js_code=code-1" in sent and "appid=wx-test-app" in sent and "grant_type=authorization_code" in sent

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["resident_id"] == body["resident_id"]
    second = client.post("/api/v1/auth/wechat", json={"code": "code-2"}).get_json()
    assert second["resident_id"] == body["resident_id"] and second["token"] != body["token"]
    # one access token for all workers, in Redis under our prefix; fetched once
    r = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    assert json.loads(r.get(app_config["REDIS_PREFIX"] + "wechat:wx-test-app_access_token")) == "ACCESS-TOKEN"
    assert len([c for c in responses.calls if c.request.url.startswith(TOKEN_URL)]) == 1
    session_key = app_config["REDIS_PREFIX"] + "session:" + body["token"]
    assert 0 < r.ttl(session_key) <= 7 * 24 * 3600
    assert json.loads(r.get(session_key)) == {"resident_id": body["resident_id"], "openid": "oAbc123"}


@responses.activate
def test_wechat_error_code_is_a_clear_401(client):
    _mock_token(responses)
    responses.add(responses.GET, CODE2SESSION_URL, json={"errcode": 40029, "errmsg": "invalid code"})
    response = client.post("/api/v1/auth/wechat", json={"code": "stale"})
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error["code"] == "wechat_login_failed" and error["field"] == "code" and "40029" in error["message"]


@responses.activate
def test_wechat_unreachable_is_503(client):
    _mock_token(responses)
    responses.add(responses.GET, CODE2SESSION_URL, body=RequestsConnectionError("down"))
    response = client.post("/api/v1/auth/wechat", json={"code": "c"})
    assert response.status_code == 503


@responses.activate
def test_wechat_answer_without_openid_is_refused(client):
    _mock_token(responses)
    responses.add(responses.GET, CODE2SESSION_URL, json={"session_key": "sk"})
    assert client.post("/api/v1/auth/wechat", json={"code": "c"}).status_code == 401


def test_wechat_login_input_and_configuration(client, app_config):
    assert client.post("/api/v1/auth/wechat", json={}).get_json()["error"]["field"] == "code"
    assert client.post("/api/v1/auth/wechat", json={"code": ""}).status_code == 400
    broken = client.post("/api/v1/auth/wechat", data="{", content_type="application/json")
    assert broken.get_json()["error"]["code"] == "malformed_json"
    unconfigured = seeded_app({**app_config, "WECHAT_APP_ID": ""}).test_client()
    assert unconfigured.post("/api/v1/auth/wechat", json={"code": "c"}).status_code == 503


def test_dev_login_is_off_by_default(client):
    response = client.post("/api/v1/auth/dev", json={"openid": "anyone"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_dev_login_when_enabled_and_startup_warns(app_config, caplog):
    with caplog.at_level(logging.WARNING):
        app = seeded_app({**app_config, "DEV_LOGIN": True})
    assert any("DEV_LOGIN is ON" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    client = app.test_client()
    first = client.post("/api/v1/auth/dev", json={"openid": "dev-1"}).get_json()
    again = client.post("/api/v1/auth/dev", json={"openid": "dev-1"}).get_json()
    assert first["resident_id"] == again["resident_id"]
    assert client.post("/api/v1/auth/dev", json={}).get_json()["error"]["field"] == "openid"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer unknown-token", "Basic abc"])
def test_me_needs_a_valid_session(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"]["field"] == "Authorization"
