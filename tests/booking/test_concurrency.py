"""Many threads in several processes on one slot of capacity 5 (real Redis): exactly 5 booked,
and a retry with the same Idempotency-Key never books twice."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import redis

from miniapp_api.booking.counters import store_id
from miniapp_api.core.config import ROOT
from tests.booking.conftest import left, set_capacity
from tests.booking.storm_worker import storm
from tests.conftest import REDIS_URL

CAPACITY = 5
PROCESSES = 3
THREADS_PER_PROCESS = 15
MAIN_THREADS = 20
BODY = {"hall_id": "jc-main", "item_code": "GR-008", "date": "2026-09-15", "slot": "09:00-10:00"}


def _check(results: list[dict]) -> set[str]:
    booked = [r for r in results if r["status"] == 201]
    for r in booked:  # the retry found the same appointment
        assert r["retry_status"] == 200 and r["retry_id"] == r["id"], r
    for r in results:
        if r["status"] != 201:
            assert (r["status"], r["code"]) == (409, "slot_full"), r
            assert r["retry_status"] == 409, r
    return {r["id"] for r in booked}


def test_threads_in_one_process(client, admin, clock, app):
    set_capacity(client, admin, "D", CAPACITY)
    results = storm(app, 50, BODY)
    assert len(results) == 50
    assert len(_check(results)) == CAPACITY
    assert left(client, item_code="GR-008") == 0
    assert app.extensions["mongo"]["appointments"].count_documents({"status": "booked"}) == CAPACITY


def test_threads_in_several_processes(client, admin, clock, app, app_config):
    prefix = app_config["REDIS_PREFIX"]
    set_capacity(client, admin, "D", CAPACITY)
    assert left(client, item_code="GR-008") == CAPACITY  # counters initialised before the storm
    with app.app_context():  # one MongoDB as far as the counters go (as several workers on one server)
        shared_store = store_id()
    args = [prefix, str(THREADS_PER_PROCESS), clock.now.replace(tzinfo=None).isoformat(), BODY["item_code"],
            BODY["date"], BODY["slot"], str(CAPACITY), shared_store]
    procs = [subprocess.Popen([sys.executable, "-m", "tests.booking.storm_worker", *args], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for _ in range(PROCESSES)]
    r = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    deadline = time.monotonic() + 120
    while int(r.get(prefix + "storm:ready") or 0) < PROCESSES:
        assert time.monotonic() < deadline, "storm workers did not start"
        assert all(p.poll() is None for p in procs), "a storm worker died"
        time.sleep(0.05)
    r.set(prefix + "storm:go", "1")
    local = storm(app, MAIN_THREADS, BODY)
    results = list(local)
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        results.extend(json.loads(out.strip().splitlines()[-1]))
    assert len(results) == PROCESSES * THREADS_PER_PROCESS + MAIN_THREADS
    booked = _check(results)
    assert len(booked) == CAPACITY
    print(f"\nstorm: {len(results)} residents in {PROCESSES + 1} processes, {len(booked)} booked")
    assert left(client, item_code="GR-008") == 0
