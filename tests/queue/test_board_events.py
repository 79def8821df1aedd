"""Every change of the waiting counts reaches the hall's displays as a board event carrying the counts: a
walk-in number, a check-in, a call, served, 过号 and transfer — through the JSON API as through the panel."""

from __future__ import annotations

import json

from miniapp_api.core.stores import rds
from tests.queue.helpers import call, take


def _events(app):
    with app.app_context():
        pubsub = rds().pubsub()
        pubsub.subscribe(f"{app.config['REDIS_PREFIX']}live")
        pubsub.get_message(timeout=1)

    def drain() -> list[dict]:
        out = []
        while (m := pubsub.get_message(timeout=0.5)) is not None:
            if m["type"] == "message":
                out.append(json.loads(m["data"]))
        return out

    return pubsub, drain


def _boards(events: list[dict]) -> list[dict]:
    return [e["data"] for e in events if e["topic"] == "public.hall.t-hall" and e["data"]["type"] == "board"]


def _waiting(board: dict, category: str) -> int:
    return next(c["waiting"] for c in board["categories"] if c["category"] == category)


def test_walk_in_call_finish_and_transfer_announce_the_counts(app, client, hall, clock, resident, agent):
    pubsub, drain = _events(app)
    _, h1 = resident()
    _, h2 = resident()
    _, h3 = resident()
    assert take(client, h1, "A").status_code == 201
    boards = _boards(drain())
    assert [b["reason"] for b in boards] == ["walk_in"] and _waiting(boards[0], "A") == 1
    assert take(client, h1, "A").status_code == 200  # the same number again: nothing changed, nothing announced
    assert _boards(drain()) == []
    take(client, h2, "A")
    take(client, h3, "A")
    drain()

    first = call(client, agent, "W1")
    boards = _boards(drain())
    assert [b["reason"] for b in boards] == ["call"] and _waiting(boards[0], "A") == 2
    assert client.post(f"/api/v1/staff/tickets/{first['ticket_id']}/served", headers=agent).status_code == 200
    assert [b["reason"] for b in _boards(drain())] == ["served"]
    second = call(client, agent, "W1")
    drain()
    assert client.post(f"/api/v1/staff/tickets/{second['ticket_id']}/no_show", headers=agent).status_code == 200
    assert [b["reason"] for b in _boards(drain())] == ["no_show"]
    third = call(client, agent, "W1")
    drain()
    moved = client.post(f"/api/v1/staff/tickets/{third['ticket_id']}/transfer", json={"category": "C"}, headers=agent)
    assert moved.status_code == 200
    boards = _boards(drain())
    assert [b["reason"] for b in boards] == ["transfer"]
    assert (_waiting(boards[0], "A"), _waiting(boards[0], "C")) == (0, 1)
    assert set(boards[0]["categories"][0]) == {"category", "waiting", "estimated_wait_minutes"}  # nothing personal
    pubsub.close()
