"""GET /api/v1/meta: the one source of patterns, halls, booking horizon and the hall clock for the bot."""

from __future__ import annotations

import re

from miniapp_api.core.vocabulary import CASE_NO_PATTERN, FIELD_INTENTS, ITEM_CODE_PATTERN
from tests.factories import seeded_app


def test_meta_gives_the_patterns_the_api_validates_with(client):
    body = client.get("/api/v1/meta").get_json()
    assert body["patterns"]["case_no"] == CASE_NO_PATTERN and body["patterns"]["item_code"] == ITEM_CODE_PATTERN
    assert body["field_intents"] == FIELD_INTENTS
    assert re.fullmatch(body["patterns"]["case_no"], "JC2026112800001")
    bad = client.get("/api/v1/cases/lookup", query_string={"case_no": "JC20261128000012", "factor": "1234"})
    assert bad.status_code == 400  # the API refuses what the pattern refuses


def test_meta_gives_halls_and_a_working_day_horizon(app_config):
    client = seeded_app({**app_config, "DEV_CLOCK": "2026-11-30T09:00"}).test_client()  # a Monday, 09:00
    body = client.get("/api/v1/meta").get_json()
    assert body["default_hall"] == "jc-main" and body["halls"][0]["name"]
    booking = body["booking"]
    assert booking["days_ahead"] == 7 and booking["unit"] == "working_days"
    assert booking["last_bookable_date"] == "2026-12-09"  # 7 working days after Monday 30 November
    def bookable(day: str) -> bool:
        body = client.get("/api/v1/halls/jc-main/slots", query_string={"item_code": "GR-006", "date": day}).get_json()
        return any(s["bookable"] for s in body["slots"])

    assert bookable("2026-12-09") and not bookable("2026-12-10")  # the slots agree with the horizon


def test_meta_clock_follows_dev_clock(app_config):
    client = seeded_app({**app_config, "DEV_CLOCK": "2026-11-30T09:00"}).test_client()
    clock = client.get("/api/v1/meta").get_json()["clock"]
    assert clock["today"] == "2026-11-30" and clock["now"].startswith("2026-11-30T09:0") and clock["dev_clock"]
    assert clock["timezone"] == "Asia/Shanghai"
