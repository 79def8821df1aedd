"""The call screen's desk in Debian's chromium (1366×768): while the caller talks the agent identifies them,
books on their behalf (the booking item filled from the suggestion), cancels it, looks up a case and files a
complaint with type and place; the summary after the call lists it all. Screenshots: call-desk.png,
call-summary-desk.png."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.web.test_browser import CHROMIUM, chromium, shot, signed_in, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium")
ID, PHONE = "11010519491231002X", "13812345678"


class _Clock:
    def __call__(self) -> dt.datetime:
        return dt.datetime(2026, 9, 14, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_agent_books_cancels_looks_up_and_files_for_the_caller(site, chromium):  # noqa: F811
    base, app = site["base"], site["app"]
    from miniapp_api.cases.demo import ensure_demo_cases
    from miniapp_api.identity.resident_auth import issue_session
    from miniapp_api.identity.residents import update_profile
    from tests.web.conftest import make_account

    app.extensions["clock"] = _Clock()
    app.config["CASES_DEMO_SEED"] = True
    try:
        with app.app_context():
            ensure_demo_cases()
            resident_id = issue_session("openid-desk-browser")["resident_id"]
            update_profile(resident_id, {"name": "张三", "id_number": ID, "phone": PHONE})
        page = signed_in(chromium, base, make_account(app, "agent", "zhao.agent"))
        page.goto(f"{base}/console/calls/?call_id=call-desk-1")
        page.click("#caller-text")
        page.keyboard.type("我想约个时间去办护照", delay=30)
        page.wait_for_selector(".suggestion[data-item='GR-006']", timeout=3000)
        assert page.input_value("#book-item") == "GR-006"  # the booking form follows the discussed item

        page.fill("#identify-form input[name=phone]", PHONE)
        page.fill("#identify-form input[name=id_last4]", "1234")
        page.click("#btn-identify")
        page.wait_for_selector("#desk-error .alert")  # wrong digits: refused, the form keeps the phone
        assert page.input_value("#identify-form input[name=phone]") == PHONE
        page.fill("#identify-form input[name=id_last4]", "002X")
        page.click("#btn-identify")
        page.wait_for_selector("#caller-who:has-text('张三')")

        page.select_option("#book-form select[name=hall_id]", "jc-main")
        page.fill("#book-form input[name=item_code]", "GR-006")
        page.fill("#book-form input[name=date]", "2026-09-15")
        page.select_option("#book-form select[name=slot]", "09:00-10:00")
        page.click("#btn-book")
        page.wait_for_selector("#desk-message:has-text('已代为预约')")
        page.wait_for_selector("#caller-appointments tr[data-appointment] .btn-cancel-appt")
        shot(page, "call-desk")
        page.click("#caller-appointments .btn-cancel-appt")
        page.wait_for_selector("#desk-message:has-text('已代为取消')")

        page.click("summary:has-text('查办件')")
        page.fill("#case-form input[name=case_no]", "JC2026112800002")
        page.fill("#case-form input[name=factor]", "2345")
        page.click("#btn-case")
        page.wait_for_selector("#case-result:has-text('普通护照签发')")

        page.click("summary:has-text('登记诉求')")
        page.select_option("#appeal-form select[name=type]", "complaint")
        page.fill("#appeal-form input[name=where]", "市民服务中心二楼出入境窗口")
        page.fill("#appeal-form input[name=contact]", PHONE)
        page.fill("#appeal-form textarea[name=what]", "窗口说材料不全让我跑了三趟，每次说的都不一样")
        page.click("#btn-appeal")
        page.wait_for_selector("#appeal-result")
        with app.app_context():
            db = app.extensions["mongo"]
            appeal = db["appeals"].find_one({"channel": "hotline", "resident_id": resident_id})
            booked = db["audit"].find_one({"action": "appointment.book_on_behalf", "user": "zhao.agent"})
        assert appeal["type"] == "complaint" and appeal["timeline"][0]["by"] == "zhao.agent"
        assert booked and booked["detail"]["resident_id"] == resident_id

        page.click("#btn-summary")
        page.wait_for_selector("#summary-actions li[data-kind='appeal']")
        kinds = page.eval_on_selector_all("#summary-actions li", "els => els.map(e => e.dataset.kind)")
        assert kinds == ["identify", "book", "cancel", "case", "appeal"]
        page.wait_for_selector("#summary-items li:has-text('GR-006')")
        shot(page, "call-summary-desk")
    finally:
        app.extensions.pop("clock", None)
        app.config["CASES_DEMO_SEED"] = False
