"""action_cancel_appointment: list the resident's bookings as buttons; a button cancels one."""

from __future__ import annotations

import requests

from actions.cancel import ActionCancelAppointment
from conftest import API, TOKEN, texts

ROWS = [
    {"appointment_id": "ap1", "item_code": "GR-006", "item_name": "普通护照签发", "date": "2026-12-02",
     "slot": "10:00-11:00", "status": "booked"},
    {"appointment_id": "ap2", "item_code": "GR-001", "date": "2026-12-03", "slot": "14:00-15:00", "status": "booked"},
    {"appointment_id": "ap3", "item_code": "GR-001", "date": "2026-11-03", "slot": "14:00-15:00", "status": "served"},
]  # fmt: skip


def run(dispatcher, tracker):
    return ActionCancelAppointment().run(dispatcher, tracker, {})


def test_lists_booked_appointments(http, dispatcher, tracker_factory):
    http.get(f"{API}/api/v1/appointments", json=ROWS)
    run(dispatcher, tracker_factory("取消预约", "cancel_appointment", token=TOKEN))
    buttons = dispatcher.messages[0]["buttons"]
    assert [b["title"] for b in buttons] == ["普通护照签发 2026-12-02 10:00-11:00", "GR-001 2026-12-03 14:00-15:00"]
    assert buttons[0]["payload"] == '/cancel_appointment{"appointment_id":"ap1"}'


def test_filters_by_the_date_said(http, dispatcher, tracker_factory):
    http.get(f"{API}/api/v1/appointments", json={"items": ROWS})
    tracker = tracker_factory("把2026-12-03的预约取消掉", "cancel_appointment", token=TOKEN,
                              entities=[{"entity": "date", "value": "2026-12-03"}])
    run(dispatcher, tracker)
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["GR-001 2026-12-03 14:00-15:00"]


def test_button_cancels(http, dispatcher, tracker_factory):
    http.delete(f"{API}/api/v1/appointments/ap1", status=200, json={"status": "cancelled"})
    tracker = tracker_factory('/cancel_appointment{"appointment_id":"ap1"}', "cancel_appointment", token=TOKEN,
                              entities=[{"entity": "appointment_id", "value": "ap1"}])
    run(dispatcher, tracker)
    assert http.calls[0].request.headers["X-Chat-Conversation"] == "wx-session-1"  # acts within this turn only
    assert texts(dispatcher) == ["已为您取消这条预约。"]


def _refused(http, dispatcher, tracker_factory, code: str) -> str:
    http.delete(f"{API}/api/v1/appointments/ap1", status=409, json={"error": {"code": code, "message": "x"}})
    run(dispatcher, tracker_factory("/x", "cancel_appointment", token=TOKEN,
                                    entities=[{"entity": "appointment_id", "value": "ap1"}]))
    return texts(dispatcher)[0]


def test_after_cutoff(http, dispatcher, tracker_factory):
    reply = _refused(http, dispatcher, tracker_factory, "cancel_cutoff_passed")
    assert "截止" in reply and "已签到" not in reply


def test_not_cancellable_is_told_apart_from_the_cutoff(http, dispatcher, tracker_factory):
    reply = _refused(http, dispatcher, tracker_factory, "not_cancellable")
    assert "已签到" in reply and "截止" not in reply


def test_nothing_to_cancel(http, dispatcher, tracker_factory):
    http.get(f"{API}/api/v1/appointments", json=[])
    run(dispatcher, tracker_factory("取消预约", "cancel_appointment", token=TOKEN))
    assert "没有可以取消" in texts(dispatcher)[0]


def test_needs_login(dispatcher, tracker_factory):
    run(dispatcher, tracker_factory("取消预约", "cancel_appointment"))
    assert "登录" in texts(dispatcher)[0]


def test_api_down(http, dispatcher, tracker_factory):
    http.get(f"{API}/api/v1/appointments", body=requests.ConnectionError())
    run(dispatcher, tracker_factory("取消预约", "cancel_appointment", token=TOKEN))
    assert "系统繁忙" in texts(dispatcher)[0]
