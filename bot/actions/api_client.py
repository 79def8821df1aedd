"""The bot's only way to the Flask API: short timeouts, one clear exception per failure kind.

``ApiUnavailable``: the API could not be reached, timed out or failed (5xx) — actions then say
politely that the system is busy. ``ApiRejected``: the API answered with a 4xx error body
{"error": {"code", "message", "field"}} — actions turn it into a specific reply.
"""

from __future__ import annotations

import os
from typing import Any

import requests

DEFAULT_API_URL = "http://127.0.0.1:5000"
DEFAULT_TIMEOUT = 3.0


class ApiUnavailable(Exception):
    """The API is down, slow or broken; nothing the resident did wrong."""


class ApiRejected(Exception):
    """The API refused the request (4xx) with an error code the action can explain."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field


class ApiClient:
    def __init__(self, base_url: str | None = None, timeout: float | None = None) -> None:
        self.base_url = (base_url or os.environ.get("API_URL") or DEFAULT_API_URL).rstrip("/")
        self.timeout = timeout if timeout is not None else float(os.environ.get("API_TIMEOUT", DEFAULT_TIMEOUT))
        self._session: requests.Session | None = None

    @property
    def session(self) -> requests.Session:
        # Created lazily (no connections at import time); kept for keep-alive, which saves a
        # TCP handshake per chat turn.
        if self._session is None:
            self._session = requests.Session()
        return self._session

    def request(
        self, method: str, path: str, *, token: str | None = None, params: dict | None = None,
        json: dict | None = None, headers: dict | None = None,
    ) -> Any:
        """JSON body of a 2xx answer (None for 204); raises ApiUnavailable or ApiRejected."""
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        try:
            resp = self.session.request(
                method, self.base_url + path, params=params, json=json, headers=all_headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise ApiUnavailable(f"{method} {path}: {exc.__class__.__name__}") from exc
        if resp.status_code >= 500:
            raise ApiUnavailable(f"{method} {path}: HTTP {resp.status_code}")
        if resp.status_code >= 400:
            error = _error_body(resp)
            code, message = error.get("code", "error"), error.get("message", "")
            raise ApiRejected(resp.status_code, code, message, error.get("field"))
        if resp.status_code == 204 or not resp.content:
            return None
        try:
            return resp.json()
        except ValueError as exc:
            raise ApiUnavailable(f"{method} {path}: answer is not JSON") from exc

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)

    # -- the calls the actions make ------------------------------------------------------
    def kb_search(self, question: str, k: int = 3) -> dict:
        return self.get("/api/v1/kb/search", params={"q": question[:200], "k": k})

    def guide(self, code: str) -> dict:
        return self.get(f"/api/v1/guides/{code}")


def _error_body(resp: requests.Response) -> dict:
    try:
        body = resp.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


_client: ApiClient | None = None


def api() -> ApiClient:
    """The process-wide client (API_URL read on first use)."""
    global _client
    if _client is None:
        _client = ApiClient()
    return _client


def reset_client() -> None:
    """Forget the shared client (tests change API_URL)."""
    global _client
    _client = None
