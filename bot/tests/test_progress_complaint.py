"""progress_form and complaint_form: validation and submission."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from actions.complaint import ActionSubmitComplaint, ValidateComplaintForm
from actions.progress import ActionSubmitProgress, ValidateProgressForm
from conftest import API, slot_events, texts

CASE = {"case_no": "JC2026112800123", "item_code": "GR-006", "item_name": "普通护照签发", "status": "审批中",
        "timeline": [{"status": "受理", "at": "2026-11-28T10:00:00", "note": "材料齐全"}],
        "deadline": "2026-12-07", "lamp": "yellow", "working_days_left": 2}  # fmt: skip


@pytest.mark.parametrize("said,expected", [("JC2026112800123", "JC2026112800123"),
                                           ("编号是 jc2026112800123 谢谢", "JC2026112800123"), ("12345", None)])
def test_case_number_format(dispatcher, tracker_factory, said, expected):
    assert ValidateProgressForm().validate_case_number(said, dispatcher, tracker_factory(), {}) == {
        "case_number": expected}  # fmt: skip


@pytest.mark.parametrize("said,expected", [("1234", "1234"), ("后四位是123x", "123X"), ("12345", None),
                                           ("不知道", None)])  # fmt: skip
def test_factor_is_four_digits(dispatcher, tracker_factory, said, expected):
    assert ValidateProgressForm().validate_factor(said, dispatcher, tracker_factory(), {}) == {"factor": expected}


def test_progress_shows_status_lamp_and_deadline(http, dispatcher, tracker_factory):
    http.get(f"{API}/api/v1/cases/lookup", json=CASE, match=[responses.matchers.query_param_matcher(
        {"case_no": "JC2026112800123", "factor": "1234"})])  # fmt: skip
    tracker = tracker_factory(slots={"case_number": "JC2026112800123", "factor": "1234"})
    events = ActionSubmitProgress().run(dispatcher, tracker, {})
    reply = texts(dispatcher)[0]
    assert "审批中" in reply and "黄灯" in reply and "2026-12-07" in reply and "还剩 2 个工作日" in reply
    assert slot_events(events) == {"case_number": None, "factor": None}


@pytest.mark.parametrize("status,phrase", [(404, "没有查到"), (429, "次数太多")])
def test_progress_not_found_or_limited(http, dispatcher, tracker_factory, status, phrase):
    http.get(f"{API}/api/v1/cases/lookup", status=status, json={"error": {"code": "x", "message": "x"}})
    ActionSubmitProgress().run(dispatcher, tracker_factory(slots={"case_number": "JC1", "factor": "1"}), {})
    assert phrase in texts(dispatcher)[0]


def test_progress_api_down(http, dispatcher, tracker_factory):
    http.get(f"{API}/api/v1/cases/lookup", body=requests.ConnectionError())
    ActionSubmitProgress().run(dispatcher, tracker_factory(slots={"case_number": "JC1", "factor": "1"}), {})
    assert "系统繁忙" in texts(dispatcher)[0]


def test_complaint_validation(dispatcher, tracker_factory):
    form, t = ValidateComplaintForm(), tracker_factory()
    assert form.validate_complaint_what("差", dispatcher, t, {}) == {"complaint_what": None}
    assert form.validate_complaint_where("A07窗口", dispatcher, t, {}) == {"complaint_where": "A07窗口"}
    assert form.validate_complaint_contact("电话 139 1234 5678", dispatcher, t, {}) == {
        "complaint_contact": "13912345678"}  # fmt: skip
    assert form.validate_complaint_contact("0576-88102306", dispatcher, t, {}) == {"complaint_contact": "0576-88102306"}
    assert form.validate_complaint_contact("不告诉你", dispatcher, t, {}) == {"complaint_contact": None}


def test_complaint_creates_an_appeal(http, dispatcher, tracker_factory):
    http.post(f"{API}/api/v1/appeals", status=201, json={"appeal_no": "TS2026112800012", "type_label": "投诉",
                                                          "due_on": "2026-12-14"})  # fmt: skip
    slots = {"complaint_type": "投诉", "complaint_what": "窗口态度差不给办", "complaint_where": "A07窗口",
             "complaint_contact": "13912345678"}  # fmt: skip
    events = ActionSubmitComplaint().run(dispatcher, tracker_factory(slots=slots, token="tok-1"), {})
    assert json.loads(http.calls[0].request.body) == {"what": "窗口态度差不给办", "where": "A07窗口", "type": "投诉",
                                                      "contact": "13912345678", "session_id": "wx-session-1"}
    # the conversation's live turn decides whose appeal it is; no resident token leaves the tracker
    assert http.calls[0].request.headers["X-Chat-Conversation"] == "wx-session-1"
    assert "TS2026112800012" in texts(dispatcher)[0] and "投诉" in texts(dispatcher)[0]
    assert "2026-12-14" in texts(dispatcher)[0]
    assert set(slot_events(events).values()) == {None} and "complaint_type" in slot_events(events)


TYPES = [{"code": "consult", "label": "咨询", "days": 3, "words": ["咨询", "问一下"], "hint": "了解政策"},
         {"code": "help", "label": "求助", "days": 5, "words": ["求助", "帮忙"], "hint": ""},
         {"code": "complaint", "label": "投诉", "days": 10, "words": ["投诉", "举报"], "hint": ""},
         {"code": "suggestion", "label": "建议", "days": 15, "words": ["建议"], "hint": ""}]  # fmt: skip


@pytest.fixture
def types_api(http):
    from actions.complaint import reset_types

    reset_types()
    http.get(f"{API}/api/v1/appeals/types", json={"types": TYPES})
    yield http
    reset_types()


@pytest.mark.parametrize("said,label", [
    ("投诉", "投诉"), ("我要举报", "投诉"), ("complaint", "投诉"), ("想问一下", "咨询"), ("建议", "建议"),
    ("投诉还是建议说不清", None), ("嗯", None),
])  # fmt: skip
def test_complaint_type_is_one_of_the_apis_types(types_api, dispatcher, tracker_factory, said, label):
    result = ValidateComplaintForm().validate_complaint_type(said, dispatcher, tracker_factory(), {})
    assert result == {"complaint_type": label}
    if label is None:
        assert "咨询" in texts(dispatcher)[0] and "建议" in texts(dispatcher)[0]


def test_the_type_is_taken_from_the_message_that_started_the_form(types_api, dispatcher, tracker_factory):
    form = ValidateComplaintForm()
    assert form.extract_complaint_type(dispatcher, tracker_factory("我要投诉"), {}) == {"complaint_type": "投诉"}
    assert form.extract_complaint_type(dispatcher, tracker_factory("我要反映个事"), {}) == {}
    asked = tracker_factory("求助", slots={"requested_slot": "complaint_type"})
    assert form.extract_complaint_type(dispatcher, asked, {}) == {"complaint_type": "求助"}
    known = tracker_factory("还有个建议", slots={"complaint_type": "投诉"})
    assert form.extract_complaint_type(dispatcher, known, {}) == {}  # an answer later does not change it
    assert len(types_api.calls) == 1  # the types are read once, then kept


def test_the_type_question_states_each_deadline(types_api, dispatcher, tracker_factory):
    from actions.complaint import ActionAskComplaintType

    ActionAskComplaintType().run(dispatcher, tracker_factory(), {})
    assert "投诉（10 个工作日内答复）" in texts(dispatcher)[0]
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["咨询", "求助", "投诉", "建议"]


def test_the_place_must_say_where(dispatcher, tracker_factory):
    form = ValidateComplaintForm()
    assert form.validate_complaint_where("楼下", dispatcher, tracker_factory(), {}) == {"complaint_where": None}
    assert "门牌" in texts(dispatcher)[0] or "小区" in texts(dispatcher)[0]


def test_complaint_api_down(http, dispatcher, tracker_factory):
    http.post(f"{API}/api/v1/appeals", body=requests.Timeout())
    ActionSubmitComplaint().run(dispatcher, tracker_factory(slots={"complaint_what": "x"}), {})
    assert "12345" in texts(dispatcher)[0]
