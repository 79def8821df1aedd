"""Fixtures of the appointment tests: dev login on, and an injectable clock (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")
# A Monday. 2026-09-19 is a Saturday, 2026-09-20 a 调休 Sunday workday, 2026-10-01..08 the National Day holiday.
MONDAY_10AM = dt.datetime(2026, 9, 14, 10, 0, tzinfo=TZ)


class Clock:
    """Callable "now" that tests move by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, text: str) -> None:
        self.now = dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "DEV_LOGIN": True}


@pytest.fixture
def clock(app) -> Clock:
    clock = Clock(MONDAY_10AM)
    app.extensions["clock"] = clock
    return clock


def login(client, openid: str | None = None) -> dict:
    """Dev-login a resident; returns the Authorization header."""
    response = client.post("/api/v1/auth/dev", json={"openid": openid or f"o-{uuid.uuid4().hex[:10]}"})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@pytest.fixture
def resident(client, clock) -> dict:
    return login(client)


def booking(item_code: str = "GR-006", date: str = "2026-09-15", slot: str = "09:00-10:00", hall_id: str = "jc-main"):
    return {"hall_id": hall_id, "item_code": item_code, "date": date, "slot": slot}


def set_capacity(client, admin: dict, category: str, capacity: int, hall_id: str = "jc-main") -> None:
    hall = client.get(f"/api/v1/halls/{hall_id}").get_json()
    hall.pop("hall_id")
    hall["capacity"][category] = capacity
    response = client.put(f"/api/v1/staff/halls/{hall_id}", json=hall, headers=admin)
    assert response.status_code == 200, response.get_json()


def left(client, date: str = "2026-09-15", item_code: str = "GR-006", slot: str = "09:00-10:00") -> int:
    response = client.get(f"/api/v1/halls/jc-main/slots?item_code={item_code}&date={date}")
    assert response.status_code == 200, response.get_json()
    return next(s["left"] for s in response.get_json()["slots"] if s["slot"] == slot)
