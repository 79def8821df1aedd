"""A publish in one API process is answered by another process within a second."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app:web_app()", "run", "--port", str(port), "--no-reload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} did not start")


@pytest.fixture
def two_workers(tmp_path):
    env = dict(os.environ, REDIS_URL="redis://127.0.0.1:6379/15", REDIS_PREFIX=f"test:{uuid.uuid4().hex[:8]}:",
               BOOTSTRAP_ADMIN="admin:admin-pass-123", JIEBA_DICT_DIR=str(tmp_path / "dict"), KB_SYNC_INTERVAL="0.25",
               SECRET_KEY=uuid.uuid4().hex * 2)  # a real process refuses to start without a proper secret
    ports = [_free_port(), _free_port()]
    procs = [_start(p, env) for p in ports]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        for base in bases:
            _wait_ready(base)
        yield bases
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        from tests.conftest import _cleanup

        _cleanup(env["REDIS_PREFIX"])


def test_publish_reaches_the_other_worker_within_a_second(two_workers):
    a, b = two_workers
    login = {"username": "admin", "password": "admin-pass-123"}
    token = requests.post(f"{a}/api/v1/staff/login", json=login).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    # Four eyes: an editor writes the draft, the admin publishes it.
    editor = {"username": "zhao.editor", "password": "Kx9-harbour-lantern", "role": "editor"}
    assert requests.post(f"{a}/api/v1/staff/users", json=editor, headers=headers).status_code == 201
    editor_login = {"username": editor["username"], "password": editor["password"]}
    editor_token = requests.post(f"{a}/api/v1/staff/login", json=editor_login).json()["token"]
    editor_headers = {"Authorization": f"Bearer {editor_token}"}
    guide = requests.get(f"{a}/api/v1/guides/GR-009").json()
    guide["location"]["phone"] = "0576-88990011"
    assert requests.put(f"{a}/api/v1/staff/guides/GR-009/draft", json=guide, headers=editor_headers).status_code == 200
    assert requests.post(f"{a}/api/v1/staff/guides/GR-009/submit", headers=editor_headers).status_code == 200
    # Worker B has answered before, so it holds the old edition in memory.
    assert "88990011" not in requests.get(f"{b}/api/v1/kb/search", params={"q": "无犯罪记录证明电话"}).text

    published_at = time.monotonic()
    assert requests.post(f"{a}/api/v1/staff/guides/GR-009/publish", json={}, headers=headers).status_code == 200
    while True:
        answer = requests.get(f"{b}/api/v1/kb/search", params={"q": "无犯罪记录证明电话"}).json()
        if "88990011" in answer["results"][0]["answer"]:
            break
        assert time.monotonic() - published_at < 1.0, "worker B still answers from the old edition"
        time.sleep(0.02)
    assert requests.get(f"{b}/api/v1/guides/GR-009").json()["location"]["phone"] == "0576-88990011"


def test_stale_snapshot_gains_newly_imported_guides(app_config):
    """A snapshot left in Redis by an earlier run (fewer guides) is completed at start-up."""
    from miniapp_api.kb.service import knowledge_base
    from tests.factories import seeded_app

    first = seeded_app(app_config)
    with first.app_context():
        kb = knowledge_base()
        kb.refresh()
        hkey, _skey, _vkey = kb._keys()
        kb_redis = first.extensions["redis"]
        kb_redis.hdel(hkey, "GR-010", "QY-027")  # as if those guides did not exist last time
    second = seeded_app(app_config)
    listing = second.test_client().get("/api/v1/guides?per_page=100").get_json()
    assert listing["total"] == 69


def test_in_memory_restart_after_editing_the_synonym_file_uses_the_new_file(app_config, tmp_path):
    """With the in-memory store the files are the truth at every start: an edited synonym file
    replaces a snapshot built from the old one (an unchanged file keeps the snapshot)."""
    from miniapp_api.kb.service import knowledge_base
    from tests.factories import seeded_app

    original = (ROOT / "guides" / "kb" / "synonyms.yaml").read_text(encoding="utf-8")
    assert "小卖部, " in original
    synonyms = tmp_path / "synonyms.yaml"
    synonyms.write_text(original.replace("小卖部, ", ""), encoding="utf-8")
    app_config["SYNONYMS_FILE"] = str(synonyms)
    question = "开个小卖部营业执照咋办"

    def top_answer(app) -> tuple[str, str]:
        with app.app_context():
            outcome = knowledge_base().search(question)
            return outcome.status, outcome.results[0].item_code

    first = seeded_app(app_config)
    assert top_answer(first) != ("answered", "QY-002")
    kb_redis = first.extensions["redis"]
    with first.app_context():  # as if staff had published a new GR-009 edition during that run
        hkey, _skey, _vkey = knowledge_base()._keys()
    edited = json.loads(kb_redis.hget(hkey, "GR-009"))
    edited["location"]["phone"] = "0576-12121212"
    kb_redis.hset(hkey, "GR-009", json.dumps(edited, ensure_ascii=False))

    assert top_answer(seeded_app(app_config)) != ("answered", "QY-002")  # same files: snapshot kept
    assert "12121212" in kb_redis.hget(hkey, "GR-009")

    synonyms.write_text(original, encoding="utf-8")  # someone edited the file, then restarted
    assert top_answer(seeded_app(app_config)) == ("answered", "QY-002")
    assert "12121212" not in kb_redis.hget(hkey, "GR-009")  # rebuilt from the (re-seeded) files
