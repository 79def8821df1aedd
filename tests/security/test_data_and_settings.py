"""Issue 13, items 4, 10, 11 and 12: appeal lookups and handoffs, unsafe settings, personal data in
logs, and the booking rules."""

from __future__ import annotations

import pytest

from miniapp_api import create_app
from miniapp_api.core.startup_checks import UnsafeSettings, problems
from tests.booking.conftest import MONDAY_10AM, Clock
from tests.factories import make_staff, staff_token
from tests.security.conftest import bot_headers, from_address, resident

ID_NUMBER = "11010519491231002X"
APPEAL = {"what": "窗口工作人员态度差，让我来回跑了三次", "where": "市民服务中心 A07", "contact": "13812345678"}


def test_item04_appeal_lookup_and_handoff_overwrite(app, client):
    owner = resident(app)
    filed = client.post("/api/v1/appeals", json={**APPEAL, "session_id": "s-own"}, headers=owner["headers"])
    assert filed.status_code == 201
    number = filed.get_json()["appeal_no"]
    others = [client.post("/api/v1/appeals", json={**APPEAL, "session_id": f"s-{n}"}).get_json()["appeal_no"]
              for n in range(3)]  # fmt: skip
    assert sorted(int(n[-5:]) for n in [number, *others]) != list(range(1, 5))  # numbers are not a sequence

    # the same appeal guessed from five addresses: the sixth address is refused too
    for n in range(5):
        wrong = client.get(f"/api/v1/appeals/{number}", query_string={"contact_last4": f"{n:04d}"},
                           **from_address(f"198.51.100.{n}"))  # fmt: skip
        assert wrong.status_code == 404
    refused = client.get(f"/api/v1/appeals/{number}", query_string={"contact_last4": "5678"},
                         **from_address("198.51.100.77"))  # fmt: skip
    assert refused.status_code == 429

    # number + digits alone do not show what the resident wrote; the signed-in owner sees it all
    other = others[0]
    anonymous = client.get(f"/api/v1/appeals/{other}", query_string={"contact_last4": "5678"}).get_json()
    assert anonymous["text_hidden"] is True and APPEAL["what"] not in str(anonymous) and anonymous["where"] is None
    mine = client.get("/api/v1/appeals", headers=owner["headers"]).get_json()["appeals"]
    assert mine[0]["what"] == APPEAL["what"]

    # an anonymous POST /handoffs cannot overwrite the open handoff the bot filed in a conversation
    from miniapp_api.identity.chat_identity import begin_turn, conversation_id

    with app.test_request_context():
        conversation = conversation_id("s-h", None, "api")
        begin_turn(conversation, None, "203.0.113.5", "api")
    body = {"session_id": conversation, "reason": "resident_request",
            "transcript": [{"sender": "resident", "text": "我的身份证号是11010519491231002X，转人工"}]}  # fmt: skip
    assert client.post("/api/v1/handoffs", json=body, headers=bot_headers(conversation)).status_code == 201
    body2 = {"session_id": "s-h", "reason": "overwritten", "transcript": []}
    assert client.post("/api/v1/handoffs", json=body2).status_code == 409
    agent = make_staff(client, staff_token(client), "agent")
    [handoff] = client.get("/api/v1/staff/handoffs", headers=agent).get_json()["handoffs"]
    assert handoff["reason"] == "resident_request" and ID_NUMBER not in str(handoff)  # kept, and masked (11)


def test_item10_unsafe_settings_are_refused_with_reasons():
    with pytest.raises(UnsafeSettings, match="SECRET_KEY is the published default"):
        create_app({"TESTING": False, "SECRET_KEY": "dev-only-change-me"})
    with pytest.raises(UnsafeSettings, match="fewer than 32"):
        create_app({"TESTING": False, "SECRET_KEY": "short-secret"})
    good = {"SECRET_KEY": "k" * 48}
    assert problems(good) == []
    assert problems({**good, "DEV_LOGIN": True}) == []  # development without production settings is fine
    found = problems({**good, "MONGO_URI": "mongodb://db", "DEV_LOGIN": True, "BOOTSTRAP_ADMIN": "a:b"})
    assert len(found) == 2 and all("MONGO_URI" in f for f in found)
    assert any(f.startswith("DEV_LOGIN") for f in found) and any(f.startswith("BOOTSTRAP_ADMIN") for f in found)
    assert problems({**good, "WECHAT_APP_SECRET": "s", "DEV_LOGIN": True})[0].startswith("DEV_LOGIN")


def test_item11_personal_data_is_masked_and_digits_are_ascii(app, client):
    admin = staff_token(client)
    question = f"我的身份证{ID_NUMBER}和手机13812345678能不能查到宇宙飞船"
    client.get("/api/v1/kb/search", query_string={"q": question})
    listed = str(client.get("/api/v1/staff/kb/unanswered", headers=admin).get_json())
    assert "[身份证号]" in listed and "[手机号]" in listed
    assert ID_NUMBER not in listed and "13812345678" not in listed and "002X" not in listed

    with app.app_context():  # agent feedback keeps the question the caller said, masked
        from miniapp_api.conversation.agent_assist import record_feedback
        from miniapp_api.core.stores import rds, rkey

        rds().rpush(rkey("call", "c-pii"), '{"text": "我手机是13812345678，护照多少钱", "item_code": "GR-006"}')
        saved = record_feedback("c-pii", {"item_code": "GR-006", "field": "fee"}, "edited",
                                "请回拨１３８１２３４５６７８", "agent-1")  # fmt: skip
        doc = app.extensions["mongo"]["agent_feedback"].find_one({"_id": saved["feedback_id"]})
    assert "13812345678" not in doc["question"] and "１３８１２３４５６７８" not in doc["edited_text"]

    someone = resident(app)
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    refused = client.put("/api/v1/me", json={"id_number": full_width}, headers=someone["headers"])
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "id_number"
    assert client.put("/api/v1/me", json={"id_number": ID_NUMBER}, headers=someone["headers"]).status_code == 200


def test_item12_booking_rules(app, client):
    clock = Clock(MONDAY_10AM)
    app.extensions["clock"] = clock
    admin = staff_token(client)
    agent = make_staff(client, admin, "agent")
    someone = resident(app)
    body = {"hall_id": "jc-main", "item_code": "GR-006", "date": "2026-09-15", "slot": "09:00-10:00"}
    booked = client.post("/api/v1/appointments", json=body, headers=someone["headers"])
    assert booked.status_code == 201
    appointment = booked.get_json()["appointment_id"]
    future = client.post(f"/api/v1/staff/appointments/{appointment}/no_show", headers=agent)
    assert future.status_code == 409 and future.get_json()["error"]["code"] == "not_yet_due"

    # a booking made inside the cut-off can be cancelled shortly after it was made, not later
    clock.set("2026-09-15T08:10:00")  # 50 minutes before the slot: inside the 60-minute cut-off
    other = resident(app)
    late = client.post("/api/v1/appointments", json={**body, "item_code": "GR-006"}, headers=other["headers"])
    assert late.status_code == 201
    clock.set("2026-09-15T08:20:00")
    ok = client.delete(f"/api/v1/appointments/{late.get_json()['appointment_id']}", headers=other["headers"])
    assert ok.status_code == 200, ok.get_json()
    again = client.post("/api/v1/appointments", json={**body, "item_code": "GR-006"}, headers=other["headers"])
    assert again.status_code == 201
    clock.set("2026-09-15T08:40:00")  # 30 minutes after booking: the grace is over
    too_late = client.delete(f"/api/v1/appointments/{again.get_json()['appointment_id']}", headers=other["headers"])
    assert too_late.status_code == 409 and too_late.get_json()["error"]["code"] == "cancel_cutoff_passed"

    wrong_category = client.get("/api/v1/halls/jc-main/slots",
                                query_string={"item_code": "GR-006", "category": "Z", "date": "2026-09-16"})
    assert wrong_category.status_code == 400 and wrong_category.get_json()["error"]["field"] == "category"
    form = client.post("/api/v1/appointments", data="hall_id=jc-main&item_code=GR-006", headers=someone["headers"],
                       content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert form.status_code == 400 and form.get_json()["error"]["code"] == "malformed_json"
