"""Process supervision (scripts/run.sh → supervisord, configuration generated from the Procfile): a
program that dies is restarted on its own and the others keep running; with Rasa and the action server
stopped, chat goes on answering from the knowledge base."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.faults.procs import ADMIN, BIN, ROOT, Proc, RedisServer, app_env, free_port, wait_until

pytestmark = pytest.mark.slow

GENERATOR = ROOT / "scripts" / "procfile_supervisord.py"


class Supervisor:
    def __init__(self, procfile: Path, env: dict, tmp: Path) -> None:
        self.run_dir = tmp / "run"  # short path: the control socket's name must stay under 108 bytes
        subprocess.run([str(BIN / "python"), str(GENERATOR), "--procfile", str(procfile), "--run-dir",
                        str(self.run_dir)], check=True, capture_output=True, timeout=30)
        self.conf = self.run_dir / "supervisord.conf"
        self.env = env
        self.proc = Proc([str(BIN / "supervisord"), "-c", str(self.conf)], env, tmp / "supervisord.out")

    def ctl(self, *args: str) -> str:
        out = subprocess.run([str(BIN / "supervisorctl"), "-c", str(self.conf), *args], capture_output=True,
                             text=True, timeout=60, env=self.env)
        return out.stdout.strip()

    def pid(self, name: str) -> int:
        value = self.ctl("pid", name)
        return int(value) if value.isdigit() else 0

    def running_pid(self, name: str) -> int:
        """The pid once the program is RUNNING (0 before)."""
        status = self.ctl("status", name)
        return self.pid(name) if " RUNNING " in f" {status} " else 0

    def start(self) -> Supervisor:
        self.proc.start()
        wait_until(lambda: (self.run_dir / "supervisor.sock").exists(), 20, "supervisord's socket")
        return self

    def stop(self) -> None:
        if not self.proc.alive():
            return
        self.proc.signal_group(signal.SIGTERM)  # supervisord stops its programs, then itself
        try:
            self.proc.popen.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill9()


def test_a_program_that_dies_is_restarted_alone(tmp_path, request):
    procfile = tmp_path / "Procfile"
    procfile.write_text("one: exec sleep 600\ntwo: exec sleep 600\nthree: exec sleep 600\n", encoding="utf-8")
    supervisor = Supervisor(procfile, dict(os.environ), tmp_path)
    request.addfinalizer(supervisor.stop)
    supervisor.start()
    pids = {n: wait_until(lambda n=n: supervisor.running_pid(n), 30, f"{n} running")
            for n in ("one", "two", "three")}
    os.kill(pids["one"], signal.SIGKILL)  # a crash: nobody asked supervisord
    restarted = wait_until(lambda: (p := supervisor.running_pid("one")) != pids["one"] and p, 30, "one restarted")
    assert restarted and restarted != pids["one"]
    time.sleep(1)
    assert supervisor.pid("two") == pids["two"] and supervisor.pid("three") == pids["three"]
    assert supervisor.proc.alive()


BOT_READY = (ROOT / "bot" / ".venv" / "bin" / "rasa").exists() and (ROOT / "bot" / "models" / "bot.tar.gz").exists()
BOT_PORTS = (5005, 5055)  # fixed in the Procfile and bot/endpoints.yml; the API's port is free (API_PORT)


def _ports_free() -> bool:
    import socket

    for port in BOT_PORTS:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return False
    return True


def _chat(base: str, text: str, session: str) -> dict | None:
    try:
        response = requests.post(f"{base}/api/v1/chat", json={"session_id": session, "text": text}, timeout=15)
    except requests.RequestException:
        return None
    return response.json() if response.status_code == 200 else None


needs_bot = pytest.mark.skipif(not BOT_READY, reason="needs bot/.venv and a trained model (scripts/test.sh runs "
                                                    "this after the bot stage, which installs and trains them)")


@pytest.fixture(scope="module")
def stack(tmp_path_factory, request):
    """The whole Procfile under supervisord (API, live server, Rasa, action server, worker) on a private
    Redis, once for the tests below; yields (API base URL, supervisor) once Rasa answers a chat."""
    if not _ports_free():
        pytest.skip(f"ports {BOT_PORTS} are in use (is ./scripts/run.sh running?)")
    tmp_path = tmp_path_factory.mktemp("stack")
    redis_server = RedisServer(tmp_path).start()
    request.addfinalizer(redis_server.stop)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = app_env(redis_server.url, tmp_path, KB_WARM="1", API_PORT=str(port), API_URL=base,
                  RASA_URL="http://127.0.0.1:5005", LIVE_PORT=str(free_port()),
                  # the tokens Rasa, the action server and the bot's API calls check (run.sh makes them)
                  **{name: secrets.token_urlsafe(32) for name in ("RASA_TOKEN", "ACTIONS_TOKEN", "BOT_API_TOKEN")})
    supervisor = Supervisor(ROOT / "Procfile", env, tmp_path)
    request.addfinalizer(supervisor.stop)
    supervisor.start()
    first = wait_until(lambda: (t := _chat(base, "办护照要带什么", f"warm-{port}")) and t["source"] == "rasa" and t,
                       240, "a chat answered by Rasa", 2.0)
    assert first["replies"]
    return base, supervisor


def _staff(base: str, username: str, password: str) -> dict:
    response = requests.post(f"{base}/api/v1/staff/login", json={"username": username, "password": password},
                             timeout=15)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@needs_bot
def test_a_fee_changed_by_an_editor_and_a_publisher_is_what_the_bot_tells(stack):
    """Issue 8's story end to end over real HTTP: an editor changes the 护照 fee, a second account publishes
    it, and the resident asking the bot (Rasa → action server → API) is told the new fee."""
    base, _ = stack
    admin = _staff(base, *ADMIN)
    password = "Window-desk-passphrase-2026"
    for role in ("editor", "publisher"):
        created = requests.post(f"{base}/api/v1/staff/users", headers=admin, timeout=15,
                                json={"username": f"{role}-story", "password": password, "role": role})
        assert created.status_code == 201, created.text
    editor, publisher = _staff(base, "editor-story", password), _staff(base, "publisher-story", password)
    guide = requests.get(f"{base}/api/v1/guides/GR-006", timeout=15).json()
    assert guide["fee"]["items"][0]["amount"] == 120
    guide["fee"] = {**guide["fee"], "items": [{**guide["fee"]["items"][0], "amount": 98}]}
    assert requests.put(f"{base}/api/v1/staff/guides/GR-006/draft", json=guide, headers=editor,
                        timeout=15).status_code == 200
    assert requests.post(f"{base}/api/v1/staff/guides/GR-006/submit", headers=editor, timeout=15).status_code == 200
    published = requests.post(f"{base}/api/v1/staff/guides/GR-006/publish", json={"note": "降费"},
                              headers=publisher, timeout=15)
    assert published.status_code == 200, published.text

    def told_new_fee() -> dict | None:
        turn = _chat(base, "办护照要多少钱", f"fee-{time.monotonic_ns()}")
        return turn if turn and turn["source"] == "rasa" and "98" in " ".join(r.get("text") or "" for r in
                                                                                turn["replies"]) else None

    turn = wait_until(told_new_fee, 10, "the bot telling the new fee", 0.5)
    assert "120" not in " ".join(r.get("text") or "" for r in turn["replies"])


@needs_bot
def test_the_real_stack_survives_rasa_and_the_action_server_going_away(stack):
    base, supervisor = stack
    session = f"fault-{time.monotonic_ns()}"
    first = _chat(base, "办护照要带什么", session)
    assert first is not None and first["source"] == "rasa" and first["replies"]
    pids = {n: supervisor.pid(n) for n in ("api", "rasa", "actions", "worker")}
    assert all(pids.values()), pids

    # The action server crashes: restarted alone; chat keeps answering meanwhile.
    os.kill(pids["actions"], signal.SIGKILL)
    turn = _chat(base, "那多少钱", session)
    assert turn is not None and turn["replies"]
    wait_until(lambda: supervisor.running_pid("actions") not in (0, pids["actions"]), 120, "actions restarted")
    others = ("api", "rasa", "worker")
    assert {n: supervisor.pid(n) for n in others} == {n: pids[n] for n in others}

    # Rasa and the action server both away: answers come from the knowledge base, at once.
    supervisor.ctl("stop", "rasa", "actions")
    started = time.monotonic()
    turn = _chat(base, "办护照要带什么", f"{session}-kb")
    assert turn is not None and turn["source"] == "kb_fallback" and turn["replies"]
    assert "护照" in turn["replies"][0]["text"] or turn["item_code"] == "GR-006"
    assert time.monotonic() - started < 5
    assert supervisor.pid("api") == pids["api"] and supervisor.pid("worker") == pids["worker"]

    # Back again: the bot answers once more.
    supervisor.ctl("start", "rasa", "actions")
    wait_until(lambda: (t := _chat(base, "办护照要带什么", f"{session}-back")) and t["source"] == "rasa", 240,
               "Rasa answering again", 2.0)
