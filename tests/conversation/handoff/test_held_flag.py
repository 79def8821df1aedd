"""While an agent holds a conversation the bot is not asked, and the common turn (nobody holds it) reads a
Redis flag, not MongoDB; the flags are rebuilt from MongoDB after Redis lost them."""

from __future__ import annotations

from tests.conversation.chat.fakes import bot_replies, sent_to_webhook
from tests.factories import make_staff


def _chat(client, token: str, text: str) -> dict:
    response = client.post("/api/v1/chat", json={"session_id": "s-flag", "text": text},
                           headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert response.status_code == 200
    return response.get_json()


def _handoff(client, token: str) -> str:
    response = client.post(
        "/api/v1/handoffs",
        headers={"Authorization": f"Bearer {token}"},
        json={"session_id": "s-flag", "reason": "转人工", "channel": "api", "transcript": []},
    )
    return response.get_json()["handoff_id"]


def test_no_mongo_read_for_an_unheld_turn_and_the_flag_follows_claim_and_close(
    app, client, admin, rsps, resident_token, monkeypatch
):
    bot_replies(rsps, [{"text": "机器人"}])
    _chat(client, resident_token, "你好")  # builds the flags once
    from miniapp_api.conversation import handoffs

    reads: list[str] = []
    real = handoffs.mongo

    class Recording:
        def __getitem__(self, name: str):
            reads.append(name)
            return real()[name]

    monkeypatch.setattr(handoffs, "mongo", Recording)
    _chat(client, resident_token, "办护照要带什么")
    assert "handoffs" not in reads  # nobody holds it: answered from the Redis flag
    monkeypatch.undo()

    agent = make_staff(client, admin, "agent", "flag.agent")
    handoff_id = _handoff(client, resident_token)
    client.post(f"/api/v1/staff/handoffs/{handoff_id}/claim", headers=agent)
    asked = len(sent_to_webhook(rsps))
    assert _chat(client, resident_token, "在吗")["source"] == "agent"
    # Redis loses every flag (a restart): the next turn rebuilds them from MongoDB and the bot stays silent.
    with app.app_context():
        from miniapp_api.core.stores import rds, rkey

        rds().delete(*rds().keys(rkey("handoff", "held", "*")))
    assert _chat(client, resident_token, "还在吗")["source"] == "agent"
    assert len(sent_to_webhook(rsps)) == asked  # the bot heard neither turn
    client.post(f"/api/v1/staff/handoffs/{handoff_id}/close", headers=agent)
    assert _chat(client, resident_token, "谢谢")["source"] == "rasa"  # the bot answers again


def test_handoff_indexes_are_declared(app):
    from miniapp_api.conversation.handoffs import ensure_indexes

    with app.app_context():
        db = app.extensions["mongo"]
        ensure_indexes(db)
        keys = [list(ix["key"]) for ix in db["handoffs"].list_indexes()]
    assert ["session_id", "status"] in keys
