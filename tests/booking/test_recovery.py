"""MongoDB is the record: counters come back after Redis loses them; a failed save returns the seat."""

from __future__ import annotations

import mongomock
import redis

from tests.booking.conftest import booking, left, login, set_capacity
from tests.conftest import REDIS_URL


def _flush_booking_keys(prefix: str) -> int:
    client = redis.Redis.from_url(REDIS_URL)
    found = list(client.scan_iter(match=f"{prefix}booking:*"))
    if found:
        client.delete(*found)
    return len(found)


def test_counters_rebuilt_from_mongo_prevent_overbooking(client, admin, app_config, clock):
    set_capacity(client, admin, "D", 5)
    residents = [login(client) for _ in range(3)]
    for headers in residents:
        assert client.post("/api/v1/appointments", json=booking("GR-008"), headers=headers).status_code == 201
    assert _flush_booking_keys(app_config["REDIS_PREFIX"]) > 0  # "Redis restarted"

    assert left(client, item_code="GR-008") == 2  # rebuilt on first use
    again = client.post("/api/v1/appointments", json=booking("GR-008", date="2026-09-16"), headers=residents[0])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_booked"
    for _ in range(2):
        assert client.post("/api/v1/appointments", json=booking("GR-008"), headers=login(client)).status_code == 201
    full = client.post("/api/v1/appointments", json=booking("GR-008"), headers=login(client))
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "slot_full"


def test_idempotency_survives_a_redis_flush(client, resident, app_config):
    headers = {**resident, "Idempotency-Key": "k-flush"}
    first = client.post("/api/v1/appointments", json=booking(), headers=headers).get_json()
    _flush_booking_keys(app_config["REDIS_PREFIX"])
    again = client.post("/api/v1/appointments", json=booking(), headers=headers)
    assert again.status_code == 200 and again.get_json()["appointment_id"] == first["appointment_id"]


def test_explicit_rebuild_endpoint(client, admin, resident):
    client.post("/api/v1/appointments", json=booking(), headers=resident)
    response = client.post("/api/v1/staff/appointments/rebuild_counters", headers=admin)
    assert response.status_code == 200 and response.get_json() == {"slots": 1, "resident_days": 1}
    assert client.post("/api/v1/staff/appointments/rebuild_counters", headers=resident).status_code == 401


def test_failed_save_gives_the_seat_back(client, resident, monkeypatch):
    before = left(client)
    original = mongomock.collection.Collection.insert_one

    def failing(self, *args, **kwargs):
        if self.name == "appointments":
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(mongomock.collection.Collection, "insert_one", failing)
    headers = {**resident, "Idempotency-Key": "k-fail"}
    response = client.post("/api/v1/appointments", json=booking(), headers=headers)
    assert response.status_code == 503
    assert left(client) == before
    monkeypatch.setattr(mongomock.collection.Collection, "insert_one", original)
    retry = client.post("/api/v1/appointments", json=booking(), headers=headers)
    assert retry.status_code == 201 and left(client) == before - 1


def test_a_cancel_racing_a_rebuild_is_not_counted_twice(client, admin, resident, app, monkeypatch):
    """cancel flips MongoDB, a rebuild runs (already counting the cancel), then cancel's release
    arrives: that release must be a no-op."""
    from miniapp_api.booking import counters as booking_counters
    from miniapp_api.booking import seats

    set_capacity(client, admin, "D", 2)
    mine = client.post("/api/v1/appointments", json=booking("GR-008"), headers=resident).get_json()
    client.post("/api/v1/appointments", json=booking("GR-008"), headers=login(client))
    assert left(client, item_code="GR-008") == 0

    real_finish = seats.finish_cancel

    def rebuild_then_finish(*args, **kwargs):
        booking_counters.rebuild_counters()
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(seats, "finish_cancel", rebuild_then_finish)
    assert client.delete(f"/api/v1/appointments/{mine['appointment_id']}", headers=resident).status_code == 200
    monkeypatch.undo()
    assert left(client, item_code="GR-008") == 1  # not 2
    assert client.post("/api/v1/appointments", json=booking("GR-008"), headers=login(client)).status_code == 201
    assert client.post("/api/v1/appointments", json=booking("GR-008"), headers=login(client)).status_code == 409


def test_a_rebuild_that_read_before_the_cancel_still_gets_the_seat_back(client, admin, resident, app, monkeypatch):
    """The rebuild reads MongoDB while the cancel is noted but not written: it counts the seat as taken
    (and drops the note); the cancel's release must still give it back, once."""
    from miniapp_api.booking import counters as booking_counters
    from miniapp_api.booking import seats

    set_capacity(client, admin, "D", 1)
    mine = client.post("/api/v1/appointments", json=booking("GR-008"), headers=resident).get_json()
    assert left(client, item_code="GR-008") == 0
    real_note = seats.note_cancel

    def note_then_rebuild(*args, **kwargs):
        real_note(*args, **kwargs)
        booking_counters.rebuild_counters()

    monkeypatch.setattr(seats, "note_cancel", note_then_rebuild)
    assert client.delete(f"/api/v1/appointments/{mine['appointment_id']}", headers=resident).status_code == 200
    monkeypatch.undo()
    assert left(client, item_code="GR-008") == 1
    assert client.post("/api/v1/appointments", json=booking("GR-008"), headers=login(client)).status_code == 201
    assert left(client, item_code="GR-008") == 0


def test_a_no_show_block_survives_a_redis_flush(client, admin, resident, app_config, clock):
    from tests.factories import make_staff

    agent = make_staff(client, admin, "agent")
    for day in ("2026-09-15", "2026-09-16", "2026-09-17"):
        made = client.post("/api/v1/appointments", json=booking(date=day), headers=resident).get_json()
        clock.set(f"{day}T10:30:00")  # a no-show is recorded once the slot has begun
        client.post(f"/api/v1/staff/appointments/{made['appointment_id']}/no_show", headers=agent)
    _flush_booking_keys(app_config["REDIS_PREFIX"])  # the block lived in Redis too: rebuilt from MongoDB
    blocked = client.post("/api/v1/appointments", json=booking(date="2026-09-18"), headers=resident)
    assert blocked.status_code == 403 and "2026-10-17" in blocked.get_json()["error"]["message"]
    other = client.post("/api/v1/appointments", json=booking(date="2026-09-18"), headers=login(client))
    assert other.status_code == 201


def test_booking_works_after_redis_forgets_its_scripts(client, resident):
    redis.Redis.from_url(REDIS_URL).script_flush()  # as after a Redis restart
    assert client.post("/api/v1/appointments", json=booking(), headers=resident).status_code == 201
