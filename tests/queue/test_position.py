"""What the resident sees: position, people ahead, estimated wait; and the "3 away" message."""

from __future__ import annotations

import sys
import types

import pytest

import miniapp_api.notify as notify_package
from tests.queue.helpers import call, take


def _queue_of(client, resident, category: str, n: int) -> list[tuple[dict, dict]]:
    out = []
    for _ in range(n):
        _, headers = resident()
        out.append((take(client, headers, category).get_json()["ticket"], headers))
    return out


def _view(client, ticket: dict, headers: dict) -> dict:
    response = client.get(f"/api/v1/queue/tickets/{ticket['ticket_id']}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_position_and_default_wait(app, client, hall, clock, resident):
    tickets = _queue_of(client, resident, "C", 3)  # C: one window (W3)
    views = [_view(client, t, h) for t, h in tickets]
    assert [v["position"] for v in views] == [1, 2, 3]
    assert [v["ahead"] for v in views] == [0, 1, 2]
    default = app.config["QUEUE_DEFAULT_SERVICE_MINUTES"]
    assert [v["estimated_wait_minutes"] for v in views] == [0, round(default), round(2 * default)]


def test_wait_uses_recent_service_times_and_window_count(client, hall, clock, resident, agent):
    tickets = _queue_of(client, resident, "A", 4)  # A: windows W1 and W2
    for ticket, _ in tickets[:2]:
        call(client, agent, "W1")
        clock.advance(minutes=3)
        assert client.post(f"/api/v1/staff/tickets/{ticket['ticket_id']}/served", headers=agent).status_code == 200
    last, headers = tickets[3]
    view = _view(client, last, headers)
    assert view["position"] == 2 and view["ahead"] == 1
    assert view["estimated_wait_minutes"] == 2  # 1 ahead × 3 min / 2 windows, rounded up


def test_called_and_finished_tickets(client, hall, clock, resident, agent):
    (ticket, headers), = _queue_of(client, resident, "C", 1)
    call(client, agent, "W3")
    view = _view(client, ticket, headers)
    assert view["ticket"]["status"] == "called" and view["ticket"]["window"] == "W3" and view["position"] == 0
    client.post(f"/api/v1/staff/tickets/{ticket['ticket_id']}/served", headers=agent)
    view = _view(client, ticket, headers)
    assert view["position"] is None and view["estimated_wait_minutes"] is None


def test_someone_elses_ticket_is_not_found(client, hall, clock, resident):
    (ticket, _), = _queue_of(client, resident, "C", 1)
    _, stranger = resident()
    response = client.get(f"/api/v1/queue/tickets/{ticket['ticket_id']}", headers=stranger)
    assert response.status_code == 404 and response.get_json()["error"]["field"] == "ticket_id"


def test_board_counts_waiting_per_category(client, hall, clock, resident):
    _queue_of(client, resident, "A", 2)
    board = client.get("/api/v1/queue/halls/t-hall").get_json()
    rows = {r["category"]: r for r in board["categories"]}
    assert rows["A"]["waiting"] == 2 and rows["A"]["windows"] == 2 and rows["B"]["waiting"] == 0


@pytest.fixture
def sent(monkeypatch):
    """A stand-in notify module that records enqueue calls."""
    calls = []
    fake = types.ModuleType("miniapp_api.notify.service")
    fake.enqueue = lambda kind, resident_id, data: calls.append((kind, resident_id, data))
    monkeypatch.setitem(sys.modules, "miniapp_api.notify.service", fake)
    monkeypatch.setattr(notify_package, "service", fake, raising=False)
    return calls


def test_third_in_line_is_told_once(client, hall, clock, resident, agent, sent):
    tickets = _queue_of(client, resident, "C", 5)
    call(client, agent, "W3")  # ticket 4 becomes 3rd in line
    assert len(sent) == 1
    kind, resident_id, data = sent[0]
    assert kind == "queue_near" and data["number"] == tickets[3][0]["number"] and data["position"] == 3
    call(client, agent, "W3")  # ticket 5 becomes 3rd
    assert [s[2]["number"] for s in sent] == [tickets[3][0]["number"], tickets[4][0]["number"]]
    call(client, agent, "W3")  # nobody new at 3rd place
    assert len(sent) == 2


def test_a_missing_notify_module_does_not_break_the_call(client, hall, clock, resident, agent, monkeypatch):
    monkeypatch.setitem(sys.modules, "miniapp_api.notify.service", None)  # import raises ImportError
    monkeypatch.delattr(notify_package, "service", raising=False)
    _queue_of(client, resident, "C", 4)
    assert call(client, agent, "W3")["number"] == "C001"
