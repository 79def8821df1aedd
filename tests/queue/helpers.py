"""Request helpers shared by the queue tests."""

from __future__ import annotations


def take(client, headers: dict, category: str = "A", green: bool = False, hall_id: str = "t-hall"):
    return client.post("/api/v1/queue/tickets", json={"hall_id": hall_id, "category": category, "green": green},
                       headers=headers)  # fmt: skip


def call(client, agent: dict, window: str, hall_id: str = "t-hall"):
    response = client.post(f"/api/v1/staff/windows/{hall_id}/{window}/call", headers=agent)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["ticket"]
