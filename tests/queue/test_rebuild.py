"""The queue after Redis lost it in the middle of the day (every queue key deleted, as after a restart):
restored from MongoDB — numbers continue, waiting tickets keep their place, priority and transfers
hold, calls go on in the same order, the wait estimate keeps its samples; copies written out of order
never go back in time; a ticket whose request died before it was persisted is persisted on the retry."""

from __future__ import annotations

import pytest
import redis

from miniapp_api.queue import service as queue
from miniapp_api.queue import tickets
from tests.conftest import REDIS_URL
from tests.queue.helpers import call, take


def lose_redis(app) -> int:
    """Every queue key of this test gone (sessions stay: the tests' residents need not log in again)."""
    client = redis.Redis.from_url(REDIS_URL)
    found = list(client.scan_iter(match=f"{app.config['REDIS_PREFIX']}queue:*"))
    if found:
        client.delete(*found)
    return len(found)


def _position(client, ticket: dict, headers: dict) -> int | None:
    response = client.get(f"/api/v1/queue/tickets/{ticket['ticket_id']}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["position"]


def test_numbers_places_and_calling_order_survive(app, client, hall, clock, resident, agent):
    people = [resident() for _ in range(6)]
    taken = [take(client, headers, "A").get_json()["ticket"] for _, headers in people]
    assert [call(client, agent, "W1")["number"] for _ in range(2)] == ["A001", "A002"]
    before = [_position(client, t, h) for t, (_, h) in zip(taken[2:], people[2:], strict=True)]

    assert lose_redis(app) > 0
    assert [_position(client, t, h) for t, (_, h) in zip(taken[2:], people[2:], strict=True)] == before == [1, 2, 3, 4]
    again = take(client, people[3][1], "A")
    assert again.status_code == 200 and again.get_json()["ticket"]["ticket_id"] == taken[3]["ticket_id"]
    _, newcomer = resident()
    assert take(client, newcomer, "A").get_json()["ticket"]["number"] == "A007"
    assert [call(client, agent, "W1")["number"] for _ in range(5)] == ["A003", "A004", "A005", "A006", "A007"]
    # the two called before the loss can still be finished at the window
    assert client.post(f"/api/v1/staff/tickets/{taken[1]['ticket_id']}/served", headers=agent).status_code == 200


def test_priority_and_transfers_keep_their_place(app, client, hall, clock, resident, agent):
    _, first = resident()
    _, second = resident()
    _, green = resident()
    walk_in = take(client, first, "B").get_json()["ticket"]
    moved = take(client, second, "A").get_json()["ticket"]
    take(client, green, "B", green=True)
    transfer = client.post(f"/api/v1/staff/tickets/{moved['ticket_id']}/transfer", json={"category": "B"},
                           headers=agent)
    assert transfer.status_code == 200, transfer.get_json()
    lose_redis(app)
    # W2 serves A and B: green first, then by arrival — the transferred ticket (numbered in B after the
    # green one) keeps its arrival, after the walk-in who came first
    order = [call(client, agent, "W2") for _ in range(3)]
    assert [t["kind"] for t in order] == ["green", "walk_in", "walk_in"]
    assert order[1]["ticket_id"] == walk_in["ticket_id"] and order[2]["number"] == "B003"


def test_the_wait_estimate_keeps_its_samples(app, client, hall, clock, resident, agent):
    people = [resident() for _ in range(3)]
    taken = [take(client, headers, "C").get_json()["ticket"] for _, headers in people]
    for ticket in taken[:2]:
        call(client, agent, "W3")
        clock.advance(minutes=5)
        client.post(f"/api/v1/staff/tickets/{ticket['ticket_id']}/served", headers=agent)
    with app.app_context():
        before = queue.average_service_minutes("t-hall", "C")
    lose_redis(app)
    assert _position(client, taken[2], people[2][1]) == 1  # restores the day
    with app.app_context():
        assert queue.average_service_minutes("t-hall", "C") == pytest.approx(before) == pytest.approx(5.0)


def test_an_older_copy_never_replaces_a_newer_one(app, client, hall, clock, resident, agent):
    _, headers = resident()
    ticket = take(client, headers, "C").get_json()["ticket"]
    with app.app_context():
        stale = app.extensions["mongo"]["tickets"].find_one({"_id": ticket["ticket_id"]})
    call(client, agent, "W3")
    with app.app_context():
        tickets.save(stale)  # the request that took it persists late, after the call's copy
        stored = app.extensions["mongo"]["tickets"].find_one({"_id": ticket["ticket_id"]})
    assert stored["status"] == "called" and stored["ver"] == 2
    lose_redis(app)
    assert _position(client, ticket, headers) == 0  # restored as called, not as waiting


class Crash(BaseException):
    """The process died here."""


def test_a_ticket_whose_request_died_before_persisting_is_persisted_on_the_retry(app, client, hall, clock,
                                                                                   resident, monkeypatch):
    _, headers = resident()

    def crash(doc):
        raise Crash

    monkeypatch.setattr(tickets, "save", crash)
    with pytest.raises(Crash):
        take(client, headers, "C")
    monkeypatch.undo()
    assert app.extensions["mongo"]["tickets"].count_documents({}) == 0  # only Redis knows the ticket
    again = take(client, headers, "C").get_json()["ticket"]  # the resident presses again: same ticket ...
    assert again["number"] == "C001"
    assert app.extensions["mongo"]["tickets"].count_documents({"_id": again["ticket_id"]}) == 1  # ... now saved
    lose_redis(app)
    assert _position(client, again, headers) == 1


def test_an_api_restart_on_the_in_memory_store_keeps_the_queue(app, client, hall, clock, resident, app_config):
    """The queue is not tied to the MongoDB it was built from: a new in-memory store (an API restart)
    must not wipe a queue that Redis still holds."""
    from tests.factories import seeded_app
    from tests.queue.conftest import TEST_HALL

    _, headers = resident()
    ticket = take(client, headers, "C").get_json()["ticket"]
    restarted = seeded_app(app_config)
    restarted.extensions["mongo"]["halls"].insert_one(dict(TEST_HALL))
    with restarted.app_context():
        monkey_now = queue.now  # the tests' clock (patched on the module) serves both apps
        assert monkey_now().date().isoformat() == ticket["date"]
        view = queue.ticket_view(queue.get_ticket(ticket["ticket_id"]))
    assert view["position"] == 1 and view["ticket"]["number"] == "C001"
