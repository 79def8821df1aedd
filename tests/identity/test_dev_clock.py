"""DEV_CLOCK: the hall's day can be tried on a weekend; off by default; a bad value fails at start."""

import pytest

from tests.booking.conftest import login
from tests.factories import seeded_app


def test_without_dev_clock_the_app_keeps_the_real_clock(app):
    assert "clock" not in app.extensions


def test_dev_clock_moves_the_halls_day_and_keeps_running(app_config, caplog):
    app_config.update(DEV_CLOCK="2026-11-30T09:00", DEV_LOGIN=True)  # a Monday
    app = seeded_app(app_config)
    assert "DEV_CLOCK is ON" in caplog.text
    client = app.test_client()
    first = app.extensions["clock"]()
    assert first.isoformat().startswith("2026-11-30T09:00") and str(first.tzinfo) == "Asia/Shanghai"
    assert app.extensions["clock"]() >= first  # it runs on

    ticket = client.post("/api/v1/queue/tickets", json={"hall_id": "jc-main", "category": "A"},
                         headers=login(client))  # fmt: skip
    assert ticket.status_code == 201, ticket.get_json()
    assert ticket.get_json()["ticket"]["date"] == "2026-11-30"


def test_a_malformed_dev_clock_stops_the_start_with_a_clear_message(app_config):
    app_config["DEV_CLOCK"] = "next monday"
    with pytest.raises(ValueError, match="DEV_CLOCK must be an ISO time"):
        seeded_app(app_config)
