"""Numbering: per hall, per category prefix, per day; the same request again gives the same ticket."""

from __future__ import annotations

from tests.queue.helpers import take


def test_numbers_count_per_category_and_restart_each_day(client, hall, clock, resident):
    numbers = []
    for category in ("A", "A", "B", "A"):
        _, headers = resident()
        response = take(client, headers, category)
        assert response.status_code == 201, response.get_json()
        numbers.append(response.get_json()["ticket"]["number"])
    assert numbers == ["A001", "A002", "B001", "A003"]

    clock.advance(days=1)
    _, headers = resident()
    assert take(client, headers, "A").get_json()["ticket"]["number"] == "A001"


def test_numbers_are_per_hall(app, client, hall, clock, resident):
    other = dict(hall, _id="t-hall-2")
    app.extensions["mongo"]["halls"].insert_one(other)
    _, headers = resident()
    assert take(client, headers, "A").get_json()["ticket"]["number"] == "A001"
    assert take(client, headers, "A", hall_id="t-hall-2").get_json()["ticket"]["number"] == "A001"


def test_taking_again_returns_the_active_ticket(client, hall, clock, resident):
    _, headers = resident()
    first = take(client, headers, "A")
    again = take(client, headers, "A")
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["ticket"]["ticket_id"] == first.get_json()["ticket"]["ticket_id"]


def test_ticket_is_persisted_in_mongo(app, client, hall, clock, resident):
    resident_id, headers = resident()
    ticket = take(client, headers, "B", green=True).get_json()["ticket"]
    doc = app.extensions["mongo"]["tickets"].find_one({"_id": ticket["ticket_id"]})
    assert doc["number"] == "B001" and doc["kind"] == "green" and doc["status"] == "waiting"
    assert doc["resident_id"] == resident_id and doc["hall_id"] == "t-hall" and doc["date"] == "2026-12-01"


def test_checkin_gives_a_booked_ticket_and_marks_the_appointment(app, client, hall, clock, resident, booking):
    resident_id, headers = resident()
    appt = booking(resident_id, "B")
    response = client.post("/api/v1/queue/checkin", json={"checkin_code": appt["checkin_code"]}, headers=headers)
    assert response.status_code == 201, response.get_json()
    ticket = response.get_json()["ticket"]
    assert ticket["kind"] == "booked" and ticket["number"] == "B001" and ticket["appointment_id"] == appt["_id"]
    stored = app.extensions["mongo"]["appointments"].find_one({"_id": appt["_id"]})
    assert stored["status"] == "checked_in" and stored["ticket_id"] == ticket["ticket_id"]

    again = client.post("/api/v1/queue/checkin", json={"checkin_code": appt["checkin_code"]}, headers=headers)
    assert again.status_code == 200 and again.get_json()["ticket"]["ticket_id"] == ticket["ticket_id"]


def test_checkin_only_on_the_booking_day_and_for_its_owner(client, hall, clock, resident, booking):
    resident_id, headers = resident()
    tomorrow = booking(resident_id, "B", date="2026-12-02")
    response = client.post("/api/v1/queue/checkin", json={"checkin_code": tomorrow["checkin_code"]}, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "not_today"
    assert response.get_json()["error"]["field"] == "checkin_code"

    today = booking(resident_id, "B")
    _, stranger = resident()
    response = client.post("/api/v1/queue/checkin", json={"checkin_code": today["checkin_code"]}, headers=stranger)
    assert response.status_code == 404 and response.get_json()["error"]["field"] == "checkin_code"

    cancelled = booking(resident_id, "B", status="cancelled")
    response = client.post("/api/v1/queue/checkin", json={"checkin_code": cancelled["checkin_code"]}, headers=headers)
    assert response.status_code == 409 and response.get_json()["error"]["field"] == "checkin_code"
