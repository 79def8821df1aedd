"""The appeal steps through the API: allowed and refused, by role; visibility; merge, extension, sweep."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.appeals.conftest import APPEAL, auth

STREET = {"what": "人民路和解放路路口的井盖松了，车一压就哐当响，怕有人掉下去", "where": "人民路解放路口",
          "contact": "13700001111", "type": "求助"}  # fmt: skip


def file(client, headers: dict | None = None, **change) -> dict:
    response = client.post("/api/v1/appeals", json={**STREET, **change}, headers=headers or {})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def step(client, headers, number, path, expect=200, **body) -> dict:
    response = client.post(f"/api/v1/staff/appeals/{number}/{path}", json=body, headers=headers)
    assert response.status_code == expect, (path, response.get_json())
    return response.get_json()


def to_accepted(client, dispatcher, clerk) -> str:
    number = file(client)["appeal_no"]
    step(client, dispatcher, number, "dispatch", department="城市管理局")
    step(client, clerk, number, "accept")
    return number


# -- refused steps: who, from where, how often ---------------------------------------------------------------
def test_steps_out_of_order_are_409(client, dispatcher, clerk):
    number = file(client)["appeal_no"]
    # before dispatch the clerk does not hold it (403); the dispatcher may not accept at all (403)
    assert step(client, clerk, number, "accept", expect=403)["error"]["field"] == "department"
    assert step(client, dispatcher, number, "accept", expect=403)["error"]["code"] == "forbidden"
    refused = step(client, dispatcher, number, "extension/approve", expect=409)["error"]
    assert refused["code"] == "illegal_transition" and "received" in refused["message"]
    step(client, dispatcher, number, "dispatch", department="城市管理局")
    refused = step(client, dispatcher, number, "dispatch", department="水务局", expect=409)["error"]
    assert refused["code"] == "illegal_transition" and "dispatched" in refused["message"]
    assert step(client, clerk, number, "reply", reason="x", expect=409)["error"]["code"] == "illegal_transition"


def test_roles_are_checked(client, dispatcher, clerk, police, agent, admin):
    number = file(client)["appeal_no"]
    for headers in (clerk, police, agent):
        assert step(client, headers, number, "dispatch", department="城市管理局", expect=403)["error"]["code"]
    assert client.post(f"/api/v1/staff/appeals/{number}/dispatch", json={"department": "城市管理局"}).status_code == 401
    step(client, admin, number, "dispatch", department="城市管理局")  # an admin is also a dispatcher
    step(client, police, number, "accept", expect=403)  # another department
    step(client, admin, number, "accept", expect=403)  # an admin has no departments
    step(client, clerk, number, "accept")


def test_returned_at_most_twice(client, dispatcher, clerk):
    number = file(client)["appeal_no"]
    for _ in range(2):
        step(client, dispatcher, number, "dispatch", department="城市管理局")
        step(client, clerk, number, "return", reason="不属于本部门职责")
    step(client, dispatcher, number, "dispatch", department="城市管理局")
    refused = step(client, clerk, number, "return", reason="还是不归我们", expect=409)["error"]
    assert refused["code"] == "returns_limit"
    assert step(client, clerk, number, "return", expect=409)["error"]["code"] == "returns_limit"
    step(client, clerk, number, "accept")


def test_a_return_needs_a_reason(client, dispatcher, clerk):
    number = file(client)["appeal_no"]
    step(client, dispatcher, number, "dispatch", department="城市管理局")
    assert step(client, clerk, number, "return", expect=409)["error"]["code"] == "reason_required"
    assert step(client, clerk, number, "return", reason="  ", expect=400)["error"]["field"] == "reason"


def test_extension_request_and_approval_move_the_deadline(client, dispatcher, clerk):
    number = to_accepted(client, dispatcher, clerk)
    before = client.get(f"/api/v1/staff/appeals/{number}", headers=clerk).get_json()["due_on"]
    asked = step(client, clerk, number, "extension", days=3, reason="需要协调燃气公司现场勘查")
    assert asked["status"] == "extension_requested" and asked["pending_extension"]["days"] == 3
    assert step(client, clerk, number, "extension/approve", expect=403)  # the department cannot approve itself
    assert step(client, dispatcher, number, "extension/approve", days=5, expect=400)["error"]["field"] == "days"
    approved = step(client, dispatcher, number, "extension/approve", days=2)
    assert approved["status"] == "accepted" and approved["extensions"] == 1 and approved["due_on"] > before
    assert approved["pending_extension"] is None
    refused = step(client, clerk, number, "extension", days=1, reason="再延一次", expect=409)["error"]
    assert refused["code"] == "extensions_limit"


def test_a_refused_extension_keeps_the_deadline(client, dispatcher, clerk):
    number = to_accepted(client, dispatcher, clerk)
    before = client.get(f"/api/v1/staff/appeals/{number}", headers=clerk).get_json()["due_on"]
    step(client, clerk, number, "extension", days=3, reason="人手不足")
    assert step(client, dispatcher, number, "extension/refuse", expect=409)["error"]["code"] == "reason_required"
    after = step(client, dispatcher, number, "extension/refuse", reason="井盖松动属紧急事项，请按期办理")
    assert after["status"] == "accepted" and after["due_on"] == before and after["extensions"] == 0
    # the department may still reply while its request is pending
    step(client, clerk, number, "extension", days=2, reason="再申请")
    assert step(client, clerk, number, "reply", reason="已更换井盖")["status"] == "replied"


def test_rating_rules(app, client, dispatcher, clerk, resident, monkeypatch):
    number = file(client, auth(resident))["appeal_no"]
    step(client, dispatcher, number, "dispatch", department="城市管理局")
    step(client, clerk, number, "accept")
    rate = f"/api/v1/appeals/{number}/rating"
    assert client.post(rate, json={"rating": "satisfied"}, headers=auth(resident)).status_code == 409  # not replied
    step(client, clerk, number, "reply", reason="已更换井盖")
    assert client.post(rate, json={"rating": "great"}, headers=auth(resident)).status_code == 400
    assert client.post(rate, json={"rating": "satisfied"}).get_json()["error"]["field"] == "contact_last4"
    assert client.post(rate, json={"rating": "satisfied", "contact_last4": "0000"}).status_code == 404
    # eight days later the window is closed, and the sweep closes it as not rated
    from miniapp_api.appeals import workflow

    later = workflow.utcnow() + dt.timedelta(days=8)
    monkeypatch.setattr(workflow, "utcnow", lambda: later)
    late = client.post(rate, json={"rating": "unsatisfied"}, headers=auth(resident)).get_json()["error"]
    assert late["code"] == "rating_window_closed"
    assert client.post("/api/v1/staff/appeals/close-unrated", headers=dispatcher).get_json() == {"closed": 1}
    closed = client.get(f"/api/v1/staff/appeals/{number}", headers=dispatcher).get_json()
    assert closed["status"] == "closed" and closed["rating"] is None
    assert closed["timeline"][-1]["who"] == "系统"


def test_anonymous_filer_rates_with_the_contact_digits_and_reopens_only_once(client, dispatcher, clerk):
    number = to_accepted(client, dispatcher, clerk)
    step(client, clerk, number, "reply", reason="已处理")
    rate = f"/api/v1/appeals/{number}/rating"
    first = client.post(rate, json={"rating": "unsatisfied", "comment": "没修好", "contact_last4": "1111"})
    assert first.get_json()["status"] == "reopened"
    step(client, clerk, number, "accept")
    step(client, clerk, number, "reply", reason="已重新加固")
    second = client.post(rate, json={"rating": "unsatisfied", "contact_last4": "1111"}).get_json()
    assert second["status"] == "closed" and second["rating"] == "unsatisfied"


def test_merge_duplicates(client, dispatcher, clerk, resident):
    first = file(client)["appeal_no"]
    dup = file(client, auth(resident), what="解放路人民路路口的井盖松动，车一过就响", session_id="dup-1")["appeal_no"]
    queue = client.get("/api/v1/staff/appeals/queue", headers=dispatcher).get_json()["appeals"]
    [entry] = [a for a in queue if a["appeal_no"] == dup]
    assert entry["duplicates"][0]["appeal_no"] == first
    assert step(client, dispatcher, dup, "merge", into=dup, reason="同一井盖", expect=409)
    assert step(client, dispatcher, dup, "merge", into="TS2020010100001", reason="x", expect=404)
    assert step(client, dispatcher, dup, "merge", reason="x", expect=400)["error"]["field"] == "into"
    merged = step(client, dispatcher, dup, "merge", into=first, reason="同一井盖")
    assert merged["status"] == "merged" and merged["merged_into"] == first
    step(client, dispatcher, first, "dispatch", department="城市管理局")
    step(client, clerk, first, "accept")
    step(client, clerk, first, "reply", reason="已更换井盖")
    # the resident of the merged duplicate gets the reply too
    messages = client.get("/api/v1/appeals/messages/dup-1", headers=auth(resident)).get_json()["messages"]
    assert client.get("/api/v1/appeals/messages/dup-1").get_json()["messages"] == []  # the id alone: nothing
    assert first in messages[0]["text"] and "已更换井盖" in messages[0]["text"]
    assert step(client, dispatcher, dup, "dispatch", department="城市管理局", expect=409)


def test_unknown_department_and_unknown_fields(client, dispatcher):
    number = file(client)["appeal_no"]
    bad = step(client, dispatcher, number, "dispatch", department="魔法部", expect=400)["error"]
    assert bad["field"] == "department" and bad["code"] == "unknown_department"
    assert step(client, dispatcher, number, "dispatch", department="城市管理局", color="red", expect=400)
    assert client.get("/api/v1/staff/appeals/TS2099", headers=dispatcher).status_code == 404


# -- visibility ------------------------------------------------------------------------------------------------
def test_visibility_by_role(client, dispatcher, clerk, police, agent, resident, app):
    number = file(client, auth(resident))["appeal_no"]

    def detail(headers):
        return client.get(f"/api/v1/staff/appeals/{number}", headers=headers).get_json()

    assert detail(dispatcher)["what"] == STREET["what"] and detail(dispatcher)["contact"] == STREET["contact"]
    for headers in (clerk, police, agent):  # not with them yet
        seen = detail(headers)
        assert seen["private"] is False and "what" not in seen and "contact" not in seen
        assert all("note" not in e for e in seen["timeline"])
    step(client, dispatcher, number, "dispatch", department="城市管理局")
    assert detail(clerk)["contact"] == STREET["contact"] and "what" not in detail(police)
    listed = client.get("/api/v1/staff/appeals", headers=clerk).get_json()["appeals"]
    assert [a["appeal_no"] for a in listed] == [number]
    assert client.get("/api/v1/staff/appeals", headers=police).get_json()["appeals"] == []
    assert client.get("/api/v1/staff/appeals", headers=police, query_string={"department": "城市管理局"}
                      ).get_json()["appeals"] == []  # fmt: skip
    step(client, clerk, number, "return", reason="不归我们")
    assert "what" not in detail(clerk)  # returned: no longer the department's
    # the resident sees their own appeal when signed in, nobody else's
    mine = client.get("/api/v1/appeals", headers=auth(resident)).get_json()["appeals"]
    assert [a["appeal_no"] for a in mine] == [number] and mine[0]["what"] == STREET["what"]
    assert client.get("/api/v1/appeals").status_code == 401
    from miniapp_api.identity.resident_auth import issue_session

    with app.app_context():
        other = {"Authorization": f"Bearer {issue_session('someone-else')['token']}"}
    assert client.get("/api/v1/appeals", headers=other).get_json()["appeals"] == []
    rated = client.post(f"/api/v1/appeals/{number}/rating", json={"rating": "satisfied"}, headers=other)
    assert rated.status_code == 404


def test_figures_need_staff_and_a_sane_period(client, dispatcher, agent):
    args = {"from": "2026-01-01", "to": "2026-12-31"}
    assert client.get("/api/v1/staff/appeals/figures", query_string=args).status_code == 401
    assert client.get("/api/v1/staff/appeals/figures", query_string=args, headers=agent).status_code == 403
    assert client.get("/api/v1/staff/appeals/figures", query_string=args, headers=dispatcher).status_code == 200
    back = client.get("/api/v1/staff/appeals/figures", query_string={"from": "2026-02-01", "to": "2026-01-01"},
                      headers=dispatcher)  # fmt: skip
    assert back.status_code == 400 and back.get_json()["error"]["field"] == "to"
    bad = client.get("/api/v1/staff/appeals/figures", query_string={"from": "x", "to": "2026-01-01"},
                     headers=dispatcher)  # fmt: skip
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "from"


def test_the_rollup_equals_figures_from_the_documents(app, client, dispatcher, clerk):
    for i in range(4):
        number = file(client, type=["咨询", "投诉", "建议", "求助"][i])["appeal_no"]
        if i:
            step(client, dispatcher, number, "dispatch", department="城市管理局")
        if i > 1:
            step(client, clerk, number, "accept")
            step(client, clerk, number, "reply", reason="已处理")
    with app.app_context():
        from miniapp_api.appeals import figures, rollup
        from miniapp_api.core.clock import local_today
        from miniapp_api.core.stores import mongo

        today = local_today()
        kept = rollup.report(today, today, today, str)
        direct = figures.figures(mongo()["appeals"].find(), today, str)
        assert {k: kept[k] for k in direct} == direct and kept["total"]["received"] == 4
        # deadlines of appeals no longer open are dropped, not kept as zeros
        [day] = list(mongo()[rollup.CELLS].find())
        due_maps = [cell.get(n, {}) for cell in day["cells"].values() for n in ("open_due", "unreplied_due")]
        assert sum(len(m) for m in due_maps) == 4 and all(v > 0 for m in due_maps for v in m.values())  # 2 open × 2
        assert rollup.rebuild() == 4
        assert rollup.report(today, today, today, str) == kept


# -- filing ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("said,code,days", [
    ("咨询", "consult", 3), ("我想投诉", "complaint", 10), (None, "complaint", 10), ("suggestion", "suggestion", 15),
])  # fmt: skip
def test_types_set_the_deadline(client, said, code, days, app):
    filed = file(client, type=said)
    assert filed["type"] == code
    with app.app_context():
        from miniapp_api.appeals.deadlines import add_workdays
        from miniapp_api.appeals.workflow import calendar

        expected = add_workdays(calendar(), dt.date.fromisoformat(filed["received_on"]), days)
    assert filed["due_on"] == expected.isoformat()


def test_an_unknown_type_is_400(client):
    response = client.post("/api/v1/appeals", json={**APPEAL, "type": "嗯嗯"})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "type"


def test_types_are_listed(client):
    types = client.get("/api/v1/appeals/types").get_json()["types"]
    assert {t["label"]: t["days"] for t in types} == {"咨询": 3, "求助": 5, "投诉": 10, "建议": 15}


def test_hotline_appeals_record_the_agent(client, agent, dispatcher):
    assert client.post("/api/v1/appeals", json={**APPEAL, "channel": "hotline"}).status_code == 401
    filed = client.post("/api/v1/appeals", json={**APPEAL, "channel": "hotline"}, headers=agent).get_json()
    timeline = client.get(f"/api/v1/staff/appeals/{filed['appeal_no']}", headers=dispatcher).get_json()["timeline"]
    assert timeline[0]["by"].startswith("agent-") and timeline[0]["who"] == "12345热线坐席"
    assert filed["channel"] == "hotline"


def test_staff_edit_the_keyword_table(client, dispatcher, clerk):
    before = client.get("/api/v1/staff/appeals/keywords", headers=dispatcher).get_json()["departments"]
    assert before["城市管理局"]["井盖"] == 3
    assert client.put("/api/v1/staff/appeals/keywords", json={"departments": before}, headers=clerk).status_code == 403
    bad = client.put("/api/v1/staff/appeals/keywords", json={"departments": {"甲": {"水": 0}}}, headers=dispatcher)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "departments"
    changed = {**before, "水务局": {**before["水务局"], "井盖": 9}}
    stored = client.put("/api/v1/staff/appeals/keywords", json={"departments": changed}, headers=dispatcher)
    assert stored.status_code == 200
    number = file(client)["appeal_no"]
    queue = client.get("/api/v1/staff/appeals/queue", headers=dispatcher).get_json()["appeals"]
    assert [a["suggested"]["department"] for a in queue if a["appeal_no"] == number] == ["水务局"]


def test_wechat_chat_appeals_are_marked_and_their_reply_waits_for_the_session(client, dispatcher, clerk, app):
    from miniapp_api.identity.chat_identity import begin_turn, conversation_id

    # the bot files it during a WeChat chat turn: its service token and the turn's conversation
    app.config["BOT_API_TOKEN"] = "bot-secret"
    with app.test_request_context():
        conversation = conversation_id("openid-1", None, "wechat")
        begin_turn(conversation, None, None, "wechat")
    bot = {"X-Bot-Token": "bot-secret", "X-Chat-Conversation": conversation}
    filed = file(client, bot, session_id=conversation)
    assert filed["channel"] == "wechat"
    number = filed["appeal_no"]
    step(client, dispatcher, number, "dispatch", department="城市管理局")
    step(client, clerk, number, "accept")
    step(client, clerk, number, "reply", reason="已更换井盖")
    with app.app_context():
        from miniapp_api.appeals.delivery import take_messages

        first, again = take_messages(conversation), take_messages(conversation)
    assert len(first) == 1 and number in first[0] and again == []
    with app.test_request_context():
        begin_turn(conversation, None, None, "wechat")  # the next turn
    history = client.get(f"/api/v1/appeals/messages/{conversation}", headers=bot).get_json()["messages"]
    assert history[0]["appeal_no"] == number and history[0]["shown"] is True


def test_cli_commands(app, client, dispatcher, clerk, monkeypatch):
    number = to_accepted(client, dispatcher, clerk)
    step(client, clerk, number, "reply", reason="已处理")
    runner = app.test_cli_runner()
    assert "figures rebuilt from 1 appeals" in runner.invoke(args=["appeals", "rebuild-figures"]).output
    assert "closed 0 appeals" in runner.invoke(args=["appeals", "close-unrated"]).output
    from miniapp_api.appeals import workflow

    later = workflow.utcnow() + dt.timedelta(days=8)
    monkeypatch.setattr(workflow, "utcnow", lambda: later)
    assert "closed 1 appeals" in runner.invoke(args=["appeals", "close-unrated"]).output


def test_two_dispatchers_at_once_one_wins(app, client):
    import threading

    from miniapp_api.appeals import workflow
    from miniapp_api.appeals.rules import Actor
    from miniapp_api.core.errors import Conflict

    number = file(client)["appeal_no"]
    outcomes: list[str] = []
    gate = threading.Barrier(6)

    def dispatch(i: int) -> None:
        with app.app_context():
            gate.wait()
            try:
                workflow.take(number, "dispatch", Actor(f"d{i}", frozenset({"dispatcher"})),
                              department=["城市管理局", "水务局"][i % 2])  # fmt: skip
                outcomes.append("won")
            except Conflict as exc:
                outcomes.append(exc.code)

    threads = [threading.Thread(target=dispatch, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("won") == 1 and set(outcomes) <= {"won", "concurrent_update", "illegal_transition"}
    with app.app_context():
        doc = workflow.get_appeal(number)
        from miniapp_api.appeals import rollup
        from miniapp_api.core.clock import local_today

        assert len(doc["timeline"]) == 2 and doc["version"] == 2
        by_department = rollup.report(local_today(), local_today(), local_today(), str)["by_department"]
    assert [(r["department"], r["received"]) for r in by_department] == [(doc["department"], 1)]


def test_a_period_reads_whole_months_and_the_days_at_its_ends():
    from miniapp_api.appeals.rollup import split_period

    D = dt.date
    assert split_period(D(2026, 1, 1), D(2026, 12, 31)) == ([], [f"2026-{m:02d}" for m in range(1, 13)])
    assert split_period(D(2026, 1, 15), D(2026, 3, 10)) == (
        [(D(2026, 1, 15), D(2026, 1, 31)), (D(2026, 3, 1), D(2026, 3, 10))], ["2026-02"])
    assert split_period(D(2026, 2, 3), D(2026, 2, 3)) == ([(D(2026, 2, 3), D(2026, 2, 3))], [])
    assert split_period(D(2025, 12, 1), D(2026, 1, 31)) == ([], ["2025-12", "2026-01"])


def test_reports_across_months_agree_with_the_documents(app):
    from miniapp_api.appeals import figures, rollup, service, workflow
    from miniapp_api.appeals.rules import Actor
    from miniapp_api.core.stores import mongo

    D, dispatcher = dt.date, Actor("d", frozenset({"dispatcher"}))
    with app.app_context():
        for i, day in enumerate([D(2026, 1, 30), D(2026, 2, 2), D(2026, 2, 27), D(2026, 3, 2), D(2026, 3, 31)]):
            at = dt.datetime.combine(day, dt.time(3), dt.UTC)
            doc = service.create_appeal(STREET["what"], STREET["where"], STREET["contact"], None, None,
                                        kind=["咨询", "投诉"][i % 2], now=at)  # fmt: skip
            if i % 2:
                workflow.take(doc["_id"], "dispatch", dispatcher, at + dt.timedelta(hours=1), department="水务局")
        today = D(2026, 4, 10)
        for first, last in [(D(2026, 1, 1), D(2026, 3, 31)), (D(2026, 1, 31), D(2026, 3, 30)),
                            (D(2026, 2, 1), D(2026, 2, 28)), (D(2026, 2, 3), D(2026, 3, 2))]:  # fmt: skip
            docs = mongo()["appeals"].find({"received_on": {"$gte": first.isoformat(), "$lte": last.isoformat()}})
            direct = figures.figures(docs, today, str)
            kept = rollup.report(first, last, today, str)
            assert {k: kept[k] for k in direct} == direct, (first, last)
        assert rollup.report(D(2026, 1, 1), D(2026, 3, 31), today, str)["total"]["received"] == 5
