"""Issue 13, items 3, 6 and 7: staff sign-in, WeChat replays and secrets in logs, hostile input."""

from __future__ import annotations

import io
import json

import pytest

from tests.conversation.chat.fakes import bot_replies, nlu_answers
from tests.conversation.wechat.conftest import AES_KEY, APP_ID, OPENID, TOKEN, signed_args, text_xml
from tests.factories import staff_token
from tests.security.conftest import from_address, resident

STRONG = "correct horse battery staple"


def _login(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/api/v1/staff/login", json={"username": username, "password": password}, **from_address(ip))


def test_item03_staff_login_hardening(app, client, monkeypatch):
    admin = staff_token(client)
    # passwords from a maintained checker plus a length, look-alike and foreign names refused
    for weak in ("12345678", " " * 8, "password-123", "qwertyuiop", "Ab1!"):
        response = client.post("/api/v1/staff/users", json={"username": "clerk1", "password": weak, "role": "agent"},
                               headers=admin)  # fmt: skip
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "weak_password", weak
    for name, status in (("аdmin", 400), ("admin\x00", 400), ("adm1n", 409), ("ADMIN ", 409)):
        response = client.post("/api/v1/staff/users", json={"username": name, "password": STRONG, "role": "agent"},
                               headers=admin)  # fmt: skip
        assert response.status_code == status, (name, response.get_json())
    created = client.post("/api/v1/staff/users", json={"username": " Clerk.Zhou ", "password": STRONG,
                                                       "role": "agent"}, headers=admin)  # fmt: skip
    assert created.status_code == 201 and created.get_json()["username"] == "clerk.zhou"
    assert _login(client, "CLERK.ZHOU", STRONG).status_code == 200  # normalised at sign-in too

    # 5 wrong passwords lock the account, the right one included, with an audit entry
    for _ in range(5):
        assert _login(client, "clerk.zhou", "wrong-password-x", ip="10.0.0.2").status_code == 401
    locked = _login(client, "clerk.zhou", STRONG, ip="10.0.0.3")
    assert locked.status_code == 429 and locked.get_json()["error"]["code"] == "login_locked"
    assert int(locked.headers["Retry-After"]) > 0
    audit = client.get("/api/v1/staff/audit", headers=admin).get_json()
    assert any(e["action"] == "login_locked" for e in audit.get("entries", audit if isinstance(audit, list) else []))

    # an unknown name costs a password check too (no fast path that tells names apart)
    import miniapp_api.identity.staff_login as staff_login

    checks = []
    real = staff_login.check_password_hash
    monkeypatch.setattr(staff_login, "check_password_hash", lambda h, p: checks.append(h) or real(h, p))
    assert _login(client, "nobody-here", STRONG, ip="10.0.0.4").status_code == 401
    assert _login(client, "admin", "not-the-password", ip="10.0.0.4").status_code == 401
    assert len(checks) == 2 and checks[0].split("$")[0] == checks[1].split("$")[0]  # same algorithm and cost

    # sign-out ends a token; disabling an account ends all of it at once; the role is read on each request
    editor = client.post("/api/v1/staff/users", json={"username": "editor.li", "password": STRONG, "role": "editor"},
                         headers=admin)  # fmt: skip
    assert editor.status_code == 201
    tokens = [{"Authorization": f"Bearer {_login(client, 'editor.li', STRONG).get_json()['token']}"} for _ in (1, 2)]
    assert client.get("/api/v1/staff/kb/synonyms", headers=tokens[0]).status_code == 200
    assert client.post("/api/v1/staff/logout", headers=tokens[0]).status_code == 204
    assert client.get("/api/v1/staff/kb/synonyms", headers=tokens[0]).status_code == 401
    demoted = client.patch("/api/v1/staff/users/editor.li", json={"role": "agent"}, headers=admin)
    assert demoted.status_code == 200 and demoted.get_json()["role"] == "agent"
    assert client.get("/api/v1/staff/kb/synonyms", headers=tokens[1]).status_code == 401  # revoked
    agent = {"Authorization": f"Bearer {_login(client, 'editor.li', STRONG).get_json()['token']}"}
    assert client.get("/api/v1/staff/kb/synonyms", headers=agent).status_code == 403  # the new role, at once
    assert client.patch("/api/v1/staff/users/editor.li", json={"active": False}, headers=admin).status_code == 200
    disabled = client.get("/api/v1/staff/handoffs", headers=agent)
    assert disabled.status_code == 401 and disabled.get_json()["error"]["code"] in ("account_disabled", "unauthorized")


@pytest.fixture
def wechat_app(app):
    app.config.update(WECHAT_MP_TOKEN=TOKEN, WECHAT_MP_AES_KEY=AES_KEY, WECHAT_MP_APP_ID=APP_ID)
    return app


def test_item06_wechat_replay_and_secrets_in_logs(wechat_app, client, rsps):
    bot_replies(rsps, [{"text": "好的"}])
    nlu_answers(rsps, "greet")
    args = signed_args()
    first = client.post("/wechat", query_string=args, data=text_xml("你好", msg_id=1))
    assert first.status_code == 200
    retry = client.post("/wechat", query_string=args, data=text_xml("你好", msg_id=1))
    assert retry.status_code == 200  # WeChat's own retry of the same message passes
    forged = client.post("/wechat", query_string=args, data=text_xml("帮我取消预约", msg_id=2))
    assert forged.status_code == 403 and forged.get_json()["error"]["code"] == "replayed_request"

    from miniapp_api.core.access_log import redact_uri

    line = redact_uri(f"/wechat?signature={args['signature']}&timestamp={args['timestamp']}&nonce={args['nonce']}"
                      f"&openid={OPENID}")  # fmt: skip
    assert args["signature"] not in line and args["nonce"] not in line and OPENID not in line
    assert redact_uri("/api/v1/cases/lookup?case_no=JC2026112800002&factor=2345").endswith("factor=***")


def test_item07_hostile_input_is_answered_4xx(app, client):
    admin = staff_token(client)
    someone = resident(app)
    agent = client.post("/api/v1/staff/users", json={"username": "agent.wu", "password": STRONG, "role": "agent"},
                        headers=admin)  # fmt: skip
    assert agent.status_code == 201
    agent_headers = {"Authorization": f"Bearer {_login(client, 'agent.wu', STRONG).get_json()['token']}"}
    surrogate = b'"\\udc00"'
    cases = [
        ("PUT", "/api/v1/me", b'{"name": ' + surrogate + b"}", someone["headers"], "invalid_text", "name"),
        ("POST", "/api/v1/appeals", b'{"what": ' + surrogate + b', "where": "x", "contact": "13800000000", '
                                    b'"session_id": "s"}', {}, "invalid_text", "what"),
        ("POST", "/api/v1/handoffs", b'{"session_id": "s", "reason": ' + surrogate + b"}", {}, "invalid_text",
         "reason"),
        ("POST", "/api/v1/agent/suggest", b'{"call_id": "c", "text": ' + surrogate + b"}", agent_headers,
         "invalid_text", "text"),
        ("POST", "/api/v1/staff/login", b'{"username": ' + b"[" * 50_000, {}, "too_deep", "username"),
        ("POST", "/api/v1/chat", b'{"text": ' + b"[" * 50_000, {}, "too_deep", "text"),
        ("PUT", "/api/v1/staff/guides/GR-001/draft", b'{"name": ' + b"[" * 50_000, admin, "too_deep", "name"),
        ("POST", "/api/v1/chat", b'{"session_id": "s", "text": "x", "n": ' + b"7" * 5000 + b"}", {},
         "number_too_large", "n"),
    ]
    for method, path, body, headers, code, field in cases:
        response = client.open(path, method=method, data=body, content_type="application/json", headers=headers)
        assert response.status_code == 400, (path, response.status_code, response.data[:200])
        error = response.get_json()["error"]
        assert (error["code"], error["field"]) == (code, field), (path, error)

    chunked = client.post("/api/v1/chat", input_stream=io.BytesIO(json.dumps({"text": "x" * 300_000}).encode()),
                          content_type="application/json", headers={"Transfer-Encoding": "chunked"},
                          environ_overrides={"wsgi.input_terminated": True})  # fmt: skip
    assert chunked.status_code == 413 and chunked.get_json()["error"]["code"] == "request_entity_too_large"
    long_query = client.get("/api/v1/kb/search", query_string={"q": "办" * 500})
    assert long_query.status_code == 414 and long_query.is_json
    assert long_query.get_json()["error"]["code"] == "request_uri_too_long"
