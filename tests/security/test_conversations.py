"""Issue 13, items 1, 2 and 5: conversations belong to who started them; the bot's servers need tokens;
lookups count failures per chat user, not per action server."""

from __future__ import annotations

import json
from pathlib import Path

import responses

from tests.cases.helpers import ID_1234, backoffice, new_case
from tests.conversation.chat.fakes import PARSE, WEBHOOK, bot_replies, nlu_answers, sent_to_webhook
from tests.factories import staff_token
from tests.security.conftest import RASA_TOKEN, bot_headers, from_address, resident

ROOT = Path(__file__).resolve().parents[2]


def _chat(client, session_id: str, text: str, headers: dict | None = None) -> dict:
    response = client.post("/api/v1/chat", json={"session_id": session_id, "text": text}, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_item01_chat_session_takeover(app, client, rsps):
    victim = resident(app)
    bot_replies(rsps, [{"text": "好的"}])
    nlu_answers(rsps, "greet")
    _chat(client, "s-victim", "我要取消预约", victim["headers"])  # the victim's signed-in turn
    _chat(client, "s-victim", "我要取消预约")  # the attacker: same session id, no token
    victim_turn, attacker_turn = sent_to_webhook(rsps)
    # the bot sees two different conversations, and no token in either
    assert victim_turn["sender"] != attacker_turn["sender"]
    assert victim_turn["metadata"] == {"channel": "api", "signed_in": True}
    assert attacker_turn["metadata"] == {"channel": "api", "signed_in": False}
    assert "resident_token" not in json.dumps(sent_to_webhook(rsps))

    # the action server acting in the attacker's conversation cannot list the victim's appointments
    attacker_bot = bot_headers(attacker_turn["sender"])
    assert client.get("/api/v1/appointments", headers=attacker_bot).status_code == 401
    # in the victim's conversation it can, while the victim's turn is live …
    assert client.get("/api/v1/appointments", headers=bot_headers(victim_turn["sender"])).status_code == 200
    # … but not with a wrong service token, and not once the turn is over
    wrong = client.get("/api/v1/appointments", headers=bot_headers(victim_turn["sender"], token="guess"))
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "bot_token_invalid"
    with app.app_context():
        from miniapp_api.core.stores import rds, rkey

        rds().delete(rkey("chat", "turn", victim_turn["sender"]))
    expired = client.get("/api/v1/appointments", headers=bot_headers(victim_turn["sender"]))
    assert expired.status_code == 401 and expired.get_json()["error"]["code"] == "turn_expired"

    # WeChat's "wx-<openid>" is not a conversation anyone can name either: the id is keyed with SECRET_KEY
    with app.test_request_context():
        from miniapp_api.identity.chat_identity import conversation_id

        assert conversation_id("oOpenid", None, "wechat") != "wx-oOpenid"
        assert conversation_id("s-victim", victim["resident_id"], "api") == victim_turn["sender"]


def test_item02_bot_servers_need_a_token_and_listen_on_loopback(app, client, rsps):
    # the API sends RASA_TOKEN: a bearer header to the REST channel, ?token= to Rasa's own HTTP API
    webhook_auth = responses.matchers.header_matcher({"Authorization": f"Bearer {RASA_TOKEN}"})
    parse_auth = responses.matchers.query_param_matcher({"token": RASA_TOKEN})
    rsps.add(responses.POST, WEBHOOK, json=[{"text": "您好"}], match=[webhook_auth])
    rsps.add(responses.POST, PARSE, json={"intent": {"name": "greet", "confidence": 0.9}, "entities": []},
             match=[parse_auth])  # fmt: skip
    body = _chat(client, "s-2", "你好")
    assert body["source"] == "rasa" and body["intent"] == "greet"

    procfile = {line.split(":", 1)[0]: line for line in (ROOT / "Procfile").read_text().splitlines() if ":" in line}
    assert '--auth-token "${RASA_TOKEN:?' in procfile["rasa"] and "--interface 127.0.0.1" in procfile["rasa"]
    assert "SANIC_HOST=127.0.0.1" in procfile["actions"]
    assert "token: ${ACTIONS_TOKEN}" in (ROOT / "bot" / "endpoints.yml").read_text()  # unquoted: Rasa expands it
    channel = (ROOT / "bot" / "addons" / "rest_channel.py").read_text()
    assert "RASA_TOKEN" in channel and "SanicUnauthorized" in channel
    assert "server_auth.install()" in (ROOT / "bot" / "actions" / "__init__.py").read_text()


def test_item05_lookup_failures_are_counted_per_chat_user_and_owner_sees_own_case(app, client, rsps):
    admin = staff_token(client)
    bo = backoffice(client, admin)
    owner = resident(app)
    case_no = new_case(client, bo, resident_id=owner["resident_id"])["case_no"]
    other_case = new_case(client, bo)["case_no"]

    from miniapp_api.identity.chat_identity import begin_turn, conversation_id

    with app.test_request_context():  # two chat users, both reaching the API through the action server
        typo, careful = conversation_id("a", None, "api"), conversation_id("b", None, "api")
        begin_turn(typo, None, "203.0.113.7", "api")
        begin_turn(careful, None, "198.51.100.9", "api")
    action_server = from_address("127.0.0.1")
    for _ in range(5):  # one user's typos, on other people's cases
        wrong = client.get("/api/v1/cases/lookup", query_string={"case_no": other_case, "factor": "0000"},
                           headers=bot_headers(typo), **action_server)  # fmt: skip
        assert wrong.status_code == 404
    locked = client.get("/api/v1/cases/lookup", query_string={"case_no": case_no, "factor": ID_1234[-4:]},
                        headers=bot_headers(typo), **action_server)  # fmt: skip
    assert locked.status_code == 429  # that user is locked …
    fine = client.get("/api/v1/cases/lookup", query_string={"case_no": case_no, "factor": ID_1234[-4:]},
                      headers=bot_headers(careful), **action_server)  # fmt: skip
    assert fine.status_code == 200  # … the next chat user on the same action server is not

    for n in range(5):  # strangers from five addresses lock the case for anonymous lookups
        client.get("/api/v1/cases/lookup", query_string={"case_no": case_no, "factor": "9999"},
                   **from_address(f"192.0.2.{n}"))  # fmt: skip
    anonymous = client.get("/api/v1/cases/lookup", query_string={"case_no": case_no, "factor": ID_1234[-4:]},
                           **from_address("192.0.2.99"))  # fmt: skip
    assert anonymous.status_code == 429
    own = client.get("/api/v1/cases/lookup", query_string={"case_no": case_no}, headers=owner["headers"])
    assert own.status_code == 200 and own.get_json()["case_no"] == case_no  # the signed-in owner, no factor
    stranger = resident(app)
    no_factor = client.get("/api/v1/cases/lookup", query_string={"case_no": case_no}, headers=stranger["headers"])
    assert no_factor.status_code == 400 and no_factor.get_json()["error"]["field"] == "factor"
