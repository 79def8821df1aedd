"""Booking: login check, slot validation against the hall's slots, confirmation, submission."""

from __future__ import annotations

import json
from datetime import date

import pytest
import requests
import responses

from actions import appointment
from actions.appointment import (
    ActionAskAppointmentFormConfirm,
    ActionAskAppointmentFormSlot,
    ActionStartAppointment,
    ActionSubmitAppointment,
    ValidateAppointmentForm,
)
from conftest import API, TOKEN, slot_events, texts
from helpers import SLOTS

SLOTS_URL = f"{API}/api/v1/halls/jc-main/slots"
TODAY = date(2026, 11, 30)  # a Monday


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(appointment, "today", lambda: TODAY)
    monkeypatch.setattr("actions.dates.today", lambda: TODAY)


def test_start_without_token_asks_to_log_in(dispatcher, tracker_factory):
    events = ActionStartAppointment().run(dispatcher, tracker_factory("我要预约", "book_appointment"), {})
    assert slot_events(events) == {"logged_in": False}
    assert "小程序" in texts(dispatcher)[0]


def test_an_earlier_signed_in_turn_does_not_sign_this_one_in(dispatcher, tracker_factory):
    # issue 13: a turn's identity comes from that turn alone, never from what earlier turns carried
    earlier = [{"event": "user", "text": "你好", "metadata": {"signed_in": True, "resident_token": TOKEN}}]
    events = ActionStartAppointment().run(dispatcher, tracker_factory("约明天", "book_appointment", events=earlier), {})
    assert slot_events(events)["logged_in"] is False


def test_validate_item_code_and_free_text(http, dispatcher, tracker_factory):
    form = ValidateAppointmentForm()
    http.get(f"{API}/api/v1/guides/GR-006", json={"code": "GR-006", "name": "普通护照签发"})
    http.get(f"{API}/api/v1/items/GR-006/halls", json={"halls": [{"hall_id": "jc-main", "name": "江川市市民服务中心"}]})
    assert form.validate_item("GR-006", dispatcher, tracker_factory(), {}) == {
        "item": "GR-006", "item_name": "普通护照签发", "hall": "jc-main"}  # fmt: skip
    http.get(f"{API}/api/v1/items/GR-017/halls", json={"halls": [{"hall_id": "jc-main", "name": "江川市市民服务中心"}]})
    http.get(f"{API}/api/v1/kb/search", json={"status": "answered", "field": None, "results": [
        {"item_code": "GR-017", "item_name": "社会保障卡申领", "field": None, "answer": "…", "score": 5}]})
    assert form.validate_item("社保卡", dispatcher, tracker_factory(), {})["item"] == "GR-017"


def test_validate_item_unknown(http, dispatcher, tracker_factory):
    http.get(f"{API}/api/v1/kb/search", json={"status": "unanswerable", "field": None, "results": []})
    assert ValidateAppointmentForm().validate_item("火星护照", dispatcher, tracker_factory(), {}) == {"item": None}
    assert "没有找到" in texts(dispatcher)[0]


def test_validate_date_rejects_the_past(dispatcher, tracker_factory):
    result = ValidateAppointmentForm().validate_date("2026-11-01", dispatcher, tracker_factory(), {})
    assert result == {"date": None}
    assert "过去" in texts(dispatcher)[0]


def test_validate_date_beyond_the_apis_horizon_names_the_last_day(dispatcher, tracker_factory):
    # meta (conftest): the API takes bookings up to 2026-12-09 (its 7 working days), not "30 days"
    result = ValidateAppointmentForm().validate_date("12月10日", dispatcher, tracker_factory(), {})
    assert result == {"date": None} and "2026-12-09" in texts(dispatcher)[0]


def test_validate_date_rejects_gibberish(dispatcher, tracker_factory):
    assert ValidateAppointmentForm().validate_date("随便", dispatcher, tracker_factory(), {}) == {"date": None}


def test_validate_date_closed_day(http, dispatcher, tracker_factory):
    http.get(SLOTS_URL, status=422, json={"error": {"code": "closed_day", "message": "closed", "field": "date"}})
    tracker = tracker_factory(slots={"item": "GR-006"})
    assert ValidateAppointmentForm().validate_date("周六", dispatcher, tracker, {}) == {"date": None}
    assert "不办公" in texts(dispatcher)[0]


def test_validate_date_resolves_a_time_said_earlier(http, dispatcher, tracker_factory):
    http.get(SLOTS_URL, json=SLOTS, match=[responses.matchers.query_param_matcher(
        {"item_code": "GR-006", "date": "2026-12-01"})])  # fmt: skip
    tracker = tracker_factory(slots={"item": "GR-006", "slot": "上午"})
    result = ValidateAppointmentForm().validate_date("明天", dispatcher, tracker, {})
    assert result == {"date": "2026-12-01", "slot": "10:00-11:00"}  # 09:00 is full


@pytest.mark.parametrize("said,expected", [("下午2点", "14:00-15:00"), ("10:00-11:00", "10:00-11:00"),
                                           ("上午", "10:00-11:00"), ("9点", None), ("晚上八点", None)])
def test_validate_slot(http, dispatcher, tracker_factory, said, expected):
    http.get(SLOTS_URL, json=SLOTS)
    tracker = tracker_factory(slots={"item": "GR-006", "date": "2026-12-01"})
    assert ValidateAppointmentForm().validate_slot(said, dispatcher, tracker, {}) == {"slot": expected}


def test_ask_slot_offers_free_slots(http, dispatcher, tracker_factory):
    http.get(SLOTS_URL, json=SLOTS)
    ActionAskAppointmentFormSlot().run(dispatcher, tracker_factory(slots={"item": "GR-006", "date": "2026-12-01"}), {})
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        '/inform{"time":"10:00-11:00"}', '/inform{"time":"14:00-15:00"}']


def test_ask_confirm_summarises(dispatcher, tracker_factory):
    slots = {"item": "GR-006", "item_name": "普通护照签发", "date": "2026-12-01", "slot": "10:00-11:00"}
    ActionAskAppointmentFormConfirm().run(dispatcher, tracker_factory(slots=slots), {})
    assert "普通护照签发，2026-12-01 10:00-11:00" in texts(dispatcher)[0]


BOOKING = {"item": "GR-006", "date": "2026-12-01", "slot": "10:00-11:00", "confirm": True}


def test_submit_books_with_the_token(http, dispatcher, tracker_factory):
    http.post(f"{API}/api/v1/appointments", status=201, json={
        "appointment_id": "ap1", "hall_id": "jc-main", "item_code": "GR-006", "item_name": "普通护照签发",
        "category": "B", "date": "2026-12-01", "slot": "10:00-11:00", "status": "booked", "checkin_code": "K7Q2"})
    tracker = tracker_factory("确认", "affirm", slots=BOOKING, token=TOKEN)
    events = ActionSubmitAppointment().run(dispatcher, tracker, {})
    request = http.calls[0].request
    # no bearer token: the conversation, whose live turn the API checks, and the bot's service token
    assert "Authorization" not in request.headers
    assert request.headers["X-Chat-Conversation"] == "wx-session-1" and "X-Bot-Token" in request.headers
    assert request.headers["Idempotency-Key"]
    assert json.loads(request.body) == {"hall_id": "jc-main", "item_code": "GR-006", "date": "2026-12-01",
                                        "slot": "10:00-11:00"}  # fmt: skip
    assert "K7Q2" in texts(dispatcher)[0]
    assert slot_events(events) == {"date": None, "slot": None, "confirm": None}


def test_submit_declined(http, dispatcher, tracker_factory):
    ActionSubmitAppointment().run(dispatcher, tracker_factory(slots={**BOOKING, "confirm": False}, token=TOKEN), {})
    assert dispatcher.messages[0]["response"] == "utter_appointment_stopped"
    assert not http.calls


def test_submit_full_slot_says_why(http, dispatcher, tracker_factory):
    http.post(f"{API}/api/v1/appointments", status=409,
              json={"error": {"code": "slot_full", "message": "该时段已约满", "field": "slot"}})
    ActionSubmitAppointment().run(dispatcher, tracker_factory(slots=BOOKING, token=TOKEN), {})
    assert "已约满" in texts(dispatcher)[0]


def test_submit_api_down(http, dispatcher, tracker_factory):
    http.post(f"{API}/api/v1/appointments", body=requests.ConnectionError())
    ActionSubmitAppointment().run(dispatcher, tracker_factory(slots=BOOKING, token=TOKEN), {})
    assert "系统繁忙" in texts(dispatcher)[0]


def test_validate_date_api_down(http, dispatcher, tracker_factory):
    http.get(SLOTS_URL, body=requests.Timeout())
    tracker = tracker_factory(slots={"item": "GR-006"})
    assert ValidateAppointmentForm().validate_date("明天", dispatcher, tracker, {}) == {"date": None}
    assert "系统繁忙" in texts(dispatcher)[0]
