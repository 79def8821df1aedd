"""A fake Rasa server for the chat, WeChat and agent tests (HTTP mocked with ``responses``)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import responses

RASA = "http://rasa.test:5005"
WEBHOOK = f"{RASA}/webhooks/rest/webhook"
PARSE = f"{RASA}/model/parse"

CHAT_CONFIG = {
    "RASA_URL": RASA,
    "CHAT_RASA_TIMEOUT": 0.5,
    "WECHAT_RASA_TIMEOUT": 0.5,
    "AGENT_RASA_TIMEOUT": 0.5,
}


def bot_replies(rsps: responses.RequestsMock, messages: list[dict]) -> None:
    """The REST channel answers ``messages`` (recipient_id filled in from the request)."""

    def reply(request):
        sender = json.loads(request.body)["sender"]
        return 200, {}, json.dumps([{"recipient_id": sender, **m} for m in messages])

    rsps.add_callback(responses.POST, WEBHOOK, callback=reply, content_type="application/json")


def nlu_answers(rsps: responses.RequestsMock, intent: str, confidence: float = 0.95,
                entities: list[dict] | None = None) -> None:  # fmt: skip
    def parse(request):
        text = json.loads(request.body)["text"]
        return 200, {}, json.dumps({"text": text, "intent": {"name": intent, "confidence": confidence},
                                    "entities": entities or [], "intent_ranking": []})  # fmt: skip

    rsps.add_callback(responses.POST, PARSE, callback=parse, content_type="application/json")


def sent_to_webhook(rsps: responses.RequestsMock) -> list[dict]:
    return [json.loads(c.request.body) for c in rsps.calls if c.request.url == WEBHOOK]


class SlowRasa:
    """A real HTTP server that answers after ``delay`` seconds (to exercise the client timeout)."""

    def __init__(self, delay: float) -> None:
        delay_ = delay

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(delay_)
                body = b'[{"recipient_id": "x", "text": "too late"}]'
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up already

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True  # do not wait for the sleeping handler on close
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SlowRasa:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
