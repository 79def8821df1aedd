"""Booking rules through the API: window, closed days, capacity, idempotency, caps, bad input."""

from __future__ import annotations

import pytest

from tests.booking.conftest import booking, left, login, set_capacity


def test_book_returns_the_appointment_and_takes_a_seat(client, resident):
    before = left(client)
    response = client.post("/api/v1/appointments", json=booking(), headers=resident)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "booked" and body["category"] == "C" and body["item_name"] == "普通护照签发"
    assert len(body["checkin_code"]) == 8 and body["appointment_id"]
    assert left(client) == before - 1
    mine = client.get("/api/v1/appointments", headers=resident).get_json()["appointments"]
    assert [a["appointment_id"] for a in mine] == [body["appointment_id"]]
    one = client.get(f"/api/v1/appointments/{body['appointment_id']}", headers=resident)
    assert one.get_json()["checkin_code"] == body["checkin_code"]


def test_same_idempotency_key_never_books_twice(client, resident):
    headers = {**resident, "Idempotency-Key": "retry-1"}
    first = client.post("/api/v1/appointments", json=booking(), headers=headers)
    again = client.post("/api/v1/appointments", json=booking(), headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["appointment_id"] == first.get_json()["appointment_id"]
    assert len(client.get("/api/v1/appointments", headers=resident).get_json()["appointments"]) == 1
    other = client.post("/api/v1/appointments", json=booking(slot="10:00-11:00"), headers=headers)
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "idempotency_key_reused"


def test_one_active_booking_per_item_until_cancelled(client, resident):
    first = client.post("/api/v1/appointments", json=booking(), headers=resident).get_json()
    second = client.post("/api/v1/appointments", json=booking(date="2026-09-16"), headers=resident)
    assert second.status_code == 409
    error = second.get_json()["error"]
    assert (error["code"], error["field"]) == ("already_booked", "item_code")
    assert client.delete(f"/api/v1/appointments/{first['appointment_id']}", headers=resident).status_code == 200
    assert client.post("/api/v1/appointments", json=booking(date="2026-09-16"), headers=resident).status_code == 201


def test_daily_cap_per_person(client, resident):
    assert client.post("/api/v1/appointments", json=booking("GR-006"), headers=resident).status_code == 201
    assert client.post("/api/v1/appointments", json=booking("GR-001"), headers=resident).status_code == 201
    third = client.post("/api/v1/appointments", json=booking("GR-017"), headers=resident)
    assert third.status_code == 409 and third.get_json()["error"]["code"] == "daily_cap_reached"
    assert third.get_json()["error"]["field"] == "date"
    other_day = client.post("/api/v1/appointments", json=booking("GR-017", date="2026-09-16"), headers=resident)
    assert other_day.status_code == 201


def test_full_slot_is_409(client, admin, clock):
    set_capacity(client, admin, "D", 2)
    for _ in range(2):
        assert client.post("/api/v1/appointments", json=booking("GR-008"), headers=login(client)).status_code == 201
    full = client.post("/api/v1/appointments", json=booking("GR-008"), headers=login(client))
    assert full.status_code == 409
    assert full.get_json()["error"]["code"] == "slot_full" and full.get_json()["error"]["field"] == "slot"
    assert left(client, item_code="GR-008") == 0


def test_holiday_weekend_and_tiaoxiu_days(client, resident):
    holiday = client.post("/api/v1/appointments", json=booking(date="2026-10-01"), headers=resident)
    assert holiday.status_code == 422
    assert holiday.get_json()["error"]["code"] == "closed_day" and "国庆节" in holiday.get_json()["error"]["message"]
    saturday = client.post("/api/v1/appointments", json=booking(date="2026-09-19"), headers=resident)
    assert saturday.status_code == 422 and saturday.get_json()["error"]["field"] == "date"
    # 2026-09-20 is a Sunday worked in exchange (调休) for the National Day holiday: open.
    assert client.post("/api/v1/appointments", json=booking(date="2026-09-20"), headers=resident).status_code == 201
    slots = client.get("/api/v1/halls/jc-main/slots?item_code=GR-006&date=2026-10-01")
    assert slots.status_code == 422 and slots.get_json()["error"]["code"] == "closed_day"


def test_booking_window_opens_at_the_release_hour(client, resident, clock):
    # From Monday 2026-09-14 the 7th working day is 2026-09-22 (Sat 19th closed, Sun 20th 调休 open).
    clock.set("2026-09-14T07:59:00")
    early = client.post("/api/v1/appointments", json=booking(date="2026-09-22"), headers=resident)
    assert early.status_code == 422 and early.get_json()["error"]["code"] == "not_yet_open"
    assert "2026-09-14 08:00" in early.get_json()["error"]["message"]
    clock.set("2026-09-14T08:00:00")
    assert client.post("/api/v1/appointments", json=booking(date="2026-09-22"), headers=resident).status_code == 201
    later = client.post("/api/v1/appointments", json=booking("GR-001", date="2026-09-23"), headers=resident)
    assert later.status_code == 422 and "2026-09-15 08:00" in later.get_json()["error"]["message"]
    slots = client.get("/api/v1/halls/jc-main/slots?item_code=GR-001&date=2026-09-23").get_json()
    assert slots["opens_at"].startswith("2026-09-15T08:00") and not any(s["bookable"] for s in slots["slots"])


def test_past_dates_and_past_slots(client, resident, clock):
    past = client.post("/api/v1/appointments", json=booking(date="2026-09-11"), headers=resident)
    assert past.status_code == 422 and past.get_json()["error"]["code"] == "date_past"
    began = client.post("/api/v1/appointments", json=booking(date="2026-09-14", slot="09:00-10:00"), headers=resident)
    assert began.status_code == 422 and began.get_json()["error"] == {
        "code": "slot_past", "field": "slot", "message": began.get_json()["error"]["message"]}
    today = client.post("/api/v1/appointments", json=booking(date="2026-09-14", slot="13:30-14:30"), headers=resident)
    assert today.status_code == 201


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"date": "2026-13-01"}, 400, "date"),
    ({"date": "tomorrow"}, 400, "date"),
    ({"slot": "08:00-09:00"}, 400, "slot"),
    ({"item_code": "GR-999"}, 404, "item_code"),
    ({"hall_id": "jc-east", "item_code": "GR-006"}, 404, "item_code"),  # 出入境: not at the east hall
    ({"hall_id": "nowhere"}, 404, "hall_id"),
])
def test_bad_input_names_the_field(client, resident, change, status, field):
    response = client.post("/api/v1/appointments", json={**booking(), **change}, headers=resident)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["field"] == field


def test_missing_fields_malformed_json_and_no_login(client, resident):
    missing = client.post("/api/v1/appointments", json={"hall_id": "jc-main", "item_code": "GR-006"}, headers=resident)
    assert missing.status_code == 400 and missing.get_json()["error"]["field"] in ("date", "slot")
    broken = client.post("/api/v1/appointments", data="{not json", content_type="application/json", headers=resident)
    assert broken.status_code == 400 and broken.get_json()["error"]["code"] == "malformed_json"
    anonymous = client.post("/api/v1/appointments", json=booking())
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["field"] == "Authorization"
    bad_key = client.post("/api/v1/appointments", json=booking(), headers={**resident, "Idempotency-Key": "x" * 101})
    assert bad_key.status_code == 400 and bad_key.get_json()["error"]["field"] == "Idempotency-Key"


def test_slots_query_validation(client, clock):
    assert client.get("/api/v1/halls/jc-main/slots?date=2026-09-15").get_json()["error"]["field"] == "item_code"
    assert client.get("/api/v1/halls/jc-main/slots?item_code=GR-006").status_code == 400
    assert client.get("/api/v1/halls/nowhere/slots?item_code=GR-006&date=2026-09-15").status_code == 404
    by_category = client.get("/api/v1/halls/jc-main/slots?category=C&date=2026-09-15").get_json()
    assert by_category["category"] == "C" and len(by_category["slots"]) == 7
    assert client.get("/api/v1/halls/jc-main/slots?category=Z&date=2026-09-15").status_code == 404
