"""Halls as data: the seeded demo hall, staff edits, the holiday calendar."""

from __future__ import annotations

import yaml

from miniapp_api.core.config import ROOT
from miniapp_api.halls.halls import DEMO_HALL, seed_demo_hall
from tests.booking.conftest import booking
from tests.factories import make_staff


def test_demo_hall_maps_every_catalogue_item_exactly_once(client):
    hall = client.get("/api/v1/halls/jc-main").get_json()
    assert hall["name"] == "江川市市民服务中心" and "市民大道188号" in hall["address"]
    catalogue = yaml.safe_load((ROOT / "guides" / "catalogue.yaml").read_text(encoding="utf-8"))
    codes = [i["code"] for i in catalogue["items"]]
    mapped = [item for category in hall["categories"] for item in category["items"]]
    assert sorted(i for i in mapped if not i.startswith("YJS-")) == sorted(codes)
    served = {c for window in hall["windows"] for c in window["categories"]}
    assert served == {c["code"] for c in hall["categories"]}  # every category has a window
    assert [h["hall_id"] for h in client.get("/api/v1/halls").get_json()["halls"]] == ["jc-east", "jc-main", "jc-west"]


def test_unknown_hall_is_404(client):
    response = client.get("/api/v1/halls/nowhere")
    assert response.status_code == 404 and response.get_json()["error"]["field"] == "hall_id"


def test_seeding_is_idempotent_and_keeps_staff_edits(app):
    db = app.extensions["mongo"]
    db["halls"].update_one({"_id": "jc-main"}, {"$set": {"parking": "edited"}})
    db["halls"].update_one({"_id": "jc-east"}, {"$unset": {"district": ""}})  # stored before the field existed
    assert seed_demo_hall(db) is False
    assert db["halls"].find_one({"_id": "jc-main"})["parking"] == "edited"
    assert DEMO_HALL["parking"] != "edited"
    assert db["halls"].find_one({"_id": "jc-east"})["district"] == "老城区"  # a missing field is filled in
    assert db["halls"].count_documents({}) == 3


def _put_error_field(client, admin, hall) -> str:
    return client.put("/api/v1/staff/halls/jc-main", json=hall, headers=admin).get_json()["error"]["field"]


def test_staff_put_hall_needs_admin_and_is_validated(client, admin):
    hall = client.get("/api/v1/halls/jc-main").get_json()
    hall.pop("hall_id")
    assert client.put("/api/v1/staff/halls/jc-main", json=hall).status_code == 401
    editor = make_staff(client, admin, "editor")
    assert client.put("/api/v1/staff/halls/jc-main", json=hall, headers=editor).status_code == 403

    twice = {**hall, "categories": [*hall["categories"], {"code": "Z", "name": "x", "items": ["GR-006"]}],
             "capacity": {**hall["capacity"], "Z": 1}}
    response = client.put("/api/v1/staff/halls/jc-main", json=twice, headers=admin)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "categories"
    ghost = {**hall, "windows": [{"no": "Z01", "categories": ["Q"]}]}
    assert _put_error_field(client, admin, ghost) == "windows"
    bad_slot = {**hall, "slot_times": ["9-10"]}
    assert _put_error_field(client, admin, bad_slot) == "slot_times"
    no_cap = {**hall, "capacity": {}}
    assert _put_error_field(client, admin, no_cap) == "capacity"
    missing = {k: v for k, v in hall.items() if k != "name"}
    assert _put_error_field(client, admin, missing) == "name"

    typed_hours = {**hall, "hours": "周一至周五 9:00–17:00"}  # hours come from opening, never typed
    assert _put_error_field(client, admin, typed_hours) == "hours"
    assert _put_error_field(client, admin, {**hall, "opening": {"weekdays": ["12:00-09:00"]}}) == "opening.weekdays"
    outside = {**hall, "opening": {"weekdays": ["09:00-12:00"]}}  # the afternoon slots would never open
    assert _put_error_field(client, admin, outside) == "slot_times"
    assert _put_error_field(client, admin, {**hall, "location": {"lat": 95, "lon": 121}}) == "location.lat"
    assert _put_error_field(client, admin, {k: v for k, v in hall.items() if k != "district"}) == "district"

    saturday = {k: v for k, v in hall.items() if k != "hours"}  # the old text would now contradict opening
    saturday["opening"] = {**hall["opening"], "saturday": ["09:00-12:00"]}
    ok = client.put("/api/v1/staff/halls/jc-main", json=saturday, headers=admin)
    assert ok.status_code == 200, ok.get_json()
    assert "周六 9:00–12:00" in client.get("/api/v1/halls/jc-main").get_json()["hours"]
    new = client.put("/api/v1/staff/halls/jc-north", json={**hall, "name": "江川市北区分中心"}, headers=admin)
    assert new.status_code == 200 and len(client.get("/api/v1/halls").get_json()["halls"]) == 4


def test_unknown_year_then_staff_loads_the_schedule(client, admin, resident, clock):
    clock.set("2026-12-28T10:00:00")
    unknown = client.post("/api/v1/appointments", json=booking(date="2027-01-04"), headers=resident)
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "holiday_schedule_unknown"
    editor = make_staff(client, admin, "editor")
    schedule = {"holidays": ["2027-01-01"], "workdays": []}
    assert client.put("/api/v1/staff/calendar/2027", json=schedule, headers=editor).status_code == 403
    wrong_year = client.put("/api/v1/staff/calendar/2027", json={"holidays": ["2026-01-01"]}, headers=admin)
    assert wrong_year.status_code == 400 and wrong_year.get_json()["error"]["field"] == "holidays"
    bad_date = client.put("/api/v1/staff/calendar/2027", json={"holidays": ["2027-02-30"]}, headers=admin)
    assert bad_date.status_code == 400
    stored = client.put("/api/v1/staff/calendar/2027", json=schedule, headers=admin)
    assert stored.status_code == 200 and stored.get_json()["holidays"] == ["2027-01-01"]
    assert client.post("/api/v1/appointments", json=booking(date="2027-01-04"), headers=resident).status_code == 201
    holiday = client.post("/api/v1/appointments", json=booking("GR-001", date="2027-01-01"), headers=resident)
    assert holiday.get_json()["error"]["code"] == "closed_day"
