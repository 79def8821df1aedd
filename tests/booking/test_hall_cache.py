"""Each worker keeps the halls it read; a staff edit in any worker renews them everywhere."""

from __future__ import annotations

from miniapp_api.core import shared_versions
from miniapp_api.core.stores import mongo
from miniapp_api.halls.halls import get_hall


def test_the_hall_is_read_once_until_a_staff_edit(app, client, admin):
    with app.test_request_context():
        first = get_hall("jc-main")
        mongo()["halls"].update_one({"_id": "jc-main"}, {"$set": {"phone": "changed behind our back"}})
    with app.test_request_context():
        assert get_hall("jc-main") is first  # same worker, no edit announced: the kept copy

    hall = client.get("/api/v1/halls/jc-main").get_json()
    hall.pop("hall_id")
    put = client.put("/api/v1/staff/halls/jc-main", json={**hall, "phone": "0576-99999"}, headers=admin)
    assert put.status_code == 200
    assert client.get("/api/v1/halls/jc-main").get_json()["phone"] == "0576-99999"


def test_another_workers_edit_is_seen_through_the_version_token(app):
    with app.test_request_context():
        get_hall("jc-main")
        mongo()["halls"].update_one({"_id": "jc-main"}, {"$set": {"phone": "edited by worker 2"}})
        shared_versions.bump("halls")  # what replace_hall does in the other worker
    with app.test_request_context():
        assert get_hall("jc-main")["phone"] == "edited by worker 2"


def test_a_hall_created_later_is_found_at_once(app, client):
    assert client.get("/api/v1/halls/jc-late").status_code == 404
    with app.app_context():
        mongo()["halls"].insert_one({"_id": "jc-late", "name": "x", "categories": [], "windows": [],
                                     "slot_times": [], "capacity": {}})  # fmt: skip
    assert client.get("/api/v1/halls/jc-late").status_code == 200
