"""Many threads at once on real Redis: numbers without duplicates or gaps, each ticket called once."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from miniapp_api.queue import service as queue

THREADS = 32
TICKETS = 120


def _in_app(app, fn, *args):
    with app.app_context():
        return fn(*args)


def test_concurrent_numbers_have_no_duplicates_and_no_gaps(app, hall, clock):
    residents = [uuid.uuid4().hex for _ in range(TICKETS)]
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda r: _in_app(app, queue.take_walk_in, r, "t-hall", "A", False), residents))
    numbers = sorted(ticket["number"] for ticket, created in results)
    assert all(created for _, created in results)
    assert numbers == [f"A{n:03d}" for n in range(1, TICKETS + 1)]
    assert app.extensions["mongo"]["tickets"].count_documents({"category": "A"}) == TICKETS


def test_same_resident_pressing_many_times_gets_one_number(app, hall, clock):
    resident_id = uuid.uuid4().hex
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda _: _in_app(app, queue.take_walk_in, resident_id, "t-hall", "B", False),
                                range(THREADS)))  # fmt: skip
    assert len({ticket["_id"] for ticket, _ in results}) == 1
    assert sum(created for _, created in results) == 1


def test_concurrent_calls_from_two_windows_call_each_ticket_once(app, hall, clock):
    with app.app_context():
        for _ in range(60):
            queue.take_walk_in(uuid.uuid4().hex, "t-hall", "A", False)
    windows = ["W1", "W2"] * 40  # 80 calls for 60 tickets: 20 find the queue empty
    with ThreadPoolExecutor(THREADS) as pool:
        called = list(pool.map(lambda w: _in_app(app, queue.call_next, "t-hall", w), windows))
    numbers = [t["number"] for t in called if t is not None]
    assert len(numbers) == 60 and len(set(numbers)) == 60
