"""Ratings once per served case/ticket by its owner; low scores open a callback task for staff."""

import pytest

from miniapp_api.core.stores import mongo
from tests.cases.helpers import advance, backoffice, new_case, resident
from tests.factories import make_staff


@pytest.fixture
def person(app):
    return resident(app)


@pytest.fixture
def done_case(client, admin, person):
    bo = backoffice(client, admin)
    no = new_case(client, bo, "GR-006", resident_id=person["resident_id"])["case_no"]
    advance(client, bo, no, "accepted", "under_review", "approved", "completed")
    return no


def ticket(app, person, status="served", ticket_id="tk1", appointment_id=None):
    with app.app_context():
        mongo()["tickets"].insert_one({
            "_id": ticket_id, "number": "A001", "hall_id": "jc-main", "category": "A", "date": "2026-11-30",
            "resident_id": person["resident_id"], "appointment_id": appointment_id, "kind": "walk_in",
            "status": status, "window": "A01"})  # fmt: skip
    return ticket_id


def rate(client, person, target_type, target_id, score, **extra):
    return client.post("/api/v1/ratings", headers=person["headers"],
                       json={"target_type": target_type, "target_id": target_id, "score": score, **extra})  # fmt: skip


def test_rate_a_completed_case_once(client, person, done_case):
    response = rate(client, person, "case", done_case, 5, comment="很快")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["score"] == 5 and body["callback_created"] is False and body["rating_id"] == f"case:{done_case}"
    again = rate(client, person, "case", done_case, 1)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_rated"


def test_a_case_not_finished_cannot_be_rated(client, admin, person):
    bo = backoffice(client, admin)
    no = new_case(client, bo, "GR-006", resident_id=person["resident_id"])["case_no"]
    response = rate(client, person, "case", no, 4)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_rateable"


def test_only_the_owner_can_rate(app, client, done_case):
    stranger = resident(app)
    assert rate(client, stranger, "case", done_case, 5).status_code == 404
    assert client.post("/api/v1/ratings", json={"target_type": "case", "target_id": done_case, "score": 5}
                       ).status_code == 401  # fmt: skip


@pytest.mark.parametrize("body,field", [
    ({"target_type": "case", "target_id": "x", "score": 0}, "score"),
    ({"target_type": "case", "target_id": "x", "score": 6}, "score"),
    ({"target_type": "case", "target_id": "x", "score": "5"}, "score"),
    ({"target_type": "hall", "target_id": "x", "score": 5}, "target_type"),
    ({"target_type": "case", "score": 5}, "target_id"),
    ({"target_type": "case", "target_id": "x", "score": 5, "comment": "长" * 501}, "comment"),
])  # fmt: skip
def test_bad_rating_input_is_400(client, person, body, field):
    response = client.post("/api/v1/ratings", headers=person["headers"], json=body)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field


def test_rate_a_served_ticket_not_a_waiting_one(app, client, person):
    served = ticket(app, person)
    waiting = ticket(app, person, status="waiting", ticket_id="tk2")
    assert rate(client, person, "ticket", served, 4).status_code == 201
    assert rate(client, person, "ticket", served, 4).status_code == 409
    response = rate(client, person, "ticket", waiting, 4)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_rateable"
    assert rate(client, person, "ticket", "nope", 4).status_code == 404


def test_low_rating_opens_a_callback_staff_can_close(app, client, admin, person, done_case):
    response = rate(client, person, "case", done_case, 1, comment="等太久", contact="13912345678")
    assert response.status_code == 201 and response.get_json()["callback_created"] is True
    agent = make_staff(client, admin, "agent")
    [task] = client.get("/api/v1/staff/callbacks?status=open", headers=agent).get_json()["callbacks"]
    assert task["target_id"] == done_case and task["score"] == 1 and task["contact_phone"] == "13912345678"
    assert task["department"] == "公安局出入境管理大队" and task["status"] == "open"
    url = f"/api/v1/staff/callbacks/{task['callback_id']}/done"
    done = client.post(url, json={"note": "已致歉并说明"}, headers=agent)
    assert done.status_code == 200 and done.get_json()["status"] == "done" and done.get_json()["done_by"]
    again = client.post(url, json={}, headers=agent)
    assert again.status_code == 409
    assert client.post("/api/v1/staff/callbacks/nope/done", json={}, headers=agent).status_code == 404
    assert client.get("/api/v1/staff/callbacks?status=open", headers=agent).get_json()["callbacks"] == []
    assert client.get("/api/v1/staff/callbacks?status=maybe", headers=agent).status_code == 400


def test_bad_contact_phone_is_rejected_before_anything_is_stored(client, person, done_case):
    response = rate(client, person, "case", done_case, 1, contact="12345")
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "phone"
    assert rate(client, person, "case", done_case, 2).status_code == 201


def test_summary_averages_by_department_and_item(app, client, admin, person, done_case):
    rate(client, person, "case", done_case, 2)
    ticket(app, person)
    rate(client, person, "ticket", "tk1", 5)
    summary = client.get("/api/v1/staff/ratings/summary", headers=admin).get_json()
    assert summary["count"] == 2 and summary["average"] == 3.5
    departments = {r["department"]: r for r in summary["by_department"]}
    assert departments["公安局出入境管理大队"]["average"] == 2 and departments["公安局出入境管理大队"]["low"] == 1
    assert departments["窗口·综合受理（一窗受理）"]["average"] == 5  # walk-in: the hall category
    assert [r["item_code"] for r in summary["by_item"]] == ["GR-006"]
    editor = make_staff(client, admin, "editor")
    assert client.get("/api/v1/staff/ratings/summary", headers=editor).status_code == 403
