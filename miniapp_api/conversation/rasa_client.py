"""HTTP client of the Rasa server: the REST channel (conversation) and /model/parse (NLU only).

Every call has a timeout and raises ``RasaUnavailable`` on any failure, so callers fall back to
the knowledge base instead of letting a slow or stopped bot hang a request.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

import requests
from flask import current_app, has_app_context

_local = threading.local()
_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


class RasaUnavailable(Exception):
    """Rasa did not answer in time, is down, or answered with something unusable."""


def _session() -> requests.Session:
    # One keep-alive session per thread: saves the TCP handshake on every chat turn.
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="rasa-parse")
        return _pool


def _token(token: str | None) -> str:
    """The shared secret Rasa requires (RASA_TOKEN): passed in from the request's thread, read here otherwise."""
    if token is None and has_app_context():
        token = current_app.config.get("RASA_TOKEN")
    return token or ""


def _post(url: str, payload: dict, timeout: float, token: str | None = None, in_query: bool = False):
    # Rasa's own HTTP API takes its --auth-token as ?token=; our REST channel reads the Authorization header.
    secret = _token(token)
    params = {"token": secret} if in_query and secret else None
    headers = {"Authorization": f"Bearer {secret}"} if secret else None
    try:
        response = _session().post(url, json=payload, timeout=timeout, params=params, headers=headers)
    except requests.RequestException as exc:  # connection refused, timeout, reset ...
        raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code != 200:
        raise RasaUnavailable(f"HTTP {response.status_code} from {url}")
    try:
        return response.json()
    except ValueError as exc:
        raise RasaUnavailable(f"non-JSON answer from {url}") from exc


def send_message(base_url: str, sender: str, text: str, metadata: dict | None, timeout: float,
                 token: str | None = None) -> list[dict]:  # fmt: skip
    """One user turn through the REST channel; the bot's messages in order."""
    payload = {"sender": sender, "message": text, "metadata": metadata or {}}
    data = _post(f"{base_url.rstrip('/')}/webhooks/rest/webhook", payload, timeout, token)
    if not isinstance(data, list):
        raise RasaUnavailable("the REST channel did not return a list of messages")
    return [m for m in data if isinstance(m, dict)]


def parse(base_url: str, text: str, timeout: float, token: str | None = None) -> dict:
    """NLU only (no conversation state): {"intent": {"name","confidence"}, "entities": [...]}."""
    data = _post(f"{base_url.rstrip('/')}/model/parse", {"text": text}, timeout, token, in_query=True)
    if not isinstance(data, dict) or not isinstance(data.get("intent"), dict):
        raise RasaUnavailable("/model/parse answered without an intent")
    return data


def parse_async(text: str, timeout: float | None = None) -> Future:
    """Start /model/parse in the background (runs alongside the REST call of the same turn)."""
    base_url = current_app.config["RASA_URL"]
    timeout = timeout if timeout is not None else current_app.config["CHAT_RASA_TIMEOUT"]
    return _executor().submit(parse, base_url, text, timeout, _token(None))
