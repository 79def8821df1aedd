"""Window calls: priority (绿色通道 > booked > walk-in), routing by queue length, served / 过号 / transfer."""

from __future__ import annotations

from tests.queue.helpers import call, take


def _walk_in(client, resident, category: str, green: bool = False) -> dict:
    _, headers = resident()
    response = take(client, headers, category, green)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["ticket"]


def _checkin(client, resident, booking, category: str) -> dict:
    resident_id, headers = resident()
    code = booking(resident_id, category)["checkin_code"]
    return client.post("/api/v1/queue/checkin", json={"checkin_code": code}, headers=headers).get_json()["ticket"]


def test_green_then_booked_then_walk_in_each_in_arrival_order(client, hall, clock, resident, booking, agent):
    w1 = _walk_in(client, resident, "A")
    b1 = _checkin(client, resident, booking, "A")
    w2 = _walk_in(client, resident, "A")
    g1 = _walk_in(client, resident, "A", green=True)
    b2 = _checkin(client, resident, booking, "A")
    called = [call(client, agent, "W1")["number"] for _ in range(5)]
    assert called == [g1["number"], b1["number"], b2["number"], w1["number"], w2["number"]]
    assert call(client, agent, "W1") is None  # nobody left


def test_shared_window_serves_the_longest_queue(client, hall, clock, resident, agent):
    a1 = _walk_in(client, resident, "A")
    b_tickets = [_walk_in(client, resident, "B") for _ in range(3)]
    first = call(client, agent, "W2")  # B has 3 waiting, A has 1
    assert first["number"] == b_tickets[0]["number"] and first["window"] == "W2" and first["status"] == "called"
    call(client, agent, "W2")  # B: 2 → 1 left, A: 1: tie; A's head arrived first
    assert call(client, agent, "W2")["number"] == a1["number"]


def test_green_head_goes_before_a_longer_queue(client, hall, clock, resident, agent):
    for _ in range(3):
        _walk_in(client, resident, "A")
    green = _walk_in(client, resident, "B", green=True)
    assert call(client, agent, "W2")["number"] == green["number"]


def test_window_only_calls_its_own_categories(client, hall, clock, resident, agent):
    _walk_in(client, resident, "B")
    assert call(client, agent, "W1") is None  # W1 serves A only


def test_served_records_the_service_time(app, client, hall, clock, resident, agent):
    ticket = _walk_in(client, resident, "A")
    call(client, agent, "W1")
    clock.advance(minutes=4)
    response = client.post(f"/api/v1/staff/tickets/{ticket['ticket_id']}/served", headers=agent)
    assert response.status_code == 200 and response.get_json()["status"] == "served"
    assert app.extensions["mongo"]["tickets"].find_one({"_id": ticket["ticket_id"]})["status"] == "served"
    again = client.post(f"/api/v1/staff/tickets/{ticket['ticket_id']}/served", headers=agent)
    assert again.status_code == 409 and again.get_json()["error"]["field"] == "ticket_id"


def test_only_a_called_ticket_can_be_served(client, hall, clock, resident, agent):
    ticket = _walk_in(client, resident, "A")
    response = client.post(f"/api/v1/staff/tickets/{ticket['ticket_id']}/served", headers=agent)
    assert response.status_code == 409


def test_no_show_of_a_booked_ticket_marks_the_appointment(app, client, hall, clock, resident, booking, agent):
    resident_id, headers = resident()
    appt = booking(resident_id, "B")
    ticket = client.post("/api/v1/queue/checkin", json={"checkin_code": appt["checkin_code"]}, headers=headers)
    ticket = ticket.get_json()["ticket"]
    assert call(client, agent, "W2")["ticket_id"] == ticket["ticket_id"]
    response = client.post(f"/api/v1/staff/tickets/{ticket['ticket_id']}/no_show", headers=agent)
    assert response.status_code == 200 and response.get_json()["status"] == "no_show"
    assert app.extensions["mongo"]["appointments"].find_one({"_id": appt["_id"]})["status"] == "no_show"
    # the code cannot be used again for a new number
    again = client.post("/api/v1/queue/checkin", json={"checkin_code": appt["checkin_code"]}, headers=headers)
    assert again.status_code == 409


def test_walk_in_may_take_a_new_number_after_the_old_one_is_done(client, hall, clock, resident, agent):
    _, headers = resident()
    first = take(client, headers, "A").get_json()["ticket"]
    call(client, agent, "W1")
    client.post(f"/api/v1/staff/tickets/{first['ticket_id']}/no_show", headers=agent)
    second = take(client, headers, "A")
    assert second.status_code == 201 and second.get_json()["ticket"]["number"] == "A002"


def test_transfer_keeps_priority_and_arrival(client, hall, clock, resident, booking, agent):
    moved = _walk_in(client, resident, "A")  # arrives first
    later_walk_in = _walk_in(client, resident, "B")
    booked = _checkin(client, resident, booking, "B")
    call(client, agent, "W1")  # calls `moved`
    response = client.post(f"/api/v1/staff/tickets/{moved['ticket_id']}/transfer", json={"category": "B"},
                           headers=agent)  # fmt: skip
    assert response.status_code == 200, response.get_json()
    new = response.get_json()
    assert new["category"] == "B" and new["number"] == "B003" and new["kind"] == "walk_in"
    assert new["transferred_from"] == moved["ticket_id"] and new["status"] == "waiting"
    # booked before walk-ins; among walk-ins, the transferred ticket keeps its earlier arrival
    order = [call(client, agent, "W2")["ticket_id"] for _ in range(3)]
    assert order == [booked["ticket_id"], new["ticket_id"], later_walk_in["ticket_id"]]
    old = client.post(f"/api/v1/staff/tickets/{moved['ticket_id']}/served", headers=agent)
    assert old.status_code == 409  # the old ticket is closed as transferred


def test_transfer_rejects_unknown_or_same_category(client, hall, clock, resident, agent):
    ticket = _walk_in(client, resident, "A")
    url = f"/api/v1/staff/tickets/{ticket['ticket_id']}/transfer"
    same = client.post(url, json={"category": "A"}, headers=agent)
    assert same.status_code == 400 and same.get_json()["error"]["field"] == "category"
    unknown = client.post(url, json={"category": "Z"}, headers=agent)
    assert unknown.status_code == 404 and unknown.get_json()["error"]["field"] == "category"
