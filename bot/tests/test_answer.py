"""action_answer_question: answers, topic carry-over, clarify buttons, failures → handoff, API down."""

from __future__ import annotations

import json

import requests
import responses

from actions.answer import ActionAnswerQuestion, ActionOutOfScope
from conftest import API, slot_events, texts
from helpers import KB_CLARIFY_ID, KB_UNANSWERABLE, kb_answer

KB = f"{API}/api/v1/kb/search"


def run(tracker, dispatcher):
    return ActionAnswerQuestion().run(dispatcher, tracker, {})


def test_answer_names_the_item_and_sets_the_topic(http, dispatcher, tracker_factory):
    http.get(KB, json=kb_answer("GR-006", "普通护照签发", "materials", "需要准备的材料：居民身份证"))
    events = run(tracker_factory("办护照要带什么", "ask_materials"), dispatcher)
    assert texts(dispatcher) == ["【普通护照签发】需要准备的材料：居民身份证"]
    assert dispatcher.messages[0]["custom"] == {"status": "answered", "item_code": "GR-006", "field": "materials"}
    assert slot_events(events)["item"] == "GR-006"
    assert slot_events(events)["failures"] == 0
    assert http.calls[0].request.params == {"q": "办护照要带什么", "k": "3"}


def test_follow_up_without_item_is_asked_again_with_the_topic(http, dispatcher, tracker_factory):
    http.get(KB, json=KB_UNANSWERABLE, match=[responses.matchers.query_param_matcher({"q": "那多少钱", "k": "3"})])
    http.get(KB, json=kb_answer("GR-006", "普通护照签发", "fee", "收费标准：120 元/本"),
             match=[responses.matchers.query_param_matcher({"q": "普通护照签发 那多少钱", "k": "3"})])
    tracker = tracker_factory("那多少钱", "ask_fee", slots={"item": "GR-006", "item_name": "普通护照签发"})
    http.get(f"{API}/api/v1/guides/GR-006", json={"code": "GR-006", "name": "普通护照签发"})
    events = run(tracker, dispatcher)
    assert texts(dispatcher) == ["【普通护照签发】收费标准：120 元/本"]
    assert slot_events(events)["field"] == "fee"


def test_clarify_within_the_topic_picks_the_topic(http, dispatcher, tracker_factory):
    http.get(KB, json=KB_CLARIFY_ID, match=[responses.matchers.query_param_matcher({"q": "身份证要多久", "k": "3"})])
    http.get(f"{API}/api/v1/guides/GR-002", json={"code": "GR-002", "name": "居民身份证补领"})
    http.get(KB, json=kb_answer("GR-002", "居民身份证补领", "time_limit", "承诺办结时限 10 个工作日"),
             match=[responses.matchers.query_param_matcher({"q": "居民身份证补领 身份证要多久", "k": "3"})])
    run(tracker_factory("身份证要多久", "ask_time_limit", slots={"item": "GR-002"}), dispatcher)
    assert texts(dispatcher) == ["【居民身份证补领】承诺办结时限 10 个工作日"]


def test_clarify_offers_candidates_as_buttons(http, dispatcher, tracker_factory):
    http.get(KB, json=KB_CLARIFY_ID)
    events = run(tracker_factory("身份证要多久", "ask_time_limit"), dispatcher)
    buttons = dispatcher.messages[0]["buttons"]
    assert [b["title"] for b in buttons] == ["居民身份证换领", "居民身份证补领"]
    assert json.loads(buttons[0]["payload"][len("/inform"):]) == {"item": "GR-001"}
    assert slot_events(events) == {"pending_question": "身份证要多久"}


def test_clarify_button_answers_the_pending_question(http, dispatcher, tracker_factory):
    http.get(f"{API}/api/v1/guides/GR-001", json={"code": "GR-001", "name": "居民身份证换领"})
    http.get(KB, json=kb_answer("GR-001", "居民身份证换领", "time_limit", "承诺办结时限 10 个工作日"),
             match=[responses.matchers.query_param_matcher({"q": "居民身份证换领 身份证要多久", "k": "3"})])
    tracker = tracker_factory('/inform{"item":"GR-001"}', "inform", slots={"pending_question": "身份证要多久"},
                              entities=[{"entity": "item", "value": "GR-001"}])
    events = run(tracker, dispatcher)
    assert texts(dispatcher) == ["【居民身份证换领】承诺办结时限 10 个工作日"]
    assert slot_events(events)["pending_question"] is None


def test_field_words_are_added_when_the_kb_saw_no_field(http, dispatcher, tracker_factory):
    http.get(KB, json=kb_answer("GR-006", "普通护照签发", None, "主要材料…"),
             match=[responses.matchers.query_param_matcher({"q": "护照贵不", "k": "3"})])
    http.get(KB, json=kb_answer("GR-006", "普通护照签发", "fee", "收费标准：120 元/本"),
             match=[responses.matchers.query_param_matcher({"q": "护照贵不 收费吗", "k": "3"})])
    run(tracker_factory("护照贵不", "ask_fee"), dispatcher)
    assert texts(dispatcher) == ["【普通护照签发】收费标准：120 元/本"]


def test_unanswerable_offers_a_person_and_counts(http, dispatcher, tracker_factory):
    http.get(KB, json=KB_UNANSWERABLE)
    events = run(tracker_factory("火星签证怎么办", "ask_process"), dispatcher)
    assert dispatcher.messages[0]["buttons"] == [{"title": "转人工", "payload": "/human_handoff"}]
    assert "没有找到" in texts(dispatcher)[0]
    assert slot_events(events) == {"failures": 1}


def test_second_failure_hands_over_with_the_transcript(http, dispatcher, tracker_factory):
    http.get(KB, json=KB_UNANSWERABLE)
    http.post(f"{API}/api/v1/handoffs", status=201, json={"id": "h1"})
    earlier = [{"event": "user", "text": "火星签证怎么办"}, {"event": "bot", "text": "抱歉，知识库里没有找到"}]
    events = run(tracker_factory("月球户口呢", "ask_process", slots={"failures": 1}, events=earlier), dispatcher)
    body = json.loads(http.calls[-1].request.body)
    assert body["session_id"] == "wx-session-1" and body["reason"] == "repeated_failures"
    assert body["transcript"][0] == {"sender": "resident", "text": "火星签证怎么办"}
    assert body["transcript"][-1] == {"sender": "resident", "text": "月球户口呢"}
    assert slot_events(events) == {"handoff": True, "failures": 0}
    assert "人工" in texts(dispatcher)[0]


def test_api_down_is_said_politely(http, dispatcher, tracker_factory):
    http.get(KB, body=requests.ConnectionError("refused"))
    events = run(tracker_factory("办护照要带什么", "ask_materials"), dispatcher)
    assert events == []
    assert "系统繁忙" in texts(dispatcher)[0]


def test_api_timeout_is_said_politely(http, dispatcher, tracker_factory):
    http.get(KB, body=requests.Timeout())
    run(tracker_factory("办护照要带什么", "ask_materials"), dispatcher)
    assert "系统繁忙" in texts(dispatcher)[0]


def test_out_of_scope_that_the_kb_recognises_is_answered(http, dispatcher, tracker_factory):
    http.get(KB, json=kb_answer("GR-002", "居民身份证补领", "materials", "需要准备的材料：户口簿"))
    rambling = "我身份证上个礼拜在菜市场弄丢了，现在想补一个，要带什么东西过去"
    events = ActionOutOfScope().run(dispatcher, tracker_factory(rambling, "out_of_scope"), {})
    assert texts(dispatcher) == ["【居民身份证补领】需要准备的材料：户口簿"]
    assert slot_events(events)["item"] == "GR-002"


def test_real_chit_chat_gets_the_out_of_scope_reply_and_counts_no_failure(http, dispatcher, tracker_factory):
    http.get(KB, json=KB_UNANSWERABLE)
    events = ActionOutOfScope().run(dispatcher, tracker_factory("今天天气怎么样", "out_of_scope"), {})
    assert dispatcher.messages[0]["response"] == "utter_out_of_scope"
    assert events == []


def test_an_item_mentioned_without_a_question_about_it_stays_out_of_scope(http, dispatcher, tracker_factory):
    http.get(KB, json=kb_answer("YJS-003", "开办餐饮店一件事", None, "一次申请……"))
    ActionOutOfScope().run(dispatcher, tracker_factory("附近有什么好吃的饭店推荐", "out_of_scope"), {})
    assert [m.get("response") for m in dispatcher.messages] == ["utter_out_of_scope"]
