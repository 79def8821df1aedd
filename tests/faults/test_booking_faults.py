"""Booking under faults, with real processes: the API killed with SIGKILL in the middle of a booking storm
and started again; Redis restarted (empty) in the middle of a storm. Afterwards the seats Redis counts
are exactly the appointments stored: none lost, none doubled, none held by a booking that no longer exists.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.faults.procs import NEXT_WORKING_DAY, Api, Client, RedisServer, app_env, wait_until

pytestmark = pytest.mark.slow

ITEM, SLOT = "GR-006", "09:00-10:00"  # category C: 12 seats a slot in the demo hall
BODY = {"hall_id": "jc-main", "item_code": ITEM, "date": NEXT_WORKING_DAY, "slot": SLOT}
DEFINITE = {200, 201, 409}


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


class Resident:
    """Books once with one Idempotency-Key, retrying through outages until a definite answer."""

    def __init__(self, base: str) -> None:
        self.client = Client(base)
        self.key = uuid.uuid4().hex
        self.answers: list[int] = []  # every status seen, 0 = no connection
        self.appointment_id: str | None = None
        self.final: int | None = None
        self.code: str | None = None

    def book(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            try:
                response = self.client.call("POST", "/api/v1/appointments", json=BODY,
                                            headers={"Idempotency-Key": self.key})
            except requests.RequestException:
                self.answers.append(0)
                time.sleep(0.2)
                continue
            self.answers.append(response.status_code)
            if response.status_code in DEFINITE:
                self.final = response.status_code
                body = response.json()
                self.appointment_id = body.get("appointment_id")
                self.code = (body.get("error") or {}).get("code")
                return
            time.sleep(0.2)  # 503 while a store is away: retry, as the mini-program does

    def stored(self) -> list[dict]:
        response = self.client.call("GET", "/api/v1/appointments")
        assert response.status_code == 200, response.text
        return [a for a in response.json()["appointments"] if a["status"] == "booked" and a["date"] == NEXT_WORKING_DAY]


def seats_left(base: str) -> tuple[int, int]:
    response = requests.get(f"{base}/api/v1/halls/jc-main/slots", params={"item_code": ITEM, "date": NEXT_WORKING_DAY},
                            timeout=10)
    assert response.status_code == 200, response.text
    slot = next(s for s in response.json()["slots"] if s["slot"] == SLOT)
    return slot["capacity"], slot["left"]


def storm(residents: list[Resident], during, seconds: float = 90) -> None:
    """All residents book at once on 24 threads; ``during`` runs alongside (the fault)."""
    deadline = time.monotonic() + seconds
    with ThreadPoolExecutor(24) as pool:
        futures = [pool.submit(r.book, deadline) for r in residents]
        during()
        for future in futures:
            future.result()


def test_api_killed_mid_storm_leaves_no_phantom_seat_and_retries_book_again(tmp_path, redis_server):
    api = Api(app_env(redis_server.url, tmp_path), tmp_path).start()
    try:
        capacity, left = seats_left(api.base)
        assert left == capacity
        residents = [Resident(api.base) for _ in range(5 * capacity)]
        for r in residents:
            r.client.login()
        done = threading.Event()

        def crash_and_restart() -> None:
            # after a few bookings are answered, SIGKILL the API (gunicorn master and worker), then restart it
            wait_until(lambda: sum(1 for r in residents if r.final == 201) >= capacity // 3, 60, "first bookings")
            api.proc.kill9()
            time.sleep(1.0)
            api.start()
            done.set()

        storm(residents, crash_and_restart)
        assert done.is_set()
        assert all(r.final in DEFINITE for r in residents), [r.answers for r in residents if r.final is None]
        assert not [r.answers for r in residents if any(s >= 500 and s != 503 for s in r.answers)]

        # The in-memory store died with the process; Redis must not keep seats for the lost appointments.
        stored = [a for r in residents for a in r.stored()]
        capacity, left = seats_left(api.base)
        assert left == capacity - len(stored)
        assert len(stored) <= capacity

        # Everyone whose booking was lost tries again with the same Idempotency-Key: a fresh booking or a
        # plain slot_full, never a replay of an appointment that no longer exists.
        lost = [r for r in residents if r.final in (200, 201) and r.appointment_id not in {a["appointment_id"]
                                                                                          for a in r.stored()}]
        assert lost, "the crash should have lost the bookings answered before it"
        storm(lost, lambda: None, 60)
        for r in lost:
            assert r.final in (200, 201) or r.code == "slot_full", (r.final, r.code)
        stored = [a for r in residents for a in r.stored()]
        capacity, left = seats_left(api.base)
        assert left == capacity - len(stored) and len(stored) == capacity  # 5 residents a seat: the slot fills
        assert len({a["appointment_id"] for a in stored}) == len(stored)
    finally:
        api.proc.stop()


def test_redis_restarted_mid_storm_loses_and_doubles_no_seat(tmp_path, redis_server):
    api = Api(app_env(redis_server.url, tmp_path), tmp_path).start()
    try:
        capacity, _ = seats_left(api.base)
        residents = [Resident(api.base) for _ in range(6 * capacity)]
        for r in residents:
            r.client.login()

        def restart_redis() -> None:
            wait_until(lambda: sum(1 for r in residents if r.final == 201) >= capacity // 3, 60, "first bookings")
            redis_server.restart(down_for=1.0)

        storm(residents, restart_redis)
        assert all(r.final in DEFINITE for r in residents), [r.answers for r in residents if r.final is None]
        # while Redis is away the API answers 503 (or the connection fails), never a 500
        assert not [r.answers for r in residents if any(s >= 500 and s != 503 for s in r.answers)]
        acknowledged = {r.appointment_id for r in residents if r.final in (200, 201)}
        stored = [a for r in residents for a in r.stored()]
        assert {a["appointment_id"] for a in stored} == acknowledged  # every answered booking kept, nothing else
        assert len(stored) == capacity  # six residents a seat: the slot fills, and not beyond
        assert seats_left(api.base) == (capacity, 0)
        assert all(r.code == "slot_full" for r in residents if r.final == 409)
    finally:
        api.proc.stop()
