"""Bad input → a clear 4xx naming the field; auth and roles are enforced."""

from __future__ import annotations

import pytest

from tests.factories import make_staff
from tests.queue.helpers import take


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"category": "A"}, 400, "hall_id"),
        ({"hall_id": "t-hall"}, 400, "category"),
        ({"hall_id": "t-hall", "category": "a lot"}, 400, "category"),
        ({"hall_id": "t-hall", "category": "A", "green": "maybe"}, 400, "green"),
        ({"hall_id": "nowhere", "category": "A"}, 404, "hall_id"),
        ({"hall_id": "t-hall", "category": "Z"}, 404, "category"),
    ],
)
def test_walk_in_bad_input(client, hall, clock, resident, body, status, field):
    _, headers = resident()
    response = client.post("/api/v1/queue/tickets", json=body, headers=headers)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["field"] == field


def test_malformed_json(client, hall, resident):
    _, headers = resident()
    response = client.post("/api/v1/queue/tickets", data="{not json", content_type="application/json",
                           headers=headers)  # fmt: skip
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "malformed_json"


def test_checkin_bad_code(client, hall, clock, resident):
    _, headers = resident()
    short = client.post("/api/v1/queue/checkin", json={"checkin_code": "1"}, headers=headers)
    assert short.status_code == 400 and short.get_json()["error"]["field"] == "checkin_code"
    unknown = client.post("/api/v1/queue/checkin", json={"checkin_code": "NOSUCHCODE"}, headers=headers)
    assert unknown.status_code == 404 and unknown.get_json()["error"]["field"] == "checkin_code"


def test_resident_login_is_required(client, hall, clock):
    response = take(client, {}, "A")
    assert response.status_code == 401 and response.get_json()["error"]["field"] == "Authorization"
    assert client.get("/api/v1/queue/tickets/abc").status_code == 401


def test_window_calls_need_an_agent(client, admin, hall, clock):
    assert client.post("/api/v1/staff/windows/t-hall/W1/call").status_code == 401
    editor = make_staff(client, admin, "editor")
    assert client.post("/api/v1/staff/windows/t-hall/W1/call", headers=editor).status_code == 403
    assert client.post("/api/v1/staff/windows/t-hall/W1/call", headers=admin).status_code == 200


def test_unknown_window_ticket_and_hall(client, agent, hall, clock):
    response = client.post("/api/v1/staff/windows/t-hall/W99/call", headers=agent)
    assert response.status_code == 404 and response.get_json()["error"]["field"] == "window_no"
    response = client.post("/api/v1/staff/windows/nowhere/W1/call", headers=agent)
    assert response.status_code == 404 and response.get_json()["error"]["field"] == "hall_id"
    response = client.post("/api/v1/staff/tickets/nosuch/served", headers=agent)
    assert response.status_code == 404 and response.get_json()["error"]["field"] == "ticket_id"
    response = client.post("/api/v1/staff/tickets/nosuch/transfer", json={}, headers=agent)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "category"
    assert client.get("/api/v1/queue/halls/nowhere").status_code == 404


def test_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in ("/api/v1/queue/checkin", "/api/v1/queue/tickets", "/api/v1/queue/tickets/{ticket_id}",
                 "/api/v1/queue/halls/{hall_id}", "/api/v1/staff/windows/{hall_id}/{window_no}/call",
                 "/api/v1/staff/tickets/{ticket_id}/served", "/api/v1/staff/tickets/{ticket_id}/no_show",
                 "/api/v1/staff/tickets/{ticket_id}/transfer"):  # fmt: skip
        assert path in paths, path


def test_no_walk_in_numbers_on_closed_days(client, hall, clock, resident):
    _rid, headers = resident()
    clock.current = clock.current.replace(day=5)  # Saturday 2026-12-05
    response = client.post("/api/v1/queue/tickets", json={"hall_id": hall["_id"], "category": "A"}, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "closed_day"
    clock.current = clock.current.replace(day=4)  # Friday: open
    response = client.post("/api/v1/queue/tickets", json={"hall_id": hall["_id"], "category": "A"}, headers=headers)
    assert response.status_code == 201
