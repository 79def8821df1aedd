"""Suggestion latency while the agent types (issue 9), measured at HTTP level per keystroke.

A rambling caller question is typed character by character; after every character the call screen's own
endpoint (``POST /console/calls/<call_id>/suggest``, signed-in agent, CSRF token, real werkzeug server in a
thread, real Redis) is asked for the suggestions of the text so far, and the time until its HTML answer is
read is recorded. Baseline in the same run: ``GET /api/v1/kb/search`` with the same prefixes (the knowledge
base alone, no intent, no transcript, no template). Rasa is pointed at a closed port, so the intent comes
from the KB fallback as when the bot is down (with Rasa up, its /model/parse time adds, capped by
AGENT_RASA_TIMEOUT).

The browser adds its 250 ms typing pause (debounce) on top: keystroke → suggestion shown in Chromium is
this figure + 250 ms + rendering; the browser test prints that figure from the page's own suggestLog.

    .venv/bin/python -m bench.agent_bench [--rounds 3]
"""

from __future__ import annotations

import argparse
import logging
import re
import statistics
import threading
import time
import uuid

import requests

QUESTIONS = [
    "喂你好，我想问一下那个护照过期了，要重新办的话需要带些什么东西啊，还有大概多久能拿到",
    "你好我是做小生意的，想开一个小饭馆，那个营业执照和食品经营许可要去哪里办，要多少钱",
    "我妈的身份证丢了，她年纪大了走不动，能不能帮她补办一个，要准备什么材料",
]
PASSWORD = "Kx9-harbour-lantern"
REDIS_URL = "redis://127.0.0.1:6379/15"
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _line(label: str, values: list[float]) -> str:
    return (f"{label:>34}: n {len(values):5d}  p50 {_pct(values, .5):7.1f} ms  p99 {_pct(values, .99):7.1f} ms  "
            f"max {max(values) * 1000:7.1f} ms  mean {statistics.mean(values) * 1000:7.1f} ms")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="suggestion latency per keystroke")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access line per keystroke would swamp the figures

    from tests.conftest import _cleanup
    from tests.factories import seeded_app
    from tests.web.conftest import make_account

    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    config = {"TESTING": True, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix, "SECRET_KEY": uuid.uuid4().hex,
              "KB_SYNC_INTERVAL": 0.0, "RASA_URL": "http://127.0.0.1:9", "AGENT_RASA_TIMEOUT": 0.5}  # fmt: skip
    app = seeded_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        s = requests.Session()
        page = s.get(f"{base}/console/login").text
        login = {"username": make_account(app, "agent", "bench.agent"), "password": PASSWORD,
                 "csrf_token": TOKEN_RE.search(page).group(1)}  # fmt: skip
        s.post(f"{base}/console/login", data=login)
        token = TOKEN_RE.search(s.get(f"{base}/console/calls/?call_id=bench-warm").text)
        csrf = token.group(1) if token else s.cookies.get("gs_csrf", "")
        suggest, kb = [], []
        for r in range(args.rounds):
            for qi, question in enumerate(QUESTIONS):
                call_id = f"bench-{r}-{qi}"
                for n in range(1, len(question) + 1):
                    text = question[:n]
                    t0 = time.perf_counter()
                    resp = s.post(f"{base}/console/calls/{call_id}/suggest", data={"text": text, "csrf_token": csrf},
                                  headers={"X-CSRF-Token": csrf})  # fmt: skip
                    suggest.append(time.perf_counter() - t0)
                    assert resp.status_code == 200, (resp.status_code, resp.text[:200])
                    t0 = time.perf_counter()
                    assert s.get(f"{base}/api/v1/kb/search", params={"q": text}).status_code == 200
                    kb.append(time.perf_counter() - t0)
        print(_line("KB search alone (baseline)", kb))
        print(_line("call-screen suggestion per keystroke", suggest))
        print(
            f"ratio p50 {_pct(suggest, 0.5) / _pct(kb, 0.5):.2f}x, p99 {_pct(suggest, 0.99) / _pct(kb, 0.99):.2f}x "
            "(suggestion vs KB alone); in the browser add the 250 ms typing pause"
        )
    finally:
        server.shutdown()
        _cleanup(prefix)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
