"""Fixtures of the form tests: dev login on, the booking tests' clock (a Monday in 2026), a resident with a
complete profile and a window clerk."""

from __future__ import annotations

import pytest

from tests.booking.conftest import MONDAY_10AM, Clock, login
from tests.factories import make_staff

ID = "11010519491231002X"  # GB 11643's own example, valid checksum
OTHER_ID = "440524188001010014"  # valid checksum too
PHONE = "13812345678"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "DEV_LOGIN": True}


@pytest.fixture
def clock(app) -> Clock:
    clock = Clock(MONDAY_10AM)
    app.extensions["clock"] = clock
    return clock


@pytest.fixture
def resident(client, clock) -> dict:
    headers = login(client)
    response = client.put(
        "/api/v1/me",
        headers=headers,
        json={"name": "张三", "id_number": ID, "phone": PHONE, "address": "江川市新城区市民大道1号"},
    )
    assert response.status_code == 200, response.get_json()
    return headers


@pytest.fixture
def agent(client, admin) -> dict:
    return make_staff(client, admin, "agent")
