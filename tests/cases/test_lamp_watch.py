"""A lamp that turns red because a working day passed is announced live, once, without a case event."""

from __future__ import annotations

import datetime as dt
import json
import time
from zoneinfo import ZoneInfo

import redis

from miniapp_api.cases import lamp_watch
from tests.cases.helpers import advance, backoffice, new_case
from tests.conftest import REDIS_URL

TZ = ZoneInfo("Asia/Shanghai")


def _at(day: str):
    moment = dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=TZ)
    return lambda: moment


def _day(days_from_now: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days_from_now)).isoformat()


def _messages(pubsub) -> list[dict]:
    out, deadline = [], time.monotonic() + 0.5
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.05)
        if message and message["type"] == "message":
            out.append(json.loads(message["data"]))
    return out


def test_lamp_turning_red_at_midnight_is_announced_once(app, client, admin):
    bo = backoffice(client, admin)
    case_no = new_case(client, bo, "GR-006")["case_no"]  # 护照: 7 working days
    advance(client, bo, case_no, "accepted")  # today (the case service stamps events with the real time)
    pubsub = redis.Redis.from_url(REDIS_URL).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(f"{app.config['REDIS_PREFIX']}live")
    with app.app_context():
        app.extensions["clock"] = _at(_day(1))
        assert lamp_watch.watch() == 0  # first pass fills the record, announces nothing
        assert lamp_watch.watch() == 0  # same day: nothing to do
        _messages(pubsub)
        app.extensions["clock"] = _at(_day(20))  # 7 working days are long past
        assert lamp_watch.watch() >= 1
        events = [m["data"] for m in _messages(pubsub) if m["topic"] == "cases"]
        mine = [e for e in events if e["case_no"] == case_no]
        assert mine == [{"type": "case", "case_no": case_no, "status": "accepted", "lamp": "red",
                         "reason": "date", "message": f"办件 {case_no} 已超期（红灯）"}]  # fmt: skip
        assert lamp_watch.watch() == 0  # announced once, not every second
        assert _messages(pubsub) == []


def test_lost_record_is_rebuilt_without_flooding_pages(app, client, admin):
    bo = backoffice(client, admin)
    case_no = new_case(client, bo, "GR-006")["case_no"]
    advance(client, bo, case_no, "accepted")
    with app.app_context():
        app.extensions["clock"] = _at(_day(20))
        from miniapp_api.core.stores import rds, rkey

        rds().delete(rkey("cases", "lamps"), rkey("cases", "lamps", "day"))  # Redis restarted
        assert lamp_watch.watch() == 0
        assert rds().hget(rkey("cases", "lamps"), case_no) == "red"
