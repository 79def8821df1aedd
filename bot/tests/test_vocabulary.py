"""The API's facts in the bot: meta read over HTTP and cached, the hall clock (DEV_CLOCK) behind
"明天", timestamps shown in hall time, overdue cases told as overdue."""

from __future__ import annotations

from datetime import date

import requests

from actions import vocabulary
from actions.api_client import api, reset_client
from actions.dates import parse_date
from actions.texts import progress_reply
from conftest import API, meta_body


def test_meta_is_read_once_and_its_clock_runs_the_bots_today(http):
    reset_client()  # no primed meta: the client must ask the API
    dev_clock = meta_body(now="2030-01-07T09:00:00+08:00")  # the API runs with DEV_CLOCK=2030-01-07T09:00
    http.get(f"{API}/api/v1/meta", json=dev_clock)
    assert vocabulary.hall_today() == date(2030, 1, 7)
    assert parse_date("明天") == date(2030, 1, 8)
    assert vocabulary.default_hall() == "jc-main"
    assert len([c for c in http.calls if c.request.url.startswith(f"{API}/api/v1/meta")]) == 1


def test_meta_unreachable_is_api_unavailable(http):
    reset_client()
    http.get(f"{API}/api/v1/meta", body=requests.ConnectionError())
    try:
        vocabulary.find_case_number("JC2026112800001")
    except Exception as exc:  # noqa: BLE001
        assert exc.__class__.__name__ == "ApiUnavailable"
    else:
        raise AssertionError("expected ApiUnavailable")


def test_patterns_come_from_the_api():
    body = meta_body()
    body["patterns"] = {**body["patterns"], "case_no": r"ZZ\d{4}"}
    api().meta._body = body
    vocabulary._compile.cache_clear()
    assert vocabulary.find_case_number("编号 zz1234") == "ZZ1234"
    assert vocabulary.find_case_number("JC2026112800001") is None


def test_utc_timestamps_are_shown_in_hall_time():
    case = {"case_no": "JC2026112800002", "item_name": "普通护照签发", "status_label": "审核中",
            "timeline": [{"label": "受理", "at": "2026-11-28T03:00:00+00:00"}]}  # fmt: skip
    reply = progress_reply(case, vocabulary.hall_time)
    assert "2026-11-28 11:00" in reply and "03:00" not in reply


def test_an_overdue_case_is_told_overdue_not_zero_days_left():
    case = {"case_no": "JC2026112800003", "status": "审核中", "deadline": "2026-11-25", "lamp": "red",
            "working_days_left": 0, "overdue_working_days": 3}  # fmt: skip
    reply = progress_reply(case, vocabulary.hall_time)
    assert "已超期 3 个工作日" in reply and "还剩" not in reply and "红灯" in reply


def test_due_today_is_said_so():
    case = {"case_no": "JC2026112800003", "status": "审核中", "deadline": "2026-11-30", "lamp": "yellow",
            "working_days_left": 0, "overdue_working_days": 0}  # fmt: skip
    assert "今天到期" in progress_reply(case, vocabulary.hall_time)
