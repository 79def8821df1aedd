from __future__ import annotations

import uuid

import pytest

from tests.factories import make_staff, staff_token

PASSWORD = "Appeal-desk-passphrase-2026"
APPEAL = {"what": "窗口工作人员态度差，让我来回跑了三次", "where": "市民服务中心 A07 窗口", "contact": "13812345678"}


def make_clerk(client, admin: dict, *departments: str) -> dict:
    """A department clerk bound to ``departments``; returns its Authorization header."""
    name = f"clerk-{uuid.uuid4().hex[:6]}"
    response = client.post("/api/v1/staff/users", headers=admin, json={
        "username": name, "password": PASSWORD, "role": "department", "departments": list(departments)})  # fmt: skip
    assert response.status_code == 201, response.get_json()
    return staff_token(client, name, PASSWORD)


@pytest.fixture
def agent(client, admin):
    return make_staff(client, admin, "agent")


@pytest.fixture
def dispatcher(client, admin):
    return make_staff(client, admin, "dispatcher")


@pytest.fixture
def clerk(client, admin):
    return make_clerk(client, admin, "城市管理局", "水务局")


@pytest.fixture
def police(client, admin):
    return make_clerk(client, admin, "公安局")


@pytest.fixture
def resident(app):
    from miniapp_api.identity.resident_auth import issue_session

    with app.app_context():
        session = issue_session(f"openid-{uuid.uuid4().hex[:8]}")
    return {"Authorization": f"Bearer {session['token']}", "resident_id": session["resident_id"]}


def auth(headers: dict) -> dict:
    return {"Authorization": headers["Authorization"]}
