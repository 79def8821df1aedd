"""Done means: a complaint filed in chat is dispatched, returned once, accepted, replied to; the resident
is told and rates it 不满意; it reopens; the second reply is rated 满意; the figures show it."""

from __future__ import annotations

import csv
import io

import responses

from tests.appeals.conftest import auth
from tests.conversation.chat.fakes import CHAT_CONFIG, bot_replies

COMPLAINT = {"what": "楼下烧烤摊天天摆到半夜两点，油烟全飘进我家窗户，还占了半条人行道", "where": "光华大道 88 号楼下",
             "contact": "13912345678", "type": "投诉", "session_id": "story-1"}  # fmt: skip


def _step(client, headers, number, path, **body):
    response = client.post(f"/api/v1/staff/appeals/{number}/{path}", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_appeal_story(app, client, dispatcher, clerk, police, resident):
    app.config.update(CHAT_CONFIG)
    # 1. filed in chat: the bot's action posts the form with the chat session and the resident's token
    filed = client.post("/api/v1/appeals", json=COMPLAINT, headers=auth(resident))
    assert filed.status_code == 201, filed.get_json()
    appeal = filed.get_json()
    number = appeal["appeal_no"]
    assert (appeal["type"], appeal["type_label"], appeal["status"]) == ("complaint", "投诉", "received")
    assert appeal["due_on"] > appeal["received_on"] and appeal["lamp"] == "green"

    # 2. the dispatcher's queue suggests the department from the text
    queue = client.get("/api/v1/staff/appeals/queue", headers=dispatcher).get_json()["appeals"]
    [waiting] = [a for a in queue if a["appeal_no"] == number]
    assert waiting["suggested"]["department"] == "城市管理局" and waiting["what"] == COMPLAINT["what"]

    # 3. dispatched to the wrong department, which returns it once
    _step(client, dispatcher, number, "dispatch", department="公安局")
    returned = _step(client, police, number, "return", reason="占道经营和油烟属城管职责")
    assert returned["status"] == "returned" and returned["returns"] == 1 and returned["department"] is None

    # 4. dispatched again, accepted, replied
    _step(client, dispatcher, number, "dispatch", department="城市管理局", reason="按退回意见改派")
    assert _step(client, clerk, number, "accept")["status"] == "accepted"
    first_reply = "已责令摊主退回店内经营，限期安装油烟净化设备"
    replied = _step(client, clerk, number, "reply", reason=first_reply)
    assert replied["status"] == "replied" and replied["lamp"] == "none"

    # 5. the resident is told: a subscribe message, and the reply before the bot's next chat answer
    with app.app_context():
        from miniapp_api.core.stores import mongo

        [note] = list(mongo()["notifications"].find({"kind": "appeal_reply"}))
    assert note["resident_id"] == resident["resident_id"] and note["data"]["appeal_no"] == number
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        bot_replies(rsps, [{"text": "您好，请问还有什么可以帮您？"}])
        # the same session, signed in as the resident (the session alone reaches nobody's replies: issue 13)
        turn = client.post("/api/v1/chat", json={"session_id": "story-1", "text": "你好"},
                           headers=auth(resident)).get_json()  # fmt: skip
        again = client.post("/api/v1/chat", json={"session_id": "story-1", "text": "你好"},
                            headers=auth(resident)).get_json()  # fmt: skip
        stranger = client.post("/api/v1/chat", json={"session_id": "story-1", "text": "你好"}).get_json()
    assert all(number not in r["text"] for r in stranger["replies"])
    assert number in turn["replies"][0]["text"] and first_reply in turn["replies"][0]["text"]
    assert turn["replies"][1]["text"] == "您好，请问还有什么可以帮您？"
    assert [r["text"] for r in again["replies"]] == ["您好，请问还有什么可以帮您？"]  # shown once
    mine = client.get("/api/v1/appeals", headers=auth(resident)).get_json()["appeals"]
    assert mine[0]["appeal_no"] == number and mine[0]["reply"] == first_reply and mine[0]["may_reopen"] is True

    # 6. 不满意 reopens it to the same department with the comment
    rated = client.post(f"/api/v1/appeals/{number}/rating", headers=auth(resident),
                        json={"rating": "unsatisfied", "comment": "摊子晚上又摆出来了"})  # fmt: skip
    assert rated.status_code == 200, rated.get_json()
    assert rated.get_json()["status"] == "reopened" and rated.get_json()["department"] == "城市管理局"
    detail = client.get(f"/api/v1/staff/appeals/{number}", headers=clerk).get_json()
    assert "摊子晚上又摆出来了" in detail["timeline"][-1]["note"] and detail["reopens"] == 1

    # 7. the second reply is rated 满意 and the appeal closes
    _step(client, clerk, number, "reply", reason="已安排夜间巡查，摊点已取缔")
    closed = client.post(f"/api/v1/appeals/{number}/rating", json={"rating": "satisfied"}, headers=auth(resident))
    assert closed.get_json()["status"] == "closed" and closed.get_json()["rating"] == "satisfied"
    with app.app_context():
        from miniapp_api.core.stores import mongo

        told = list(mongo()["notifications"].find({"kind": "appeal_reply", "data.appeal_no": number}))
    assert len(told) == 2  # the second reply reached the resident too

    # the timeline says who did what, when
    timeline = client.get(f"/api/v1/staff/appeals/{number}", headers=dispatcher).get_json()["timeline"]
    assert [e["action"] for e in timeline] == ["file", "dispatch", "return", "dispatch", "accept", "reply", "reopen",
                                               "reply", "rate"]  # fmt: skip
    assert [e["who"] for e in timeline][1:6] == ["12345热线中心", "公安局", "12345热线中心", "城市管理局", "城市管理局"]
    assert all(e["at"] and e["by"] for e in timeline)
    with app.app_context():
        from miniapp_api.core.audit import audit_entries
        from miniapp_api.core.stores import mongo

        assert len(audit_entries(mongo(), number)) == 9

    # 8. the figures show it
    day = appeal["received_on"]
    report = client.get("/api/v1/staff/appeals/figures", query_string={"from": day, "to": day},
                        headers=dispatcher).get_json()  # fmt: skip
    total = report["total"]
    assert (total["received"], total["replied"], total["reply_rate"], total["reopened"]) == (1, 1, 1.0, 1)
    assert (total["rated"], total["satisfied"], total["satisfaction_rate"], total["overdue_now"]) == (1, 1, 1.0, 0)
    assert total["on_time"] == 1 and total["mean_reply_workdays"] == 0.0
    assert [r["department"] for r in report["by_department"]] == ["城市管理局"]
    assert report["by_type"][0]["label"] == "投诉"
    exported = client.get("/api/v1/staff/appeals/figures.csv", query_string={"from": day, "to": day},
                          headers=dispatcher)  # fmt: skip
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0]["received"] == "1" and rows[0]["satisfaction_rate"] == "1.0"
    assert ("department", "城市管理局") in [(r["scope"], r["name"]) for r in rows]

    # 9. and so does the staff dashboard (today's panel: the same report, numbers beside the chart)
    from tests.web.conftest import Browser

    manager = Browser(app.test_client())
    assert manager.login("admin", "admin-pass-123").status_code == 302
    page = manager.get("/console/dashboard/?range=today")
    html = page.get_data(as_text=True)
    assert 'id="appeals-panel"' in html, (page.status_code, page.headers.get("Location"), html[:800])
    panel = html[html.index('id="appeals-panel"'):]
    assert '<div class="kpi" id="kpi-appeals"><div class="v">1</div>' in panel
    row = panel[panel.index("<td>城市管理局</td>"):]
    cells = [c.split("<")[0] for c in row[: row.index("</tr>")].split('<td class="num">')[1:]]
    # received, replied, reply rate, on time, mean, p90, satisfied, reopened, overdue
    assert cells == ["1", "1", "100.0%", "100.0%", "0.0", "0", "100.0%", "1", "0"]
