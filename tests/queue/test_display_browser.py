"""The hall display in Debian's chromium at 1920×1080: a walk-in number changes the waiting count on the open
display live (the counts travel in the board event: the display asks the API nothing), and the board's header
(类别 / 等候) stays on one line. Screenshot: docs/screenshots/hall-display.png."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.web.test_browser import CHROMIUM, chromium, shot, signed_in, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium")


def test_walk_in_updates_the_display_live_and_the_header_does_not_wrap(site, chromium):  # noqa: F811
    base, app = site["base"], site["app"]
    from miniapp_api.identity.resident_auth import issue_session
    from miniapp_api.queue import service as queue
    from tests.web.conftest import make_account

    monday = dt.datetime(2026, 11, 30, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    mp = pytest.MonkeyPatch()
    mp.setattr(queue, "now", lambda: monday)
    try:
        display = chromium.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        board_fetches: list[str] = []
        display.on("request", lambda r: board_fetches.append(r.url) if r.url.endswith("/board") else None)
        display.goto(f"{base}/console/display/jc-main")
        display.wait_for_function("document.getElementById('live-state').textContent.indexOf('正常') >= 0")
        before = int(display.inner_text("#board tr[data-category='B'] .waiting"))
        with app.app_context():
            token = issue_session("openid-display-walkin")["token"]
        started = time.time()
        taken = requests.post(f"{base}/api/v1/queue/tickets", headers={"Authorization": f"Bearer {token}"},
                              json={"hall_id": "jc-main", "category": "B"}, timeout=5)  # fmt: skip
        assert taken.status_code == 201, taken.text
        display.wait_for_selector(f"#board tr[data-category='B'] .waiting:text-is('{before + 1}')", timeout=2000)
        print(f"walk-in → display count: {(time.time() - started) * 1000:.0f} ms")
        assert board_fetches == []  # the counts came in the event

        # One line per header cell: every <th> of the board is as tall as the first data cell's line.
        heights = display.eval_on_selector_all("#board th", "els => els.map(e => e.getBoundingClientRect().height)")
        row = display.eval_on_selector("#board tbody tr td", "e => e.getBoundingClientRect().height")
        assert max(heights) <= row * 1.2, (heights, row)
        overflow = display.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False

        clerk = signed_in(chromium, base, make_account(app, "agent", "display.clerk"))
        clerk.goto(f"{base}/console/windows/?hall=jc-main&window=A07")
        clerk.click("#btn-call")
        clerk.wait_for_selector("#current-number:text-is('B001')")
        display.wait_for_selector("#now-number:text-is('B001')", timeout=2000)
        display.wait_for_selector(f"#board tr[data-category='B'] .waiting:text-is('{before}')", timeout=2000)
        display.wait_for_timeout(300)
        shot(display, "hall-display")
        display.close()
    finally:
        mp.undo()
