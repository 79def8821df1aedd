"""The appeals panel of the staff dashboard: the 网络理政 figures of today / 7 / 30 days, by department
and type, with the numbers beside the chart; answers computed by hand from a seeded set."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import re

from miniapp_api.appeals import service, workflow
from miniapp_api.appeals.rules import Actor
from miniapp_api.core.clock import local_today
from tests.web.conftest import PASSWORD, Browser, make_account

DISPATCHER = Actor("d1", frozenset({"dispatcher"}))


def _clerk(department: str) -> Actor:
    return Actor(f"clerk-{department}", frozenset({"department"}), frozenset({department}))


def _seed(app) -> dict:
    """A, B (投诉, 城市管理局, today): A replied and rated 满意, B open. C (咨询, 公安局, today): replied,
    rated 不满意 → reopened. D (咨询, 公安局, 10 days ago): dispatched, open."""
    now = workflow.utcnow()
    with app.test_request_context():

        def filed(kind: str, when: dt.datetime, department: str) -> str:
            doc = service.create_appeal("路口井盖松了", "人民路", "13700001111", None, None, kind=kind, now=when)
            workflow.take(doc["_id"], "dispatch", DISPATCHER, when, department=department)
            return doc["_id"]

        a = filed("complaint", now, "城市管理局")
        workflow.take(a, "accept", _clerk("城市管理局"))
        workflow.take(a, "reply", _clerk("城市管理局"), reason="已修复")
        workflow.take(a, "rate", Actor.resident(f"contact:{a}"), rating="satisfied")
        filed("complaint", now, "城市管理局")
        c = filed("consult", now, "公安局")
        workflow.take(c, "accept", _clerk("公安局"))
        workflow.take(c, "reply", _clerk("公安局"), reason="已答复")
        workflow.take(c, "rate", Actor.resident(f"contact:{c}"), rating="unsatisfied", reason="没解决")
        d = filed("consult", now - dt.timedelta(days=10), "公安局")
        due = app.extensions["mongo"]["appeals"].find_one({"_id": d})["due_on"]
        return {"d_overdue": int(due < local_today().isoformat())}


def _page(browser: Browser, chosen: str) -> tuple[str, dict]:
    html = browser.get(f"/console/dashboard/?range={chosen}").get_data(as_text=True)
    data = json.loads(htmllib.unescape(re.search(r'id="dash-data">(.*?)</script>', html, re.S).group(1)))
    return html[html.index('id="appeals-panel"') : html.index("超期办件（红灯）")], data["appeals"]


def _cells(panel: str, name: str) -> list[str]:
    row = panel[panel.index(f"<td>{name}</td>") :]
    row = row[: row.index("</tr>")]
    return [c.split("<")[0] for c in row.split('<td class="num">')[1:]]


def test_the_panel_shows_the_hand_computed_figures_for_today_and_30_days(app):
    seeded = _seed(app)
    name = make_account(app, "dispatcher")
    browser = Browser(app.test_client())
    assert browser.login(name, PASSWORD).status_code == 302  # the dispatcher reads the figures too

    panel, data = _page(browser, "today")
    total = data["total"]
    assert (total["received"], total["replied"], total["reply_rate"], total["on_time_rate"]) == (3, 2, 0.6667, 1.0)
    assert (total["rated"], total["satisfaction_rate"], total["reopened"], total["overdue_now"]) == (2, 0.5, 1, 0)
    assert total["mean_reply_workdays"] == 0.0 and total["p90_reply_workdays"] == 0
    assert '<div class="kpi" id="kpi-appeals"><div class="v">3</div>' in panel
    # department | received replied reply-rate on-time mean p90 satisfied reopened overdue
    assert _cells(panel, "城市管理局") == ["2", "1", "50.0%", "100.0%", "0.0", "0", "100.0%", "0", "0"]
    assert _cells(panel, "公安局") == ["1", "1", "100.0%", "100.0%", "0.0", "0", "0.0%", "1", "0"]
    assert _cells(panel, "投诉") == ["2", "1", "50.0%", "100.0%", "0.0", "0", "100.0%", "0", "0"]
    assert _cells(panel, "咨询") == ["1", "1", "100.0%", "100.0%", "0.0", "0", "0.0%", "1", "0"]
    assert 'id="chart-appeals"' in panel

    _, month = _page(browser, "30d")
    assert month["total"]["received"] == 4 and month["total"]["overdue_now"] == seeded["d_overdue"]
    police = next(r for r in month["by_department"] if r["department"] == "公安局")
    assert police["received"] == 2 and police["replied"] == 1 and police["reply_rate"] == 0.5
    _, week = _page(browser, "7d")
    assert week["total"]["received"] == 3  # D was received 10 days ago


def test_a_department_clerk_has_no_dashboard(app):
    from miniapp_api.identity.staff import create_staff

    with app.app_context():
        create_staff(app.extensions["mongo"], "clerk-dash", PASSWORD, "department", ["公安局"])
    browser = Browser(app.test_client())
    assert browser.login("clerk-dash", PASSWORD).status_code == 302
    assert browser.get("/console/dashboard/").status_code == 403
