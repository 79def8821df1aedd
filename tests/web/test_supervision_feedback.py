"""Supervision, case timeline, ratings and callbacks, dashboard pages."""

from __future__ import annotations

import json


def test_supervision_lamps_and_overdue_drill_down(browser):
    office = browser("backoffice")
    page = office.get("/console/supervision/").get_data(as_text=True)
    overdue = page.split('id="overdue"')[1].split("</table>")[0]
    assert "JC2026112800003" in overdue and "社会保障卡申领" in overdue  # the red demo case
    assert "JC2026112800001" not in overdue  # green
    assert "按事项" in page and "普通护照签发" in page
    case = office.get("/console/supervision/cases/JC2026112800003").get_data(as_text=True)
    assert "办理经过" in case and "lamp red" in case and "已受理" in case
    assert office.get("/console/supervision/cases/JC0000").status_code == 404


def test_feedback_page_and_callback_done(app, browser):
    with app.app_context():
        import datetime as dt

        db = app.extensions["mongo"]
        now = dt.datetime.now(dt.UTC)
        db["ratings"].insert_one({"_id": "case:X1", "target_type": "case", "target_id": "X1", "item_code": "GR-006",
                                  "item_name": "普通护照签发", "department": "公安局", "resident_id": "r1", "score": 2,
                                  "comment": "等太久", "created_at": now, "callback_id": "cb1"})
        db["callbacks"].insert_one({"_id": "cb1", "rating_id": "case:X1", "target_type": "case", "target_id": "X1",
                                    "item_code": "GR-006", "item_name": "普通护照签发", "department": "公安局",
                                    "resident_id": "r1", "resident_name": "张三", "contact_phone": None,
                                    "phone_masked": "138****0000", "score": 2, "comment": "等太久", "status": "open",
                                    "created_at": now})
    agent = browser("agent")
    page = agent.get("/console/feedback/").get_data(as_text=True)
    assert "等太久" in page and "138****0000" in page
    trend = json.loads(page.split('id="dash-data">')[1].split("</script>")[0])["trend"]
    assert trend[-1]["count"] == 1 and trend[-1]["average"] == 2
    assert agent.post("/console/feedback/callbacks/cb1/done", {"note": "已致电说明"}).status_code == 302
    assert agent.post("/console/feedback/callbacks/cb1/done", {"note": "again"}).status_code == 409
    done = agent.get("/console/feedback/?status=done").get_data(as_text=True)
    assert "已致电说明" in done


def test_dashboard_ranges_and_overdue(browser):
    manager = browser()
    for chosen, days in (("today", 1), ("7d", 7), ("30d", 30)):
        page = manager.get(f"/console/dashboard/?range={chosen}").get_data(as_text=True)
        data = json.loads(page.split('id="dash-data">')[1].split("</script>")[0])
        assert len(data["kb"]) == days and len(data["waits"]) == days
    assert data["kpi"]["overdue"] >= 1 and "JC2026112800003" in page
    partial = manager.get("/console/dashboard/?range=7d&partial=body").get_data(as_text=True)
    assert partial.lstrip().startswith("<script") and "<html" not in partial
