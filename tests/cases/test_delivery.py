"""Delivery (证照寄递): the choice made when booking carries over to the case; the back office posts the
result with an EMS tracking number (table-driven transitions, audited) and the resident is notified."""

from __future__ import annotations

import pytest

from tests.booking.conftest import MONDAY_10AM, Clock
from tests.cases.helpers import ID_1234, advance, backoffice, new_case, resident

POST = {"method": "post", "recipient": "李四", "phone": "13912345678", "address": "江川市新城区学院路9号2幢301"}


@pytest.fixture
def clock(app) -> Clock:
    clock = Clock(MONDAY_10AM)
    app.extensions["clock"] = clock
    return clock


def _book(client, who: dict, delivery: dict | None = None) -> dict:
    body = {"hall_id": "jc-east", "item_code": "GR-001", "date": "2026-09-15", "slot": "09:00-10:00"}
    if delivery:
        body["delivery"] = delivery
    response = client.post("/api/v1/appointments", json=body, headers=who["headers"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _case_from(client, bo, appointment_id: str, item_code: str = "GR-001") -> dict:
    body = {
        "item_code": item_code,
        "appointment_id": appointment_id,
        "applicant": {"name": "李四", "id_number": ID_1234},
    }
    response = client.post("/api/v1/backoffice/cases", json=body, headers=bo)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _deliver(client, bo, case_no: str, **body):
    return client.post(f"/api/v1/backoffice/cases/{case_no}/delivery", json={"status": "sent", **body}, headers=bo)


def test_post_chosen_at_booking_reaches_the_case_and_is_sent_with_a_tracking_number(app, client, admin, clock):
    applicant, bo = resident(app), backoffice(client, admin)
    appointment = _book(client, applicant, POST)
    case = _case_from(client, bo, appointment["appointment_id"])
    assert case["delivery"]["method"] == "post" and case["delivery"]["status"] == "pending"
    assert case["delivery"]["status_label"] == "待寄出"
    assert case["delivery"]["phone"] == "13912345678" and "学院路" in case["delivery"]["address"]  # staff ship it
    assert case["applicant"]["resident_id"] == applicant["resident_id"]  # the booker follows the case

    own = client.get("/api/v1/cases", headers=applicant["headers"]).get_json()["cases"][0]["delivery"]
    assert own["phone_masked"] == "139****5678" and "phone" not in own and "学院路" in own["address"]
    lookup = client.get(f"/api/v1/cases/lookup?case_no={case['case_no']}&factor=1234").get_json()["delivery"]
    assert lookup == {
        "method": "post",
        "status": "pending",
        "tracking_no": None,
        "carrier": "EMS",
        "status_label": "待寄出",
    }  # anyone with the factor: no address, no phone

    early = _deliver(client, bo, case["case_no"], tracking_no="1234567890123")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_completed"
    advance(client, bo, case["case_no"], "accepted", "approved", "completed")
    missing = _deliver(client, bo, case["case_no"])
    assert missing.status_code == 400 and missing.get_json()["error"]["field"] == "tracking_no"
    malformed = _deliver(client, bo, case["case_no"], tracking_no="12-34")
    assert malformed.status_code == 400 and malformed.get_json()["error"]["field"] == "tracking_no"

    sent = _deliver(client, bo, case["case_no"], tracking_no="ea123456789cn")
    assert sent.status_code == 200, sent.get_json()
    view = sent.get_json()
    assert view["status"] == "mailed" and view["delivery"]["status"] == "sent"
    assert view["delivery"]["tracking_no"] == "EA123456789CN"
    assert view["timeline"][-1]["note"] == "EMS 运单号 EA123456789CN"
    with app.app_context():
        db = app.extensions["mongo"]
        note = db["notifications"].find_one({"kind": "delivery_sent", "resident_id": applicant["resident_id"]})
        assert note is not None and note["data"]["tracking_no"] == "EA123456789CN"
        assert note["status"] in ("queued", "pending")
        assert db["audit"].find_one({"action": "delivery_sent", "code": case["case_no"]})["detail"] == {
            "tracking_no": "EA123456789CN"
        }

    again = _deliver(client, bo, case["case_no"], tracking_no="EA123456789CN")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "illegal_transition"
    received = client.post(
        f"/api/v1/backoffice/cases/{case['case_no']}/delivery", json={"status": "delivered"}, headers=bo
    )
    assert received.status_code == 200 and received.get_json()["delivery"]["status_label"] == "已签收"


def test_pickup_cases_have_nothing_to_send(app, client, admin, clock):
    applicant, bo = resident(app), backoffice(client, admin)
    case = _case_from(client, bo, _book(client, applicant)["appointment_id"])
    assert case["delivery"] == {"method": "pickup"}
    advance(client, bo, case["case_no"], "accepted", "approved", "completed")
    refused = _deliver(client, bo, case["case_no"], tracking_no="1234567890123")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_posted"


def test_case_from_an_appointment_must_match_its_item(app, client, admin, clock):
    bo = backoffice(client, admin)
    appointment = _book(client, resident(app), POST)
    body = {
        "item_code": "GR-006",
        "appointment_id": appointment["appointment_id"],
        "applicant": {"name": "李四", "id_number": ID_1234},
    }
    wrong = client.post("/api/v1/backoffice/cases", json=body, headers=bo)
    assert wrong.status_code == 400 and wrong.get_json()["error"]["field"] == "item_code"
    unknown = client.post("/api/v1/backoffice/cases", json={**body, "appointment_id": "nope"}, headers=bo)
    assert unknown.status_code == 404 and unknown.get_json()["error"]["field"] == "appointment_id"


def test_delivery_given_when_the_case_is_created_and_changed_by_the_applicant(app, client, admin):
    applicant, stranger, bo = resident(app), resident(app), backoffice(client, admin)
    bad = {
        "item_code": "GR-006",
        "applicant": {"name": "王五", "id_number": ID_1234},
        "delivery": {**POST, "phone": "0576-1234"},
    }
    response = client.post("/api/v1/backoffice/cases", json=bad, headers=bo)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "delivery.phone"

    case = new_case(client, bo, "GR-006", resident_id=applicant["resident_id"])
    assert case["delivery"] == {"method": "pickup"}
    url = f"/api/v1/cases/{case['case_no']}/delivery"
    no_address = client.put(
        url, json={"method": "post", "recipient": "王五", "phone": "13912345678"}, headers=applicant["headers"]
    )
    assert no_address.status_code == 400 and no_address.get_json()["error"]["field"] == "address"
    assert client.put(url, json=POST, headers=stranger["headers"]).status_code == 404
    chosen = client.put(url, json=POST, headers=applicant["headers"])
    assert chosen.status_code == 200 and chosen.get_json()["delivery"]["status"] == "pending"
    assert chosen.get_json()["delivery"]["phone_masked"] == "139****5678"

    advance(client, bo, case["case_no"], "accepted", "approved", "completed")
    assert _deliver(client, bo, case["case_no"], tracking_no="1234567890123").status_code == 200
    late = client.put(url, json={"method": "pickup"}, headers=applicant["headers"])
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "already_sent"


def test_no_address_or_phone_in_the_logs(app, client, admin, clock, caplog):
    applicant, bo = resident(app), backoffice(client, admin)
    with caplog.at_level("DEBUG"):
        case = _case_from(client, bo, _book(client, applicant, POST)["appointment_id"])
        advance(client, bo, case["case_no"], "accepted", "approved", "completed")
        assert _deliver(client, bo, case["case_no"], tracking_no="1234567890123").status_code == 200
    text = caplog.text
    assert "13912345678" not in text and "学院路" not in text
    assert any("delivery sent" in r.getMessage() for r in caplog.records)  # it did log, without the address
