"""A request that stops anywhere between its Redis step and its MongoDB step (a killed process), or a
rebuild of the counters in the middle of a request: the sweeper and the confirm step leave the seats
exactly as MongoDB says — no seat held by an appointment that does not exist, none given back twice,
no idempotency key or per-item lock stuck.

A "crash" is an exception no handler catches (BaseException), raised at the exact step: the code after
it, like the rest of a killed request, never runs. BOOKING_PENDING_SECONDS=0 makes every pending entry
overdue at once, so the sweeper can be run by hand.
"""

from __future__ import annotations

import mongomock
import pytest
import redis

from miniapp_api.booking import counters, seats, sweeper
from miniapp_api.core.errors import Unavailable
from tests.booking.conftest import booking, left, login, set_capacity
from tests.conftest import REDIS_URL


class Crash(BaseException):
    """The process died here."""


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BOOKING_PENDING_SECONDS": 0}


def _sweep(app) -> dict:
    with app.app_context():
        return sweeper.sweep_once()


def _stored(app, **query) -> int:
    return app.extensions["mongo"]["appointments"].count_documents({"status": "booked", **query})


def _crash_insert(monkeypatch, before=None):
    """insert_one of an appointment: optionally run ``before`` first, then crash (before=None) or insert."""
    original = mongomock.collection.Collection.insert_one

    def insert_one(self, doc, *args, **kwargs):
        if self.name == "appointments" and doc.get("status") == "booked":
            if before is None:
                raise Crash
            before()
        return original(self, doc, *args, **kwargs)

    monkeypatch.setattr(mongomock.collection.Collection, "insert_one", insert_one)
    return original


def test_death_before_the_insert_gives_seat_lock_and_key_back(client, resident, app, monkeypatch):
    before = left(client)
    original = _crash_insert(monkeypatch)
    headers = {**resident, "Idempotency-Key": "k-crash"}
    with pytest.raises(Crash):
        client.post("/api/v1/appointments", json=booking(), headers=headers)
    monkeypatch.setattr(mongomock.collection.Collection, "insert_one", original)
    assert left(client) == before - 1  # held by a booking that was never saved ...
    assert _sweep(app) == {"released": 1, "confirmed": 0, "dropped": 0, "no_shows_settled": 0}
    assert left(client) == before  # ... until the sweeper gives it back
    retry = client.post("/api/v1/appointments", json=booking(), headers=headers)  # neither key nor lock stuck
    assert retry.status_code == 201 and left(client) == before - 1
    assert _sweep(app) == {"released": 0, "confirmed": 0, "dropped": 0, "no_shows_settled": 0}  # retry confirmed
    assert client.get("/api/v1/appointments", headers=resident).get_json()["appointments"][0]["status"] == "booked"
    assert len(client.get("/api/v1/appointments", headers=resident).get_json()["appointments"]) == 1  # void hidden


def test_death_after_the_insert_keeps_the_seat(client, resident, app, monkeypatch):
    before = left(client)

    def crash(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(seats, "confirm", crash)
    with pytest.raises(Crash):
        client.post("/api/v1/appointments", json=booking(), headers=resident)
    monkeypatch.undo()
    assert _sweep(app) == {"released": 0, "confirmed": 1, "dropped": 0, "no_shows_settled": 0}
    assert left(client) == before - 1 and _stored(app) == 1


def test_a_request_slower_than_the_sweeper_cannot_save_a_seat_it_lost(client, resident, app, monkeypatch):
    before = left(client)
    _crash_insert(monkeypatch, before=lambda: _sweep(app))  # the sweeper runs while the insert is under way
    response = client.post("/api/v1/appointments", json=booking(), headers={**resident, "Idempotency-Key": "slow"})
    assert response.status_code == 503
    monkeypatch.undo()
    assert left(client) == before and _stored(app) == 0  # given back once, not twice, and nothing saved
    again = client.post("/api/v1/appointments", json=booking(), headers={**resident, "Idempotency-Key": "slow"})
    assert again.status_code == 201


def test_death_after_the_cancel_was_written_gives_the_seat_back(client, resident, app, monkeypatch):
    made = client.post("/api/v1/appointments", json=booking(), headers=resident).get_json()
    before = left(client)

    def crash(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(seats, "finish_cancel", crash)
    with pytest.raises(Crash):
        client.delete(f"/api/v1/appointments/{made['appointment_id']}", headers=resident)
    monkeypatch.undo()
    assert left(client) == before  # cancelled in MongoDB, seat still taken ...
    assert _sweep(app)["released"] == 1
    assert left(client) == before + 1  # ... until the sweeper; and the item can be booked again
    assert client.post("/api/v1/appointments", json=booking(), headers=resident).status_code == 201


def test_death_before_the_cancel_was_written_keeps_the_booking(client, resident, app, monkeypatch):
    made = client.post("/api/v1/appointments", json=booking(), headers=resident).get_json()
    before = left(client)
    original = seats.note_cancel

    def note_then_crash(*args, **kwargs):
        original(*args, **kwargs)
        raise Crash

    monkeypatch.setattr(seats, "note_cancel", note_then_crash)
    with pytest.raises(Crash):
        client.delete(f"/api/v1/appointments/{made['appointment_id']}", headers=resident)
    monkeypatch.undo()
    assert _sweep(app) == {"released": 0, "confirmed": 0, "dropped": 1, "no_shows_settled": 0}
    assert left(client) == before and _stored(app) == 1


def test_a_rebuild_after_the_insert_counts_the_seat_once(client, resident, app, monkeypatch):
    before = left(client)
    original = seats.confirm

    def rebuild_then_confirm(*args, **kwargs):
        counters.rebuild_counters()
        return original(*args, **kwargs)

    monkeypatch.setattr(seats, "confirm", rebuild_then_confirm)
    assert client.post("/api/v1/appointments", json=booking(), headers=resident).status_code == 201
    monkeypatch.undo()
    assert left(client) == before - 1


def test_a_rebuild_before_the_insert_takes_the_seat_again(client, resident, app, monkeypatch):
    before = left(client)
    _crash_insert(monkeypatch, before=counters.rebuild_counters)  # the rebuild cannot see this booking
    assert client.post("/api/v1/appointments", json=booking(), headers=resident).status_code == 201
    monkeypatch.undo()
    assert left(client) == before - 1 and _stored(app) == 1


def test_redis_lost_between_insert_and_confirm(client, resident, app, app_config, monkeypatch):
    before = left(client)
    original = seats.confirm

    def flush_then_confirm(*args, **kwargs):
        found = list(redis.Redis.from_url(REDIS_URL).scan_iter(match=f"{app_config['REDIS_PREFIX']}booking:*"))
        redis.Redis.from_url(REDIS_URL).delete(*found)
        return original(*args, **kwargs)

    monkeypatch.setattr(seats, "confirm", flush_then_confirm)
    assert client.post("/api/v1/appointments", json=booking(), headers=resident).status_code == 201
    monkeypatch.undo()
    assert left(client) == before - 1  # counted by the rebuild, not a second time by the request


def test_the_last_seat_taken_during_a_rebuild_voids_the_late_booking(client, admin, app, clock, monkeypatch):
    set_capacity(client, admin, "D", 1)
    first, second = login(client), login(client)

    def rebuild_and_let_another_book():
        counters.rebuild_counters()  # the first booking is not in MongoDB yet: its seat is free again ...
        monkeypatch.undo()
        assert client.post("/api/v1/appointments", json=booking("GR-008"), headers=second).status_code == 201

    _crash_insert(monkeypatch, before=rebuild_and_let_another_book)
    late = client.post("/api/v1/appointments", json=booking("GR-008"), headers=first)
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "slot_full"  # ... and went to another
    assert _stored(app, item_code="GR-008") == 1 and left(client, item_code="GR-008") == 0
    assert client.get("/api/v1/appointments", headers=first).get_json()["appointments"] == []


def test_counters_from_a_lost_in_memory_store_are_rebuilt(client, resident, app, app_config):
    from tests.factories import seeded_app

    before = left(client)
    assert client.post("/api/v1/appointments", json=booking(), headers={**resident, "Idempotency-Key": "k1"}
                       ).status_code == 201
    assert left(client) == before - 1
    restarted = seeded_app(app_config)  # same Redis, a new (empty) in-memory MongoDB: a restarted API
    restarted.extensions["clock"] = app.extensions["clock"]
    again = restarted.test_client()
    assert left(again) == before  # no phantom seat
    headers = {**login(again), "Idempotency-Key": "k1"}
    assert again.post("/api/v1/appointments", json=booking(), headers=headers).status_code == 201


def test_the_admin_rebuild_waits_for_a_running_one(client, admin, app):
    with app.app_context():
        assert redis.Redis.from_url(REDIS_URL).set(f"{app.config['REDIS_PREFIX']}booking:rebuild_lock", "other", ex=30)
        with pytest.raises(Unavailable) as refused:
            counters.rebuild_counters(wait_seconds=0.2)
        assert refused.value.code == "rebuild_in_progress"
        redis.Redis.from_url(REDIS_URL).delete(f"{app.config['REDIS_PREFIX']}booking:rebuild_lock")
    assert client.post("/api/v1/staff/appointments/rebuild_counters", headers=admin).status_code == 200


def test_death_between_the_no_show_record_and_redis_is_settled_by_the_sweeper(client, resident, app, admin, clock,
                                                                              monkeypatch):
    from miniapp_api.booking import appointments
    from tests.factories import make_staff

    agent = make_staff(client, admin, "agent")
    appointment_id = client.post("/api/v1/appointments", json=booking(), headers=resident).get_json()["appointment_id"]
    clock.set("2026-09-15T10:30:00")  # the slot is over: a no-show may be recorded

    def crash(doc):
        raise Crash

    monkeypatch.setattr(appointments, "_settle_no_show", crash)
    with pytest.raises(Crash):
        client.post(f"/api/v1/staff/appointments/{appointment_id}/no_show", headers=agent)
    monkeypatch.undo()
    # MongoDB says no-show, Redis still holds the per-item lock: the resident cannot book the item again ...
    again = client.post("/api/v1/appointments", json=booking(date="2026-09-16"), headers=resident)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_booked"
    assert _sweep(app) == {"released": 0, "confirmed": 0, "dropped": 0, "no_shows_settled": 1}
    # ... until the sweeper did the Redis side; it does it once
    assert client.post("/api/v1/appointments", json=booking(date="2026-09-16"), headers=resident).status_code == 201
    assert _sweep(app)["no_shows_settled"] == 0
