"""The issue's proof in a real browser (Playwright driving Debian's /usr/bin/chromium), with a
screenshot of every console page at 1366×768 saved to docs/screenshots/.

An editor and a publisher change the 护照 fee together (a reject with a comment in between), the new
fee reaches the KB page and /api/v1/kb/search; a form post without its CSRF token and a page outside
one's role are refused; an unanswered question becomes a synonym; the dashboard shows today's
searches; a publish reaches an open page through the live server within a second.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                                "(scripts/test.sh installs it with ensure_browser)")
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PASSWORD = "Kx9-harbour-lantern"
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from werkzeug.serving import make_server

    from miniapp_api.live.background import BackgroundLiveServer
    from tests.conftest import _cleanup
    from tests.factories import seeded_app

    prefix, secret = f"test:{uuid.uuid4().hex[:8]}:", uuid.uuid4().hex
    with BackgroundLiveServer(REDIS_URL, prefix, secret, heartbeat=5) as live:
        app = seeded_app({"TESTING": True, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix, "SECRET_KEY": secret,
                          "JIEBA_DICT_DIR": str(tmp_path_factory.mktemp("dict")), "KB_SYNC_INTERVAL": 0.0,
                          "BOOTSTRAP_ADMIN": "admin:admin-pass-123", "LIVE_PUBLIC_URL": live.url})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"base": f"http://127.0.0.1:{server.server_port}", "app": app, "live": live}
        finally:
            server.shutdown()
            _cleanup(prefix)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def signed_in(chromium, base: str, username: str, password: str = PASSWORD):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console/**")
    return page


def _rating_with_callback(app) -> None:
    """A low rating as POST /api/v1/ratings leaves it (a resident and a finished case are more setup
    than this page needs), so the feedback page has a callback to show."""
    import datetime as dt

    with app.app_context():
        db, now = app.extensions["mongo"], dt.datetime.now(dt.UTC)
        target = {"target_type": "case", "target_id": "JC2026112800004", "item_code": "GR-001",
                  "item_name": "居民身份证换领", "department": "公安局", "resident_id": "demo-r"}
        db["ratings"].insert_one({"_id": "case:JC2026112800004", **target, "score": 2, "comment": "邮寄太慢",
                                  "created_at": now, "callback_id": "cb-demo"})
        db["callbacks"].insert_one({"_id": "cb-demo", "rating_id": "case:JC2026112800004", **target,
                                    "resident_name": "李四", "contact_phone": None, "phone_masked": "139****0001",
                                    "score": 2, "comment": "邮寄太慢", "status": "open", "created_at": now})


def set_fee(page, base: str, amount: str) -> None:
    page.goto(f"{base}/console/guides/GR-006")
    page.fill("input[name='fee.items.0.amount']", amount)
    page.click("#btn-save")
    page.wait_for_selector("text=草稿已保存")


def test_staff_change_a_fee_together(site, chromium):
    base, app = site["base"], site["app"]
    # The admin creates the two accounts on the accounts page.
    admin = signed_in(chromium, base, "admin", "admin-pass-123")
    admin.goto(f"{base}/console/accounts")
    for name, role in (("zhang.editor", "editor"), ("li.publisher", "publisher")):
        admin.fill("#account-create input[name=username]", name)
        admin.fill("#account-create input[name=password]", PASSWORD)
        admin.select_option("#account-create select[name=role]", role)
        admin.click("#btn-create-account")
        admin.wait_for_selector(f"td:text-is('{name}')")
    shot(admin, "accounts")

    login = chromium.new_page(viewport={"width": 1366, "height": 768})
    login.goto(f"{base}/")
    shot(login, "login")
    login.close()

    editor = signed_in(chromium, base, "zhang.editor")
    publisher = signed_in(chromium, base, "li.publisher")
    editor.goto(f"{base}/console/guides/?q=护照")
    shot(editor, "guides-list")

    # A mistake first: the form shows the schema's errors beside the fields.
    editor.goto(f"{base}/console/guides/GR-006")
    editor.fill("input[name='time_limit.promised_days']", "99")
    editor.fill("input[name='materials.0.copies']", "两份")
    editor.click("#btn-save")
    editor.wait_for_selector("[data-field='materials.0.copies']")
    assert "承诺时限不能超过法定时限" in editor.inner_text("[data-field='time_limit.promised_days']")
    editor.eval_on_selector("[data-field='materials.0.copies']", "el => el.scrollIntoView({block: 'center'})")
    shot(editor, "guide-edit-errors")

    set_fee(editor, base, "10")  # a typo for 100
    editor.goto(f"{base}/console/guides/GR-006/diff")
    shot(editor, "guide-diff")

    # The publisher watches the list; the editor's submit reaches it through the live server.
    publisher.goto(f"{base}/console/guides/?q=护照")
    publisher.wait_for_function("document.getElementById('live-state').textContent.includes('已连接')")
    editor.goto(f"{base}/console/guides/GR-006")
    started = time.time()
    editor.click("#btn-submit")
    publisher.wait_for_selector("tr[data-code='GR-006'] .badge.in_review", timeout=3000)
    live_seconds = time.time() - started
    assert live_seconds < 1.5, live_seconds  # includes the submit's own page load

    publisher.goto(f"{base}/console/guides/GR-006")
    publisher.fill("input[name=comment]", "金额应为100元，请核对")
    publisher.click("#btn-reject")
    publisher.wait_for_selector("text=已退回并附意见")
    editor.goto(f"{base}/console/guides/GR-006")
    assert "金额应为100元" in editor.inner_text("#review-comment")
    shot(editor, "guide-rejected")

    set_fee(editor, base, "100")
    editor.click("#btn-submit")
    editor.wait_for_selector("text=已提交审核")
    assert editor.locator("#btn-publish").count() == 0  # editors cannot publish

    publisher.goto(f"{base}/console/guides/GR-006")
    shot(publisher, "guide-review")
    publisher.click("#btn-publish")
    publisher.wait_for_selector("text=已发布")
    publisher.goto(f"{base}/console/guides/GR-006/history")
    shot(publisher, "guide-history")

    # The new fee, in the KB page and in the residents' API.
    publisher.goto(f"{base}/console/kb/?q=办护照多少钱")
    assert "100 元/本" in publisher.inner_text(".kb-result")
    shot(publisher, "kb-search")
    api = publisher.request.get(f"{base}/api/v1/kb/search?q=办护照多少钱").json()
    assert api["results"][0]["item_code"] == "GR-006" and "100 元/本" in api["results"][0]["answer"]
    with app.app_context():
        assert app.extensions["mongo"]["guides"].find_one({"code": "GR-006"})["published"]["fee"]["items"][0][
            "amount"] == 100

    # A form post without its CSRF token, and a page outside the role, are refused.
    forged = editor.request.post(f"{base}/console/guides/GR-006/submit", form={})
    assert forged.status == 403
    editor.goto(f"{base}/console/accounts")
    assert "无权访问" in editor.inner_text("main")
    shot(editor, "forbidden")
    for p in (admin, editor, publisher):
        p.context.close()


def test_unanswered_question_to_synonym_and_dashboard(site, chromium):
    base = site["base"]
    question = "大本子丢了要补办"
    editor = signed_in(chromium, base, "admin", "admin-pass-123")
    editor.goto(f"{base}/console/kb/")
    editor.wait_for_function("document.getElementById('live-state').textContent.includes('已连接')")
    # A resident asks; the open desk shows the new question without a reload.
    editor.request.get(f"{base}/api/v1/kb/search?q={question}")
    row = editor.wait_for_selector(f"tr[data-question='{question}']", timeout=3000)
    shot(editor, "kb-desk")
    row.query_selector("text=加同义词").click()
    editor.wait_for_selector("input[name=variant]")
    editor.fill("input[name=variant]", "大本子")
    editor.fill("input[name=canonical]", "不动产权证书")
    editor.click("text=保存并重新提问")
    editor.wait_for_selector("text=已添加同义词")
    assert "不动产权证书" in editor.inner_text(f"tr[data-question='{question}']")
    shot(editor, "kb-synonym-added")
    editor.goto(f"{base}/console/kb/synonyms")
    shot(editor, "kb-synonyms")

    editor.goto(f"{base}/console/supervision/")
    shot(editor, "supervision")
    editor.click("text=JC2026112800003")
    editor.wait_for_selector("#timeline")
    shot(editor, "case-timeline")
    _rating_with_callback(site["app"])
    editor.goto(f"{base}/console/feedback/")
    editor.wait_for_selector("#chart-ratings svg")
    shot(editor, "feedback")

    for q in ("办护照多少钱", "身份证丢了怎么补", "社保卡在哪办"):
        editor.request.get(f"{base}/api/v1/kb/search?q={q}")
    editor.goto(f"{base}/console/dashboard/?range=today")
    editor.wait_for_selector("#chart-kb svg")
    searches = int(editor.inner_text("#kpi-searches .v"))
    assert searches >= 4  # the question above and these three: every search today is counted
    shot(editor, "dashboard")
    editor.context.close()
