"""The bot's only way to the Flask API: one typed method per endpoint, grouped by area; short
timeouts, one clear exception per failure kind.

``ApiUnavailable``: the API could not be reached, timed out or failed (5xx) — actions then say
politely that the system is busy. ``ApiRejected``: the API answered with a 4xx error body
{"error": {"code", "message", "field"}} — actions turn it into a specific reply.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import requests

DEFAULT_API_URL = "http://127.0.0.1:5000"
DEFAULT_TIMEOUT = 3.0
META_TTL = 60.0  # seconds: a changed hall or pattern reaches the bot within a minute
# A "token" of this form names the chat conversation; the API acts for the resident of its live turn.
TURN_PREFIX = "turn:"
CONVERSATION_HEADER, BOT_TOKEN_HEADER = "X-Chat-Conversation", "X-Bot-Token"


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
        if token and token.startswith(TURN_PREFIX):  # act within a live chat turn (see conversation.py)
            all_headers[CONVERSATION_HEADER] = token[len(TURN_PREFIX):]
            all_headers[BOT_TOKEN_HEADER] = os.environ.get("BOT_API_TOKEN", "")
        elif token:
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


# -- the API's areas, one class each, composed on the client (as wechatpy composes its APIs) ---------
class _Area:
    def __init__(self, client: ApiClient) -> None:
        self._client = client


class MetaApi(_Area):
    """GET /api/v1/meta: patterns, field ↔ intent table, halls, booking horizon, the hall clock.

    Kept for ``META_TTL`` seconds; the clock is kept as an offset from this machine's clock, so the
    hall's "now" (DEV_CLOCK included) runs on between two reads.
    """

    def __init__(self, client: ApiClient) -> None:
        super().__init__(client)
        self._body: dict | None = None
        self._read_at = 0.0
        self._clock_offset = timedelta()

    def get(self) -> dict:
        if self._body is None or time.monotonic() - self._read_at > META_TTL:
            body = self._client.get("/api/v1/meta")
            self._clock_offset = datetime.fromisoformat(body["clock"]["now"]) - datetime.now(timezone.utc)
            self._body, self._read_at = body, time.monotonic()
        return self._body

    def now(self) -> datetime:
        """The hall's current time, in the hall's time zone."""
        body = self.get()
        return (datetime.now(timezone.utc) + self._clock_offset).astimezone(ZoneInfo(body["clock"]["timezone"]))


class KbApi(_Area):
    def search(self, question: str, k: int = 3) -> dict:
        return self._client.get("/api/v1/kb/search", params={"q": question[:200], "k": k})


class GuidesApi(_Area):
    def get(self, code: str) -> dict:
        return self._client.get(f"/api/v1/guides/{code}")


class BookingApi(_Area):
    def slots(self, hall_id: str, item_code: str, day: str) -> list[dict]:
        body = self._client.get(f"/api/v1/halls/{hall_id}/slots", params={"item_code": item_code, "date": day})
        return body.get("slots", [])

    def halls_for(self, item_code: str) -> list[dict]:
        """全城通办: the halls serving an item or bundle (hall_id, name, district, address, hours …)."""
        return self._client.get(f"/api/v1/items/{item_code}/halls").get("halls", [])

    def book(self, token: str, body: dict, idempotency_key: str) -> dict:
        return self._client.post("/api/v1/appointments", token=token, json=body,
                                 headers={"Idempotency-Key": idempotency_key})  # fmt: skip

    def mine(self, token: str) -> Any:
        return self._client.get("/api/v1/appointments", token=token)

    def cancel(self, token: str, appointment_id: str) -> None:
        self._client.delete(f"/api/v1/appointments/{appointment_id}", token=token)


class CasesApi(_Area):
    def lookup(self, case_no: str, factor: str, token: str | None = None) -> dict:
        return self._client.get("/api/v1/cases/lookup", params={"case_no": case_no, "factor": factor}, token=token)


class AppealsApi(_Area):
    def file(self, body: dict, token: str | None = None) -> dict:
        return self._client.post("/api/v1/appeals", json=body, token=token)

    def types(self) -> list[dict]:
        """The appeal types: code, label, days (reply limit in working days), words, hint."""
        return self._client.get("/api/v1/appeals/types")["types"]


class HandoffsApi(_Area):
    def create(self, body: dict, token: str | None = None) -> dict:
        return self._client.post("/api/v1/handoffs", json=body, token=token)


class Api(ApiClient):
    """The client the actions use: ``api().kb.search(…)``, ``api().booking.book(…)`` …"""

    def __init__(self, base_url: str | None = None, timeout: float | None = None) -> None:
        super().__init__(base_url, timeout)
        self.meta = MetaApi(self)
        self.kb = KbApi(self)
        self.guides = GuidesApi(self)
        self.booking = BookingApi(self)
        self.cases = CasesApi(self)
        self.appeals = AppealsApi(self)
        self.handoffs = HandoffsApi(self)


def _error_body(resp: requests.Response) -> dict:
    try:
        body = resp.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


_client: Api | None = None


def api() -> Api:
    """The process-wide client (API_URL read on first use)."""
    global _client
    if _client is None:
        _client = Api()
    return _client


def reset_client() -> None:
    """Forget the shared client (tests change API_URL)."""
    global _client
    _client = None
