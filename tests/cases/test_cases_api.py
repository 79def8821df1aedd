"""Back office creates and advances cases; residents list theirs; anyone looks one up with a factor."""

import datetime as dt

from miniapp_api.cases import service as case_service
from tests.cases.helpers import ID_1234, PHONE, advance, backoffice, new_case, resident
from tests.factories import make_staff


def test_create_case_stores_no_full_id_number(app, client, admin):
    bo = backoffice(client, admin)
    case = new_case(client, bo, "GR-006")
    assert case["case_no"].startswith("JC") and len(case["case_no"]) == 15
    assert case["status"] == "submitted" and case["lamp"] == "none" and case["deadline"] is None
    assert case["item_name"] == "普通护照签发" and case["applicant"]["id_masked"] == "1101**********1234"
    assert ID_1234 not in str(case) and PHONE not in str(case)
    with app.app_context():
        raw = case_service.mongo()["cases"].find_one({"_id": case["case_no"]})
    assert ID_1234 not in str(raw) and PHONE not in str(raw)


def test_create_case_bad_input(client, admin):
    bo = backoffice(client, admin)
    good = {"item_code": "GR-006", "applicant": {"name": "测试", "id_number": ID_1234}}
    cases = [
        ({**good, "item_code": "XX-999"}, "item_code", "unknown_item"),
        ({**good, "applicant": {"name": "测试", "id_number": "110105198705161235"}}, "id_number", "validation_error"),
        ({**good, "applicant": {"name": "测试", "id_number": ID_1234, "phone": "123"}}, "phone", "validation_error"),
        ({"item_code": "GR-006"}, "applicant", "validation_error"),
        ({**good, "channel": "fax"}, "channel", "validation_error"),
        ({**good, "at": "2099-01-01T09:00:00+08:00"}, "at", "validation_error"),
    ]  # fmt: skip
    for body, field, code in cases:
        response = client.post("/api/v1/backoffice/cases", json=body, headers=bo)
        error = response.get_json()["error"]
        assert response.status_code == 400, (body, error)
        assert error["code"] == code and field in (error["field"] or ""), (body, error)
    response = client.post("/api/v1/backoffice/cases", data="{bad", headers={**bo, "Content-Type": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "malformed_json"


def test_back_office_needs_the_role(client, admin):
    assert client.post("/api/v1/backoffice/cases", json={}).status_code == 401
    editor = make_staff(client, admin, "editor")
    response = client.post("/api/v1/backoffice/cases", json={"item_code": "GR-006"}, headers=editor)
    assert response.status_code == 403  # the role is checked before the body
    assert client.get("/api/v1/backoffice/cases/JC2026112800001", headers=editor).status_code == 403
    assert client.get("/api/v1/staff/supervision", headers=editor).status_code == 403
    new_case(client, admin)  # admin implies backoffice


def test_full_lifecycle_and_illegal_jumps(client, admin):
    bo = backoffice(client, admin)
    no = new_case(client, bo)["case_no"]
    jump = client.post(f"/api/v1/backoffice/cases/{no}/events", json={"status": "mailed"}, headers=bo)
    assert jump.status_code == 409
    error = jump.get_json()["error"]
    assert error["code"] == "illegal_transition" and "accepted" in error["message"]
    case = advance(client, bo, no, "accepted")
    assert case["lamp"] in ("green", "yellow") and case["deadline"] and case["accepted_on"]
    case = advance(client, bo, no, "correction_requested")
    assert case["paused"] is True
    case = advance(client, bo, no, "accepted", "under_review", "approved", "completed")
    assert case["lamp"] == "none" and case["finished_on_time"] is True and case["paused"] is False
    case = advance(client, bo, no, "mailed")
    assert [e["status"] for e in case["timeline"]] == [
        "submitted", "accepted", "correction_requested", "accepted", "under_review", "approved", "completed", "mailed"]
    assert case["timeline"][1]["by"]  # the back office sees who recorded it
    again = client.post(f"/api/v1/backoffice/cases/{no}/events", json={"status": "picked_up"}, headers=bo)
    assert again.status_code == 409
    bad = client.post(f"/api/v1/backoffice/cases/{no}/events", json={"status": "teleported"}, headers=bo)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "status"
    missing = client.post("/api/v1/backoffice/cases/JC2026010100099/events", json={"status": "accepted"}, headers=bo)
    assert missing.status_code == 404


def test_event_time_must_not_go_backwards_or_into_the_future(client, admin):
    bo = backoffice(client, admin)
    no = new_case(client, bo)["case_no"]
    for at in ("2020-01-01T09:00:00+08:00", "2099-01-01T09:00:00+08:00"):
        response = client.post(f"/api/v1/backoffice/cases/{no}/events", json={"status": "accepted", "at": at},
                               headers=bo)  # fmt: skip
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "at"
    naive = client.post(f"/api/v1/backoffice/cases/{no}/events", json={"status": "accepted", "at": "2026-01-01T09:00"},
                        headers=bo)  # fmt: skip
    assert naive.status_code == 400 and naive.get_json()["error"]["field"] == "at"


def test_concurrent_event_on_a_stale_case_is_409(client, admin, monkeypatch):
    bo = backoffice(client, admin)
    no = new_case(client, bo)["case_no"]
    with client.application.app_context():
        stale = case_service.get_case(no)
    advance(client, bo, no, "accepted")  # someone else moved it meanwhile
    monkeypatch.setattr(case_service, "get_case", lambda _no: stale)
    response = client.post(f"/api/v1/backoffice/cases/{no}/events", json={"status": "rejected"}, headers=bo)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "concurrent_update"


def test_resident_lists_only_their_cases(app, client, admin):
    bo = backoffice(client, admin)
    me, other = resident(app), resident(app)
    mine = new_case(client, bo, "GR-001", resident_id=me["resident_id"])["case_no"]
    new_case(client, bo, "GR-002", resident_id=other["resident_id"])
    new_case(client, bo, "GR-003")
    listed = client.get("/api/v1/cases", headers=me["headers"]).get_json()["cases"]
    assert [c["case_no"] for c in listed] == [mine]
    assert "applicant" not in listed[0] and "by" not in listed[0]["timeline"][0]
    assert client.get("/api/v1/cases").status_code == 401
    bad = client.post("/api/v1/backoffice/cases", headers=bo, json={
        "item_code": "GR-001", "applicant": {"name": "x", "id_number": ID_1234, "resident_id": "nobody"}})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "applicant.resident_id"


def test_backdated_case_goes_red_and_shows_in_supervision(client, admin):
    bo = backoffice(client, admin)
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(days=40)).isoformat()
    body = {"item_code": "GR-008", "at": past, "applicant": {"name": "甲", "id_number": ID_1234}}
    no = client.post("/api/v1/backoffice/cases", json=body, headers=bo).get_json()["case_no"]
    case = advance(client, bo, no, "accepted", at=past)
    assert case["lamp"] == "red" and case["overdue_working_days"] > 10
    fresh = new_case(client, bo, "GR-013")["case_no"]
    advance(client, bo, fresh, "accepted")
    summary = client.get("/api/v1/staff/supervision", headers=bo).get_json()
    rows = {r["department"]: r for r in summary["by_department"]}
    assert rows["公安局交通管理大队"]["red"] == 1 and rows["民政局"]["green"] == 1
    assert [c["case_no"] for c in summary["overdue"]] == [no]
    assert summary["totals"]["red"] == 1 and summary["totals"]["open"] == 2
    only = client.get("/api/v1/staff/supervision?department=民政局", headers=bo).get_json()
    assert [r["department"] for r in only["by_department"]] == ["民政局"] and only["overdue"] == []
