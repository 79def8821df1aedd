"""全城通办: district halls with their own hours, categories and seats; the nearest hall with a free slot;
一件事 bundles booked as one appointment; the delivery choice made when booking."""

from __future__ import annotations

from tests.booking.conftest import booking, login, set_capacity


def _slots(client, hall_id: str, date: str, item_code: str):
    return client.get(f"/api/v1/halls/{hall_id}/slots?item_code={item_code}&date={date}")


def test_booking_at_a_district_hall_takes_that_halls_seats(client, resident):
    before_main = _slots(client, "jc-main", "2026-09-15", "GR-001").get_json()["slots"][0]["left"]
    east = _slots(client, "jc-east", "2026-09-15", "GR-001").get_json()["slots"]
    assert east[0]["capacity"] == 6 and east[0]["left"] == 6  # the district hall's own capacity

    response = client.post("/api/v1/appointments", json=booking("GR-001", hall_id="jc-east"), headers=resident)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["hall_id"] == "jc-east" and response.get_json()["category"] == "B"
    assert _slots(client, "jc-east", "2026-09-15", "GR-001").get_json()["slots"][0]["left"] == 5
    assert _slots(client, "jc-main", "2026-09-15", "GR-001").get_json()["slots"][0]["left"] == before_main

    not_served = client.post("/api/v1/appointments", json=booking("QY-001", hall_id="jc-east"), headers=resident)
    assert not_served.status_code == 404 and not_served.get_json()["error"]["field"] == "item_code"


def test_saturday_slots_only_at_the_hall_open_then(client, resident):
    saturday = "2026-09-19"
    east = _slots(client, "jc-east", saturday, "GR-001")
    assert east.status_code == 200
    assert [s["slot"] for s in east.get_json()["slots"]] == ["09:00-10:00", "10:00-11:00", "11:00-12:00"]
    main = _slots(client, "jc-main", saturday, "GR-001")
    assert main.status_code == 422 and main.get_json()["error"]["code"] == "closed_day"

    closed = client.post("/api/v1/appointments", json=booking("GR-001", saturday), headers=resident)
    assert closed.status_code == 422 and closed.get_json()["error"]["code"] == "closed_day"
    afternoon = client.post(
        "/api/v1/appointments", json=booking("GR-001", saturday, "13:30-14:30", "jc-east"), headers=resident
    )
    assert afternoon.status_code == 422 and afternoon.get_json()["error"]["field"] == "slot"
    morning = client.post("/api/v1/appointments", json=booking("GR-001", saturday, hall_id="jc-east"), headers=resident)
    assert morning.status_code == 201, morning.get_json()


def test_holidays_close_the_saturday_hall_and_workday_sundays_open_all_halls(client, clock):
    clock.set("2026-09-28T10:00:00")
    holiday_saturday = _slots(client, "jc-east", "2026-10-03", "GR-001")  # 国庆
    assert holiday_saturday.status_code == 422 and holiday_saturday.get_json()["error"]["code"] == "closed_day"
    workday_saturday = _slots(client, "jc-main", "2026-10-10", "GR-001")  # 调休上班
    assert workday_saturday.status_code == 200 and len(workday_saturday.get_json()["slots"]) == 7
    east = _slots(client, "jc-east", "2026-10-10", "GR-001").get_json()["slots"]
    assert len(east) == 7  # a 调休 Saturday is a weekday for every hall: afternoon too


def test_halls_serving_an_item(client):
    served = client.get("/api/v1/items/GR-001/halls").get_json()
    assert [h["hall_id"] for h in served["halls"]] == ["jc-east", "jc-main"]
    east = served["halls"][0]
    assert east["district"] == "老城区" and "周六 9:00–12:00" in east["hours"] and east["parking"]
    assert [h["hall_id"] for h in client.get("/api/v1/items/QY-001/halls").get_json()["halls"]] == [
        "jc-main",
        "jc-west",
    ]
    assert client.get("/api/v1/items/GR-999/halls").status_code == 404


def test_nearest_hall_orders_by_distance_then_earliest_free_slot(client, admin, clock):
    near_east = client.get("/api/v1/halls/nearest?item_code=GR-001&lat=29.876&lon=121.62").get_json()
    assert [h["hall_id"] for h in near_east["halls"]] == ["jc-east", "jc-main"]
    assert near_east["halls"][0]["distance_km"] < near_east["halls"][1]["distance_km"]
    assert near_east["nearest"]["hall_id"] == "jc-east"
    assert near_east["nearest"]["earliest"] == {"date": "2026-09-14", "slot": "11:00-12:00", "left": 6}

    by_district = client.get("/api/v1/halls/nearest?item_code=GR-006&district=经开区").get_json()
    assert by_district["nearest"]["hall_id"] == "jc-west"
    # Nobody's district: the earliest free slot decides (西区 opens 10:30-12:00, the centre's next is 11:00).
    anywhere = client.get("/api/v1/halls/nearest?item_code=GR-006&district=外地").get_json()
    assert [(h["hall_id"], h["earliest"]["slot"]) for h in anywhere["halls"]] == [
        ("jc-west", "10:30-12:00"),
        ("jc-main", "11:00-12:00"),
    ]

    set_capacity(client, admin, "B", 0, hall_id="jc-east")  # the nearest hall has no free slot at all
    full = client.get("/api/v1/halls/nearest?item_code=GR-001&lat=29.876&lon=121.62").get_json()
    assert full["nearest"]["hall_id"] == "jc-main"
    assert [h["hall_id"] for h in full["halls"]] == ["jc-main", "jc-east"] and full["halls"][1]["earliest"] is None


def test_nearest_needs_a_position_or_district(client):
    nowhere = client.get("/api/v1/halls/nearest?item_code=GR-001")
    assert nowhere.status_code == 400 and nowhere.get_json()["error"]["field"] == "lat"
    half = client.get("/api/v1/halls/nearest?item_code=GR-001&lat=29.8")
    assert half.status_code == 400 and half.get_json()["error"]["field"] == "lon"


def test_a_bundle_is_booked_as_one_appointment(client, resident):
    seats_before = _slots(client, "jc-main", "2026-09-15", "QY-001").get_json()["slots"][0]["left"]
    response = client.post("/api/v1/appointments", json=booking("YJS-001"), headers=resident)
    assert response.status_code == 201, response.get_json()
    appointment = response.get_json()
    assert appointment["item_code"] == "YJS-001" and appointment["category"] == "M"
    assert appointment["items"] == ["QY-001", "QY-005", "QY-006", "QY-007", "QY-008"]
    assert _slots(client, "jc-main", "2026-09-15", "QY-001").get_json()["slots"][0]["left"] == seats_before - 1
    mine = client.get("/api/v1/appointments", headers=resident).get_json()["appointments"]
    assert len(mine) == 1  # one appointment, not one per item

    # 西区 does not list the bundle but serves all its items: the lead item's queue takes the seat.
    west = client.post(
        "/api/v1/appointments", json=booking("YJS-001", "2026-09-16", "08:30-09:30", "jc-west"), headers=resident
    )
    assert west.status_code == 409 and west.get_json()["error"]["code"] == "already_booked"  # one per bundle
    other = login(client)
    west = client.post(
        "/api/v1/appointments", json=booking("YJS-001", "2026-09-16", "08:30-09:30", "jc-west"), headers=other
    )
    assert west.status_code == 201 and west.get_json()["category"] == "M" and len(west.get_json()["items"]) == 5

    lacking = client.post("/api/v1/appointments", json=booking("YJS-002", hall_id="jc-east"), headers=resident)
    assert lacking.status_code == 404 and "GR-012" in lacking.get_json()["error"]["message"]
    assert [h["hall_id"] for h in client.get("/api/v1/items/YJS-005/halls").get_json()["halls"]] == [
        "jc-east",
        "jc-main",
    ]


def test_delivery_by_post_is_validated_and_the_phone_masked(client, resident):
    post = {"method": "post", "recipient": "张三", "phone": "13812345678", "address": "江川市老城区和平路1号3单元"}
    for change, field in (
        ({"phone": ""}, "delivery.phone"),
        ({"phone": "12345"}, "delivery.phone"),
        ({"address": None}, "delivery.address"),
        ({"recipient": " "}, "delivery.recipient"),
        ({"postcode": "3150"}, "delivery.postcode"),
        ({"method": "drone"}, "delivery.method"),
    ):
        body = {**booking(), "delivery": {k: v for k, v in {**post, **change}.items() if v is not None}}
        response = client.post("/api/v1/appointments", json=body, headers=resident)
        assert response.status_code == 400 and response.get_json()["error"]["field"] == field, (change, response.json)

    response = client.post(
        "/api/v1/appointments", json={**booking(), "delivery": {**post, "postcode": "315000"}}, headers=resident
    )
    assert response.status_code == 201, response.get_json()
    delivery = response.get_json()["delivery"]
    assert delivery == {
        "method": "post",
        "recipient": "张三",
        "phone_masked": "138****5678",
        "address": "江川市老城区和平路1号3单元",
        "postcode": "315000",
    }
    pickup = client.post("/api/v1/appointments", json=booking("GR-001"), headers=resident)
    assert pickup.get_json()["delivery"] == {"method": "pickup"}
