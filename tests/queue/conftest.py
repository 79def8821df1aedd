"""Queue fixtures: a small hall, residents, a window agent, and a clock the tests move."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from miniapp_api.identity.resident_auth import issue_session
from miniapp_api.queue import service as queue
from tests.factories import make_staff

# Three categories; W1 serves A, W2 serves A and B (so A and B compete there), W3 serves C.
TEST_HALL = {
    "_id": "t-hall",
    "name": "测试大厅",
    "categories": [{"code": "A", "name": "综合", "items": ["GR-013"]},
                   {"code": "B", "name": "户政", "items": ["GR-001"]},
                   {"code": "C", "name": "出入境", "items": ["GR-006"]}],
    "windows": [{"no": "W1", "categories": ["A"]}, {"no": "W2", "categories": ["A", "B"]},
                {"no": "W3", "categories": ["C"]}],
    "slot_times": ["09:00-10:00"],
    "capacity": {"A": 5, "B": 5, "C": 5},
}  # fmt: skip


class Clock:
    """queue.now() replacement: starts on a Tuesday morning in the hall's time zone."""

    def __init__(self) -> None:
        self.current = dt.datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(queue, "now", c)
    return c


@pytest.fixture
def hall(app):
    app.extensions["mongo"]["halls"].replace_one({"_id": TEST_HALL["_id"]}, TEST_HALL, upsert=True)
    return TEST_HALL


@pytest.fixture
def resident(app):
    """Factory: a logged-in resident → (resident_id, Authorization header)."""

    def make(openid: str | None = None) -> tuple[str, dict]:
        with app.app_context():
            session = issue_session(openid or f"openid-{uuid.uuid4().hex[:8]}")
        return session["resident_id"], {"Authorization": f"Bearer {session['token']}"}

    return make


@pytest.fixture
def agent(client, admin):
    return make_staff(client, admin, "agent")


@pytest.fixture
def booking(app, clock):
    """Factory: an appointment document as the booking service stores it (contract fields)."""

    def make(resident_id: str, category: str = "B", date: str | None = None, status: str = "booked") -> dict:
        doc = {"_id": uuid.uuid4().hex, "resident_id": resident_id, "hall_id": "t-hall", "item_code": "GR-001",
               "category": category, "date": date or clock().date().isoformat(), "slot": "09:00-10:00",
               "status": status, "checkin_code": uuid.uuid4().hex[:8].upper(), "created_at": clock()}  # fmt: skip
        app.extensions["mongo"]["appointments"].insert_one(doc)
        return doc

    return make

