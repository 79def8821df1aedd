"""The queue (取号) when Redis restarts, empty, in the middle of the hall's day: numbers continue, waiting
tickets keep their place, windows call in the same order as before, nobody gets a second ticket."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.faults.procs import Api, Client, RedisServer, app_env, staff_headers

pytestmark = pytest.mark.slow

HALL, CATEGORY, WINDOW = "jc-main", "D", "A19"  # 交警车驾管: windows A19–A20 serve only D


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()  # also when the API below failed to start


@pytest.fixture
def stack(tmp_path, redis_server):
    api = Api(app_env(redis_server.url, tmp_path), tmp_path).start()
    yield redis_server, api
    api.proc.stop()


def _agent(base: str) -> tuple[str, str]:
    """A window agent's (user name, password)."""
    name, password = f"agent{uuid.uuid4().hex[:6]}", "Window-Agent-Passphrase-2026!"
    response = requests.post(f"{base}/api/v1/staff/users", headers=staff_headers(base), timeout=10,
                             json={"username": name, "password": password, "role": "agent"})
    assert response.status_code == 201, response.text
    return name, password


def _take(resident: Client) -> dict:
    response = resident.call("POST", "/api/v1/queue/tickets", json={"hall_id": HALL, "category": CATEGORY})
    assert response.status_code in (200, 201), response.text
    return response.json()


def _position(resident: Client, ticket_id: str) -> int | None:
    response = resident.call("GET", f"/api/v1/queue/tickets/{ticket_id}")
    assert response.status_code == 200, response.text
    return response.json()["position"]


def _call(base: str, agent: dict) -> str:
    response = requests.post(f"{base}/api/v1/staff/windows/{HALL}/{WINDOW}/call", headers=agent, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["ticket"]["number"]


def test_redis_restart_mid_day_keeps_numbers_places_and_order(stack):
    redis_server, api = stack
    credentials = _agent(api.base)
    agent = staff_headers(api.base, *credentials)
    residents = [Client(api.base) for _ in range(6)]
    tickets = [_take(r)["ticket"] for r in residents]
    assert [t["number"] for t in tickets] == [f"{CATEGORY}{n:03d}" for n in range(1, 7)]
    assert [_call(api.base, agent) for _ in range(2)] == ["D001", "D002"]
    before = [_position(r, t["ticket_id"]) for r, t in zip(residents[2:], tickets[2:], strict=True)]
    assert before == [1, 2, 3, 4]

    redis_server.restart(down_for=1.0)  # empty again: queue, sessions, counters all gone

    # Waiting tickets keep their place (the residents log in again: their sessions were in Redis too).
    after = [_position(r, t["ticket_id"]) for r, t in zip(residents[2:], tickets[2:], strict=True)]
    assert after == before
    # Pressing "take a number" again gives the same ticket, not a second one.
    again = _take(residents[3])["ticket"]
    assert again["ticket_id"] == tickets[3]["ticket_id"] and again["number"] == "D004"
    # A newcomer gets the next number of the day, not D001 again.
    assert _take(Client(api.base))["ticket"]["number"] == "D007"
    # Windows go on calling in the old order (the agent logs in again too).
    agent = staff_headers(api.base, *credentials)
    assert [_call(api.base, agent) for _ in range(5)] == ["D003", "D004", "D005", "D006", "D007"]

