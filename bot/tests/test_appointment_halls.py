"""全城通办 in the booking form: the hall is asked only when several halls serve the item and none was
named; a named hall must serve the item; a date already chosen is checked again at the chosen hall."""

from __future__ import annotations

import json

import pytest

from actions.appointment import ActionAskAppointmentFormHall, ActionSubmitAppointment, ValidateAppointmentForm
from conftest import API, TOKEN, meta_body, prime_meta, texts

HALLS = [
    {"hall_id": "jc-east", "name": "江川市市民服务中心东区分中心", "district": "老城区",
     "aliases": ["江川市市民服务中心东区分中心", "市民服务中心东区分中心", "东区分中心", "东区"]},
    {"hall_id": "jc-main", "name": "江川市市民服务中心", "district": "新城区",
     "aliases": ["江川市市民服务中心", "市民服务中心"]},
    {"hall_id": "jc-west", "name": "江川市市民服务中心西区分中心", "district": "经开区",
     "aliases": ["江川市市民服务中心西区分中心", "市民服务中心西区分中心", "西区分中心", "西区"]},
]  # fmt: skip
ID_CARD_HALLS = {"halls": [HALLS[0], HALLS[1]]}  # GR-001 at the east hall and the centre
PASSPORT_HALLS = {"halls": [HALLS[1], HALLS[2]]}  # GR-006 at the centre and the west hall


@pytest.fixture(autouse=True)
def three_halls():
    prime_meta({**meta_body(), "halls": HALLS, "default_hall": "jc-main"})


def test_several_halls_serve_the_item_so_the_form_asks(http, dispatcher, tracker_factory):
    http.get(f"{API}/api/v1/guides/GR-001", json={"code": "GR-001", "name": "居民身份证换领"})
    http.get(f"{API}/api/v1/items/GR-001/halls", json=ID_CARD_HALLS)
    result = ValidateAppointmentForm().validate_item("GR-001", dispatcher, tracker_factory(), {})
    assert result == {"item": "GR-001", "item_name": "居民身份证换领", "hall": None}

    ActionAskAppointmentFormHall().run(
        dispatcher, tracker_factory(slots={"item": "GR-001", "item_name": "居民身份证换领"}), {}
    )
    message = dispatcher.messages[-1]
    assert "居民身份证换领" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ['/inform{"hall":"jc-east"}', '/inform{"hall":"jc-main"}']
    assert "老城区" in message["buttons"][0]["title"]


def test_a_hall_named_with_the_item_is_kept_when_it_serves_it(http, dispatcher, tracker_factory):
    http.get(f"{API}/api/v1/guides/GR-001", json={"code": "GR-001", "name": "居民身份证换领"})
    http.get(f"{API}/api/v1/items/GR-001/halls", json=ID_CARD_HALLS)
    tracker = tracker_factory("在东区换身份证", slots={"hall": "东区"})
    assert ValidateAppointmentForm().validate_item("GR-001", dispatcher, tracker, {})["hall"] == "jc-east"


def test_a_named_hall_that_does_not_serve_the_item_is_refused(http, dispatcher, tracker_factory):
    http.get(f"{API}/api/v1/items/GR-006/halls", json=PASSPORT_HALLS)
    tracker = tracker_factory(slots={"item": "GR-006"})
    assert ValidateAppointmentForm().validate_hall("去东区分中心", dispatcher, tracker, {}) == {"hall": None}
    assert "不办理" in texts(dispatcher)[0] and "西区分中心" in texts(dispatcher)[0]
    assert ValidateAppointmentForm().validate_hall("jc-west", dispatcher, tracker, {}) == {"hall": "jc-west"}
    assert ValidateAppointmentForm().validate_hall("火星", dispatcher, tracker, {}) == {"hall": None}


def test_a_date_chosen_before_the_hall_is_checked_at_that_hall(http, dispatcher, tracker_factory):
    http.get(f"{API}/api/v1/items/GR-001/halls", json=ID_CARD_HALLS)
    http.get(f"{API}/api/v1/halls/jc-east/slots", json={"slots": [{"slot": "09:00-10:00", "left": 3}]})
    http.get(
        f"{API}/api/v1/halls/jc-main/slots",
        status=422,
        json={"error": {"code": "closed_day", "message": "2026-12-05 大厅不办公", "field": "date"}},
    )
    saturday = tracker_factory(slots={"item": "GR-001", "date": "2026-12-05"})
    assert ValidateAppointmentForm().validate_hall("东区", dispatcher, saturday, {}) == {"hall": "jc-east"}
    closed = ValidateAppointmentForm().validate_hall("市民服务中心", dispatcher, saturday, {})
    assert closed == {"hall": "jc-main", "date": None, "slot": None} and "不办公" in texts(dispatcher)[-1]


def test_the_booking_goes_to_the_chosen_hall(http, dispatcher, tracker_factory):
    http.post(
        f"{API}/api/v1/appointments",
        status=201,
        json={
            "appointment_id": "ap2",
            "hall_id": "jc-east",
            "item_code": "GR-001",
            "item_name": "居民身份证换领",
            "date": "2026-12-05",
            "slot": "09:00-10:00",
            "status": "booked",
            "checkin_code": "H3KD",
        },
    )
    slots = {"item": "GR-001", "hall": "jc-east", "date": "2026-12-05", "slot": "09:00-10:00", "confirm": True}
    ActionSubmitAppointment().run(dispatcher, tracker_factory("确认", "affirm", slots=slots, token=TOKEN), {})
    assert json.loads(http.calls[0].request.body)["hall_id"] == "jc-east"
    assert "东区分中心" in texts(dispatcher)[0]
