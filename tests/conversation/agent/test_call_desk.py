"""The call screen's desk: the agent identifies the caller (registered phone + last 4 of the ID), looks up a
case, books and cancels on the caller's behalf through the booking service's own Lua rules (audited with the
agent), files an appeal with type and place, and the call's summary lists all of it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.web.conftest import Browser, make_account

PASSWORD = "Kx9-harbour-lantern"
ID, PHONE = "11010519491231002X", "13812345678"
MONDAY_10AM = dt.datetime(2026, 9, 14, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


class _Clock:
    def __call__(self) -> dt.datetime:
        return MONDAY_10AM


@pytest.fixture
def desk_app(app_config):
    from tests.conversation.chat.fakes import CHAT_CONFIG
    from tests.factories import seeded_app

    app = seeded_app({**app_config, **CHAT_CONFIG, "CASES_DEMO_SEED": True})
    app.extensions["clock"] = _Clock()
    return app


@pytest.fixture
def caller(desk_app) -> str:
    from miniapp_api.identity.resident_auth import issue_session
    from miniapp_api.identity.residents import update_profile

    with desk_app.app_context():
        resident_id = issue_session("openid-caller-1")["resident_id"]
        update_profile(resident_id, {"name": "张三", "id_number": ID, "phone": PHONE})
    return resident_id


def _agent(app, name: str) -> Browser:
    b = Browser(app.test_client())
    assert b.login(make_account(app, "agent", name), PASSWORD).status_code == 302
    assert b.get("/console/calls/?call_id=c-desk").status_code == 200  # a fresh CSRF token
    return b


def test_identify_book_cancel_case_and_appeal_for_the_caller(desk_app, caller, rsps):
    app = desk_app
    agent = _agent(app, "desk.agent")
    # Before identification nobody can be booked for.
    early = agent.post("/console/calls/c-desk/book", {"hall_id": "jc-main", "item_code": "GR-006",
                                                      "date": "2026-09-15", "slot": "09:00-10:00"})  # fmt: skip
    assert early.status_code == 409 and "caller_not_identified" in early.get_data(as_text=True)
    wrong = agent.post("/console/calls/c-desk/identify", {"phone": PHONE, "id_last4": "1234"})
    unknown = agent.post("/console/calls/c-desk/identify", {"phone": "13900000000", "id_last4": "002X"})
    assert wrong.status_code == unknown.status_code == 404  # the same answer: no hint who is registered
    ok = agent.post("/console/calls/c-desk/identify", {"phone": PHONE, "id_last4": "002x"}).get_data(as_text=True)
    assert "已核实来电人身份" in ok and "张三" in ok and "138****5678" in ok and PHONE not in ok

    booked = agent.post("/console/calls/c-desk/book", {"hall_id": "jc-main", "item_code": "GR-006",
                                                       "date": "2026-09-15", "slot": "09:00-10:00"})  # fmt: skip
    html = booked.get_data(as_text=True)
    assert booked.status_code == 200 and "已代为预约" in html and "2026-09-15" in html
    db = app.extensions["mongo"]
    appt = db["appointments"].find_one({"resident_id": caller})
    assert (appt["item_code"], appt["status"]) == ("GR-006", "booked")  # the caller's own booking
    entry = db["audit"].find_one({"action": "appointment.book_on_behalf"})
    assert entry["user"] == "desk.agent" and entry["code"] == appt["_id"] and entry["detail"]["call_id"] == "c-desk"
    # The Lua rules apply as to the resident: a second open booking of the same item is refused.
    again = agent.post("/console/calls/c-desk/book", {"hall_id": "jc-main", "item_code": "GR-006",
                                                      "date": "2026-09-16", "slot": "10:00-11:00"})  # fmt: skip
    assert again.status_code == 409 and db["appointments"].count_documents({"resident_id": caller}) == 1

    cancelled = agent.post(f"/console/calls/c-desk/cancel/{appt['_id']}")
    assert cancelled.status_code == 200 and "已代为取消" in cancelled.get_data(as_text=True)
    assert db["appointments"].find_one({"_id": appt["_id"]})["status"] == "cancelled"
    assert db["audit"].find_one({"action": "appointment.cancel_on_behalf"})["user"] == "desk.agent"

    case = agent.post("/console/calls/c-desk/case", {"case_no": "JC2026112800002", "factor": "2345"})
    assert case.status_code == 200 and "普通护照签发" in case.get_data(as_text=True)
    assert agent.post("/console/calls/c-desk/case", {"case_no": "JC2026112800002", "factor": "0000"}).status_code == 404

    said = {"type": "complaint", "where": "江川市政务服务中心二楼", "contact": PHONE,
            "what": "窗口工作人员态度差，让我来回跑了三趟"}  # fmt: skip
    filed = agent.post("/console/calls/c-desk/appeal", said)
    assert filed.status_code == 200 and "诉求已登记" in filed.get_data(as_text=True)
    appeal = db["appeals"].find_one({"channel": "hotline"})
    assert appeal["type"] == "complaint" and appeal["where"] == "江川市政务服务中心二楼"
    assert appeal["resident_id"] == caller and appeal["timeline"][0]["by"] == "desk.agent"
    missing = agent.post("/console/calls/c-desk/appeal", {"type": "complaint", "where": "", "contact": PHONE,
                                                          "what": "窗口工作人员态度差"})  # fmt: skip
    assert missing.status_code == 400 and "where" in missing.get_data(as_text=True)

    summary = agent.get("/console/calls/c-desk/summary").get_data(as_text=True)
    for text in ("核实来电人 张三", "代为预约 普通护照签发 2026-09-15", "代为取消", "查询办件 JC2026112800002",
                 f"登记诉求 {appeal['_id']}"):  # fmt: skip
        assert text in summary, text


def test_another_agent_cannot_act_for_a_caller_identified_in_someone_elses_call(desk_app, caller, rsps):
    first = _agent(desk_app, "first.agent")
    assert first.post("/console/calls/c-desk/identify", {"phone": PHONE, "id_last4": "002X"}).status_code == 200
    second = _agent(desk_app, "second.agent")
    refused = second.post("/console/calls/c-desk/book", {"hall_id": "jc-main", "item_code": "GR-006",
                                                         "date": "2026-09-15", "slot": "09:00-10:00"})  # fmt: skip
    assert refused.status_code == 409 and "call_not_yours" in refused.get_data(as_text=True)
    taken = second.post("/console/calls/c-desk/identify", {"phone": PHONE, "id_last4": "002X"})
    assert taken.status_code == 409
    assert "张三" not in second.get("/console/calls/?call_id=c-desk").get_data(as_text=True)
    assert second.post("/console/calls/c-desk/book", {"hall_id": "jc-main"}, token=False).status_code == 403
    editor = Browser(desk_app.test_client())
    editor.login(make_account(desk_app, "editor", "desk.editor"), PASSWORD)
    editor.get("/console/")
    assert editor.post("/console/calls/c-desk/identify", {"phone": PHONE, "id_last4": "002X"}).status_code == 403
