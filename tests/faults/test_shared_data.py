"""Every process of the run command works on the same data in the default (in-memory) set-up: the API,
the notification worker and the ``flask notify`` CLI, each a real process as the Procfile starts it.
A reminder for tomorrow's booking is queued from the CLI, sent by the worker to (a loopback fake of)
WeChat, and its result is recorded where the bookings are."""

from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis

from tests.faults import procs
from tests.faults.procs import NEXT_WORKING_DAY, Api, Client, Proc, RedisServer, app_env, wait_until

pytestmark = pytest.mark.slow

APP_ID, TEMPLATE = "wx-fault-test", "tpl-remind"


class FakeWeChat(BaseHTTPRequestHandler):
    """Answers subscribeMessage.send like WeChat does, and remembers what it was sent."""

    sent: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if self.path.startswith("/cgi-bin/message/subscribe/send"):
            FakeWeChat.sent.append(body)
            answer = {"errcode": 0, "errmsg": "ok"}
        else:
            answer = {"errcode": 40001, "errmsg": f"unexpected {self.path}"}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def wechat():
    FakeWeChat.sent = []
    server = ThreadingHTTPServer(("127.0.0.1", procs.free_port()), FakeWeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _flask(env: dict, *args: str) -> str:
    out = subprocess.run([str(procs.BIN / "flask"), "--app", "app", *args], cwd=procs.ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def test_reminder_queued_by_the_cli_is_sent_by_the_worker_and_recorded_by_the_api(tmp_path, wechat, redis_server):
    # The API with the demo settings (dev login gives residents an openid, the dev clock a working day);
    # the worker with the WeChat settings (the API refuses dev settings next to WeChat credentials).
    env = app_env(redis_server.url, tmp_path)
    worker_env = app_env(redis_server.url, tmp_path, dev=False, prefix=env["REDIS_PREFIX"], WECHAT_APP_ID=APP_ID,
                         WECHAT_APP_SECRET="fault-secret", WECHAT_TEMPLATE_APPOINTMENT_REMINDER=TEMPLATE,
                         WECHAT_API_BASE=wechat, NOTIFY_RETRY_INTERVALS="1")
    # The fake cannot hand out access tokens over HTTPS: put one where wechatpy keeps it (shared in Redis).
    token_key = f"{env['REDIS_PREFIX']}wechat:{APP_ID}_access_token"
    redis.Redis.from_url(redis_server.url).set(token_key, json.dumps("fake-token"))  # wechatpy stores JSON
    api = Api(env, tmp_path).start()
    worker = Proc(["/bin/bash", "-c", procs.procfile_line("worker")], worker_env, tmp_path / "worker.log")
    try:
        worker.start()
        resident = Client(api.base)
        booked = resident.call("POST", "/api/v1/appointments", json={"hall_id": "jc-main", "item_code": "GR-006",
                                                                     "date": NEXT_WORKING_DAY, "slot": "10:00-11:00"})
        assert booked.status_code == 201, booked.text

        queued = json.loads(_flask(env, "notify", "reminders"))  # tomorrow by the hall clock (DEV_CLOCK)
        assert queued == {"date": NEXT_WORKING_DAY, "queued": 1, "already_queued": 0}

        def recorded() -> dict | None:
            status = json.loads(_flask(env, "notify", "status"))
            return status if status.get("sent") else None

        assert wait_until(recorded, 60, "the reminder recorded as sent", 1.0) == {"sent": 1}
        assert len(FakeWeChat.sent) == 1
        message = FakeWeChat.sent[0]
        assert message["touser"] == resident.openid and message["template_id"] == TEMPLATE
        assert message["data"]["character_string4"]["value"] == booked.json()["checkin_code"]
        # The same command again queues nothing twice.
        again = json.loads(_flask(env, "notify", "reminders"))
        assert again == {"date": NEXT_WORKING_DAY, "queued": 0, "already_queued": 1}
    finally:
        worker.stop()
        api.proc.stop()
