"""Appeals (numbered per day, atomically) and handoffs to a person."""

from __future__ import annotations

import datetime as dt
import re
import threading
from zoneinfo import ZoneInfo

import pytest

APPEAL = {"what": "窗口工作人员态度差，让我来回跑了三次", "where": "市民服务中心 A07 窗口", "contact": "13812345678"}


def test_appeal_gets_a_number_and_can_be_looked_up(client):
    response = client.post("/api/v1/appeals", json={**APPEAL, "session_id": "s-1"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")
    assert re.fullmatch(rf"TS{today}\d{{5}}", body["appeal_no"])
    assert body["status"] == "received"
    assert "contact" not in body
    found = client.get(f"/api/v1/appeals/{body['appeal_no']}", query_string={"contact_last4": "5678"})
    assert found.status_code == 200 and found.get_json()["status"] == "received"
    # number + digits are not proof of authorship: the complaint's text stays cut short (issue 13, item 4)
    assert found.get_json()["text_hidden"] is True and found.get_json()["what"] != APPEAL["what"]
    wrong = client.get(f"/api/v1/appeals/{body['appeal_no']}", query_string={"contact_last4": "0000"})
    assert wrong.status_code == 404
    missing = client.get("/api/v1/appeals/TS2020010100001", query_string={"contact_last4": "5678"})
    assert missing.status_code == 404 and missing.get_json()["error"]["message"] == wrong.get_json()["error"]["message"]


def test_numbers_are_unique_and_not_sequential_under_threads(app):
    from miniapp_api.appeals.service import create_appeal

    numbers: list[str] = []
    lock = threading.Lock()

    def file_some():
        with app.app_context():
            for _ in range(10):
                no = create_appeal("事情", "地点", "13812345678", None, None)["_id"]
                with lock:
                    numbers.append(no)

    threads = [threading.Thread(target=file_some) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(numbers) == 80 and len(set(numbers)) == 80
    assert sorted(int(n[-5:]) for n in numbers) != list(range(1, 81))  # random, not a daily sequence


def test_a_number_drawn_twice_is_drawn_again(app, monkeypatch):
    from miniapp_api.appeals import service
    from miniapp_api.appeals.service import create_appeal

    draws = iter([41, 41, 7])  # the second appeal first draws the number the first one holds
    monkeypatch.setattr(service.secrets, "randbelow", lambda n: next(draws))
    with app.app_context():
        first = create_appeal("事情", "地点", "13812345678", None, None)["_id"]
        second = create_appeal("事情", "地点", "13812345678", None, None)["_id"]
    assert first.endswith("00042") and second.endswith("00008")


def test_appeal_links_the_resident_when_a_session_is_given(app, client, agent):
    from miniapp_api.identity.resident_auth import issue_session

    with app.app_context():
        session = issue_session("openid-appeal")
    client.post("/api/v1/appeals", json=APPEAL, headers={"Authorization": f"Bearer {session['token']}"})
    client.post("/api/v1/appeals", json=APPEAL, headers={"Authorization": "Bearer stale"})  # anonymous then
    with app.app_context():
        from miniapp_api.core.stores import mongo

        rows = list(mongo()["appeals"].find({}, {"resident_id": 1}))
    assert sorted(str(r["resident_id"]) for r in rows) == sorted([session["resident_id"], "None"])
    # a hotline agent sees that they exist, not what they say nor whom to call
    listed = client.get("/api/v1/staff/appeals", headers=agent).get_json()["appeals"]
    assert len(listed) == 2 and all("contact" not in r and "what" not in r for r in listed)


@pytest.mark.parametrize("change, field", [
    ({"what": ""}, "what"), ({"what": "   "}, "what"), ({"where": None}, "where"),
    ({"contact": "abc"}, "contact"), ({"contact": "联系我：微信abcdefg"}, "contact"),
    ({"session_id": "bad id"}, "session_id"),
])
def test_appeal_validation(client, change, field):
    response = client.post("/api/v1/appeals", json={**APPEAL, **change})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_appeals_are_rate_limited_per_session(app, client):
    app.config["APPEALS_PER_SESSION_PER_MINUTE"] = 2
    codes = [client.post("/api/v1/appeals", json={**APPEAL, "session_id": "spam"}).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert client.post("/api/v1/appeals", json={**APPEAL, "session_id": "other"}).status_code == 201


def test_staff_appeals_need_an_agent(client, admin):
    assert client.get("/api/v1/staff/appeals").status_code == 401
    assert client.get("/api/v1/staff/appeals", headers=admin).status_code == 200


TRANSCRIPT = [{"sender": "user", "text": "我要转人工"}, {"sender": "bot", "text": "正在为您转接人工客服"}]


def test_handoff_is_opened_listed_and_claimed_once(client, admin, agent):
    from miniapp_api.identity.resident_auth import issue_session

    with client.application.app_context():
        owner = {"Authorization": f"Bearer {issue_session('openid-handoff')['token']}"}
    response = client.post("/api/v1/handoffs", json={"session_id": "s-9", "reason": "human_handoff",
                                                     "transcript": TRANSCRIPT}, headers=owner)  # fmt: skip
    assert response.status_code == 201, response.get_json()
    handoff = response.get_json()
    assert handoff["status"] == "open" and handoff["transcript"] == TRANSCRIPT
    # a repeated failure in the same conversation updates the open handoff instead of adding one
    again = client.post("/api/v1/handoffs", json={"session_id": "s-9", "reason": "repeated_failure",
                                                  "transcript": TRANSCRIPT * 2}, headers=owner).get_json()
    assert again["handoff_id"] == handoff["handoff_id"] and len(again["transcript"]) == 4
    anonymous = client.post("/api/v1/handoffs", json={"session_id": "s-8", "reason": "x"})
    assert anonymous.status_code == 201
    overwrite = client.post("/api/v1/handoffs", json={"session_id": "s-8", "reason": "overwritten"})
    assert overwrite.status_code == 409  # an anonymous caller cannot overwrite an open handoff (issue 13)
    listed = client.get("/api/v1/staff/handoffs", query_string={"status": "open"}, headers=agent).get_json()
    assert handoff["handoff_id"] in [h["handoff_id"] for h in listed["handoffs"]]

    claim = client.post(f"/api/v1/staff/handoffs/{handoff['handoff_id']}/claim", headers=agent)
    assert claim.status_code == 200 and claim.get_json()["status"] == "claimed"
    second = client.post(f"/api/v1/staff/handoffs/{handoff['handoff_id']}/claim", headers=admin)
    assert second.status_code == 409
    assert client.post("/api/v1/staff/handoffs/nope/claim", headers=agent).status_code == 404
    # after the claim a new handoff for the same session is a new task
    fresh = client.post("/api/v1/handoffs", json={"session_id": "s-9", "reason": "again"}, headers=owner).get_json()
    assert fresh["handoff_id"] != handoff["handoff_id"]


def test_concurrent_claims_have_one_winner(app, client):
    from miniapp_api.conversation.handoffs import claim_handoff

    handoff = client.post("/api/v1/handoffs", json={"session_id": "s-c", "reason": "x"}).get_json()
    results: list[str] = []

    def claim(name):
        with app.app_context():
            try:
                claim_handoff(handoff["handoff_id"], name)
                results.append("won")
            except Exception as exc:  # Conflict
                results.append(type(exc).__name__)

    threads = [threading.Thread(target=claim, args=(f"agent{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["Conflict"] * 5 + ["won"]


@pytest.mark.parametrize("payload, field", [
    ({"reason": "x"}, "session_id"),
    ({"session_id": "s", "reason": ""}, "reason"),
    ({"session_id": "s", "reason": "x", "transcript": [{"text": "hi"}]}, "transcript.0.sender"),
    ({"session_id": "s", "reason": "x", "transcript": "hello"}, "transcript"),
])
def test_handoff_validation(client, payload, field):
    response = client.post("/api/v1/handoffs", json=payload)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_staff_handoffs_need_an_agent(client, admin):
    from tests.factories import make_staff

    editor = make_staff(client, admin, "editor")
    assert client.get("/api/v1/staff/handoffs", headers=editor).status_code == 403
