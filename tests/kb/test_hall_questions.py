"""Hall questions (hours, Saturday, holidays, parking, address) are answered from the hall data and the
hall calendar; a time-limit note (加急) reaches the answer of a question about it."""

from __future__ import annotations

import datetime as dt

import pytest

from miniapp_api.core.clock import local_today
from miniapp_api.halls.calendar import workday_calendar
from miniapp_api.halls.facts import hours_text, open_periods, periods_text
from miniapp_api.halls.halls import replace_hall
from miniapp_api.kb.service import knowledge_base
from tests.factories import seeded_app


def ask(client, question: str) -> dict:
    body = client.get("/api/v1/kb/search", query_string={"q": question, "log": "false"}).get_json()
    return body


def hall_doc(app, hall_id: str) -> dict:
    with app.app_context():
        return app.extensions["mongo"]["halls"].find_one({"_id": hall_id})


def test_hours_question_is_answered_from_every_halls_data(app, client):
    body = ask(client, "政务大厅几点上班")
    assert body["status"] == "answered" and body["field"] == "hall"
    top = body["results"][0]
    assert top["item_code"] == "" and top["hall_id"] == ""  # all halls, no item
    for hall_id in ("jc-main", "jc-east", "jc-west"):
        hall = hall_doc(app, hall_id)
        assert f"{hall['name']}：{hours_text(hall)}" in top["answer"]


def test_saturday_question_follows_the_halls_opening(app, client):
    body = ask(client, "市民中心周六开门吗")
    top = body["results"][0]
    assert body["status"] == "answered" and top["hall_id"] == "jc-main"
    main, east = hall_doc(app, "jc-main"), hall_doc(app, "jc-east")
    assert main["opening"]["saturday"] == [] and "周六休息" in top["answer"]
    # the resident is told which hall is open then, with that hall's own periods
    assert east["name"] in top["answer"] and periods_text(east["opening"]["saturday"]) in top["answer"]


def test_a_hall_edit_changes_the_answer(app, client):
    assert "周六休息" in ask(client, "市民中心周六开门吗")["results"][0]["answer"]
    main = hall_doc(app, "jc-main")
    main["opening"] = {**main["opening"], "saturday": ["09:30-11:30"]}
    with app.test_request_context():
        replace_hall("jc-main", {k: v for k, v in main.items() if k != "_id"})
    answer = ask(client, "市民中心周六开门吗")["results"][0]["answer"]
    assert "周六 9:30–11:30 开放" in answer
    # the same edit reaches every guide located at the hall
    guide = client.get("/api/v1/guides/GR-006").get_json()
    assert "周六 9:30–11:30" in guide["location"]["hours"]


@pytest.fixture
def september_app(app_config):
    """The hall clock on 2026-09-01: 国庆 2026 (1–7 Oct, 调休 20 Sep and 10 Oct) lies ahead."""
    return seeded_app({**app_config, "DEV_CLOCK": "2026-09-01T10:00:00"})


def test_national_day_question_uses_the_hall_calendar(september_app):
    client = september_app.test_client()
    body = ask(client, "国庆节办事大厅上班吗")
    answer = body["results"][0]["answer"]
    assert body["status"] == "answered" and body["field"] == "hall"
    assert "国庆节放假：2026年10月1日（周四）至10月7日（周三）" in answer and "休息" in answer
    assert "9月20日（周日）" in answer and "10月10日（周六）" in answer  # 调休上班日
    with september_app.app_context():
        cal, east = workday_calendar(), hall_doc(september_app, "jc-east")
        assert open_periods(east, dt.date(2026, 10, 3), cal) == []  # a Saturday inside the holiday
        assert open_periods(east, dt.date(2026, 10, 10), cal) == east["opening"]["weekdays"]


def test_holiday_not_yet_scheduled_is_said_so_then_a_staff_schedule_answers(app, client, admin):
    today = None
    with app.app_context():
        today = local_today()
    year = today.year + 1
    with app.app_context():
        known = workday_calendar().known(year)
    if not known:
        answer = ask(client, "国庆节办事大厅上班吗")["results"][0]["answer"]
        assert "尚未公布" in answer
    holidays = [f"{year}-10-0{d}" for d in range(1, 8)]
    response = client.put(
        f"/api/v1/staff/calendar/{year}", json={"holidays": holidays, "workdays": [f"{year}-10-09"]}, headers=admin
    )
    assert response.status_code == 200, response.get_json()
    answer = ask(client, "国庆节办事大厅上班吗")["results"][0]["answer"]
    assert f"国庆节放假：{year}年10月1日" in answer and "10月9日" in answer


def test_parking_and_address(app, client):
    parking = ask(client, "哪里停车")["results"][0]["answer"]
    for hall_id in ("jc-main", "jc-east", "jc-west"):
        assert hall_doc(app, hall_id)["parking"] in parking
    body = ask(client, "东区分中心在哪")
    east = hall_doc(app, "jc-east")
    assert body["results"][0]["hall_id"] == "jc-east" and east["address"] in body["results"][0]["answer"]
    assert hall_doc(app, "jc-main")["address"] not in body["results"][0]["answer"]


def test_tomorrow_question_uses_the_calendar(app, client):
    answer = ask(client, "明天大厅上班吗")["results"][0]["answer"]
    with app.app_context():
        tomorrow = local_today() + dt.timedelta(days=1)
        periods = open_periods(hall_doc(app, "jc-main"), tomorrow, workday_calendar())
    assert f"{tomorrow.month}月{tomorrow.day}日" in answer
    assert (f"开放 {periods_text(periods)}" if periods else "休息") in answer


def test_item_questions_stay_the_items(client):
    body = ask(client, "护照在哪办")
    assert body["results"][0]["item_code"] == "GR-006" and body["field"] == "location"
    assert ask(client, "今天天气怎么样")["status"] == "unanswerable"  # a time word alone is not a hall question


def test_expedite_question_gets_the_time_limit_note(client):
    body = ask(client, "护照可以加急吗")
    top = body["results"][0]
    assert top["item_code"] == "GR-006" and top["field"] == "time_limit"
    assert "因急事出国可申请加急" in top["answer"]
    # a bare mention still gets the overview; a term the item uses everywhere does not pick a field
    assert ask(client, "护照")["results"][0]["field"] is None
    assert ask(client, "申请护照")["results"][0]["field"] is None


def test_note_terms_pick_their_field_in_general(app):
    """Not a rule for 加急: any term only one field's note uses selects that field."""
    with app.app_context():
        kb = knowledge_base()
        guide = kb.guides()["GR-035"]
        assert "抢修" in guide["location"]["notes"]
        outcome = kb.search("居民用水报装抢修", 3, log_unanswered=False)
    assert outcome.results[0].item_code == "GR-035" and outcome.field == "location"
    assert "24小时" in outcome.results[0].answer
