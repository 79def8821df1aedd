"""Real processes for the fault tests: a private redis-server, the API by the Procfile's own command line,
the notification worker, supervisord; and a small HTTP client that logs in again when a restart lost its
session. Every process runs in its own session (process group) and is killed with it at the end.

Only loopback addresses; every wait is bounded.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
ADMIN = ("admin", "admin-pass-123")
# A Monday in a year chinese_calendar knows: the hall is open, the next day is a working day.
DEV_CLOCK = "2026-11-30T09:00"
NEXT_WORKING_DAY = "2026-12-01"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_line(name: str) -> str:
    for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines():
        head, sep, command = line.partition(":")
        if sep and head.strip() == name and not line.lstrip().startswith("#"):
            return command.strip()
    raise LookupError(f"no {name!r} process in the Procfile")


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s")


class Proc:
    """A process in its own process group, output to a log file."""

    def __init__(self, argv: list[str], env: dict, log: Path, cwd: Path = ROOT) -> None:
        self.argv, self.env, self.log, self.cwd = argv, env, log, cwd
        self.popen: subprocess.Popen | None = None

    def start(self) -> Proc:
        with open(self.log, "ab") as out:  # append: the restarted process adds to the same log
            self.popen = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, start_new_session=True)
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.alive():
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                pass

    def kill9(self) -> None:
        """SIGKILL to the whole group, as a crash or an OOM kill would: no clean-up code runs."""
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        if not self.alive():
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill9()

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:] if self.log.exists() else ""


class RedisServer:
    """A throw-away redis-server on its own port (never the shared one on 6379): no persistence, so a
    restart comes back empty, as after a crash of a cache-only Redis."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc = Proc(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--dir", str(workdir)], dict(os.environ), workdir / "redis.log")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.proc.start()
        import redis

        client = redis.Redis(port=self.port, socket_timeout=1)
        try:
            wait_until(lambda: _pings(client), 10, f"redis-server on {self.port}")
        except BaseException:
            self.proc.kill9()  # never leave a server behind
            raise
        return self

    def restart(self, down_for: float = 0.5) -> None:
        self.proc.kill9()
        time.sleep(down_for)
        self.start()

    def stop(self) -> None:
        self.proc.kill9()


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - not up yet
        return False


def app_env(redis_url: str, tmp: Path, dev: bool = True, prefix: str | None = None, **extra: str) -> dict:
    """The environment of an API-side process of one test: same Redis, same key prefix. ``dev`` adds the
    demo settings (dev login, dev clock, bootstrap admin), which the API refuses next to WeChat credentials."""
    env = {k: v for k, v in os.environ.items() if k not in ("TESTING", "MONGO_URI", "PYTEST_CURRENT_TEST")}
    env.update(REDIS_URL=redis_url, REDIS_PREFIX=prefix or f"fault:{uuid.uuid4().hex[:6]}:",
               SECRET_KEY=secrets.token_urlsafe(48), JIEBA_DICT_DIR=str(tmp / "jieba_dict"), KB_WARM="0",
               PYTHONUNBUFFERED="1")
    if dev:
        env.update(DEV_LOGIN="1", DEV_CLOCK=DEV_CLOCK, BOOTSTRAP_ADMIN=":".join(ADMIN))
    env.update(extra)
    return env


class Api:
    """The API as the Procfile starts it (gunicorn, one worker, in-memory MongoDB) on a free port."""

    def __init__(self, env: dict, tmp: Path) -> None:
        self.port = free_port()
        self.env = {**env, "API_PORT": str(self.port)}
        self.proc = Proc(["/bin/bash", "-c", procfile_line("api")], self.env, tmp / f"api-{self.port}.log")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Api:
        self.proc.start()

        def ready() -> bool:
            if not self.proc.alive():
                raise RuntimeError(f"the API exited:\n{self.proc.tail()}")
            try:
                return requests.get(f"{self.base}/api/v1/halls", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        try:
            wait_until(ready, timeout, f"API on {self.port}", 0.2)
        except BaseException:
            self.proc.kill9()  # never leave a server behind
            raise
        return self


class Client:
    """One resident's HTTP client: dev login by openid, logs in again after a restart lost the session."""

    def __init__(self, base: str, openid: str | None = None) -> None:
        self.base = base
        self.openid = openid or f"fault-{uuid.uuid4().hex[:10]}"
        self.http = requests.Session()
        self.token: str | None = None

    def login(self) -> None:
        response = self.http.post(f"{self.base}/api/v1/auth/dev", json={"openid": self.openid}, timeout=10)
        response.raise_for_status()
        self.token = response.json()["token"]

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        if self.token is None:
            self.login()
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {self.token}"}
        response = self.http.request(method, f"{self.base}{path}", headers=headers, timeout=30, **kwargs)
        if response.status_code == 401:  # Redis lost the session: a resident would log in again
            self.login()
            headers["Authorization"] = f"Bearer {self.token}"
            response = self.http.request(method, f"{self.base}{path}", headers=headers, timeout=30, **kwargs)
        return response


def staff_headers(base: str, username: str = ADMIN[0], password: str = ADMIN[1]) -> dict:
    response = requests.post(f"{base}/api/v1/staff/login", json={"username": username, "password": password},
                             timeout=10)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}
