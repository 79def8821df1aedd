"""The appeals desk in a real browser (Playwright + Debian chromium, 1366×768): the dispatcher sees a new
complaint with its suggested department and dispatches it, the department returns it once, it is
dispatched again, accepted and replied to; the resident rates it; the dashboard's appeals panel draws
the chart with the numbers beside it; an admin binds a clerk to departments. Screenshots in
docs/screenshots (appeals-queue, appeal-detail, appeal-clerks, dashboard-appeals)."""

from __future__ import annotations

import pytest
import requests

from tests.web.test_browser import CHROMIUM, PASSWORD, chromium, shot, signed_in, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium")
COMPLAINT = {"what": "楼下烧烤摊天天摆到半夜两点，油烟全飘进我家窗户，还占了半条人行道", "where": "光华大道 88 号楼下",
             "contact": "13912345678", "type": "投诉"}  # fmt: skip


def _account(app, name: str, role: str, *departments: str) -> str:
    from miniapp_api.identity.staff import create_staff

    with app.app_context():
        create_staff(app.extensions["mongo"], name, PASSWORD, role, list(departments) or None)
    return name


def _status(page) -> str:
    return page.get_attribute("#appeal-status", "data-status")


def test_a_complaint_goes_from_the_queue_to_the_reply_and_into_the_dashboard(site, chromium):  # noqa: F811
    base, app = site["base"], site["app"]
    filed = requests.post(f"{base}/api/v1/appeals", json=COMPLAINT, timeout=5)
    assert filed.status_code == 201, filed.text
    number = filed.json()["appeal_no"]
    requests.post(f"{base}/api/v1/appeals", json={**COMPLAINT, "what": "小区门口井盖松了，车一压就响", "type": "求助",
                                                   "where": "人民路", "contact": "13700001111"}, timeout=5)  # fmt: skip

    desk = signed_in(chromium, base, _account(app, "wang.dispatch", "dispatcher"))
    desk.goto(f"{base}/console/appeals/")
    row = desk.locator(f"tr[data-appeal='{number}']")
    assert row.locator("td.suggested strong").inner_text() == "城市管理局"
    assert row.locator("select[name=department]").input_value() == "城市管理局"  # preselected, the dispatcher decides
    shot(desk, "appeals-queue")
    row.locator("select[name=department]").select_option("公安局")  # a wrong dispatch …
    row.locator("button:text-is('转办')").click()
    desk.wait_for_url(f"{base}/console/appeals/")
    assert desk.locator(f"tr[data-appeal='{number}']").count() == 0

    police = signed_in(chromium, base, _account(app, "qian.police", "department", "公安局"))
    police.goto(f"{base}/console/appeals/{number}")
    police.fill("#form-return textarea[name=reason]", "占道经营和油烟属城管职责")
    police.click("#btn-return")  # … returned once
    police.wait_for_selector("#appeal-status[data-status=returned]")
    assert police.locator("#appeal-what").count() == 0  # no longer theirs: the text is hidden

    desk.goto(f"{base}/console/appeals/")
    row = desk.locator(f"tr[data-appeal='{number}']")
    assert "退回 1 次" in row.inner_text()
    row.locator("button:text-is('转办')").click()  # the suggestion again: 城市管理局
    desk.wait_for_url(f"{base}/console/appeals/")

    clerk = signed_in(chromium, base, _account(app, "sun.clerk", "department", "城市管理局"))
    clerk.goto(f"{base}/console/appeals/")
    clerk.click(f"tr[data-appeal='{number}'] >> text=办理")
    clerk.click("#btn-accept")
    clerk.wait_for_selector("#appeal-status[data-status=accepted]")
    clerk.fill("#form-reply textarea[name=reason]", "已责令摊主退回店内经营，限期安装油烟净化设备")
    shot(clerk, "appeal-detail")
    clerk.click("#btn-reply")
    clerk.wait_for_selector("#appeal-status[data-status=replied]")
    assert [t.strip() for t in clerk.locator("#timeline li strong").all_inner_texts()] == [
        "已受理", "已转办", "已退回", "已转办", "承办中", "已答复"]  # fmt: skip

    rated = requests.post(f"{base}/api/v1/appeals/{number}/rating", timeout=5,
                          json={"rating": "satisfied", "contact_last4": "5678"})  # fmt: skip
    assert rated.status_code == 200 and rated.json()["status"] == "closed", rated.text

    manager = signed_in(chromium, base, "admin", "admin-pass-123")
    manager.goto(f"{base}/console/dashboard/?range=today")
    manager.wait_for_selector("#chart-appeals svg")  # ECharts drew the chart
    panel = manager.locator("#appeals-panel")
    assert panel.locator("#kpi-appeals .v").inner_text() == "2"
    city = panel.locator("#table-appeals tr", has_text="城市管理局").locator("td").all_inner_texts()
    assert city == ["城市管理局", "1", "1", "100.0%", "100.0%", "0.0", "0", "100.0%", "0", "0"]
    panel.scroll_into_view_if_needed()
    shot(manager, "dashboard-appeals")


def test_an_admin_binds_a_clerk_on_the_clerks_page(site, chromium):  # noqa: F811
    base, app = site["base"], site["app"]
    _account(app, "he.clerk", "department", "城市管理局")
    admin = signed_in(chromium, base, "admin", "admin-pass-123")
    admin.goto(f"{base}/console/appeals/clerks")
    row = admin.locator("tr[data-clerk='he.clerk']")
    row.locator("input[value='公安局']").check()
    row.locator("input[value='城市管理局']").uncheck()
    shot(admin, "appeal-clerks")
    row.locator("button:text-is('保存')").click()
    admin.wait_for_url(f"{base}/console/appeals/clerks")
    assert admin.locator("tr[data-clerk='he.clerk'] input[value='公安局']").is_checked()
    assert not admin.locator("tr[data-clerk='he.clerk'] input[value='城市管理局']").is_checked()
    with app.app_context():
        assert app.extensions["mongo"]["staff"].find_one({"username": "he.clerk"})["departments"] == ["公安局"]
    clerk = signed_in(chromium, base, "he.clerk")
    assert clerk.goto(f"{base}/console/appeals/clerks").status == 403
