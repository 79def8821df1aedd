"""Short-lived signed tickets that let a browser page follow staff live topics.

The Flask side (which knows the signed-in staff member) makes a ticket when it renders a page; the
live server only checks it, with no session store and no database: a ticket is

    base64url(JSON {"t": [topics], "r": role, "e": expiry unix seconds}) "." base64url(HMAC-SHA256)

The HMAC key is derived from SECRET_KEY for this one purpose, so a ticket can never pass for any
other signed value of the app. A ticket is checked when a connection opens; an open connection
outlives it, and a page whose connection dropped asks Flask for a fresh ticket.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from miniapp_api.live.publish import is_public, valid_topic

DEFAULT_TTL = 120  # seconds: long enough for a slow page load, short enough that a leaked URL dies fast
MAX_TTL = 3600
_PURPOSE = b"miniapp_api.live.ticket.v1"


class TicketError(Exception):
    """A ticket that is malformed, forged or expired (the server answers 403)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Ticket:
    topics: tuple[str, ...]
    role: str
    expires: int


def _key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), _PURPOSE, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_ticket(secret_key: str, topics: list[str] | tuple[str, ...], role: str,
                ttl: int = DEFAULT_TTL, now: float | None = None) -> str:
    """A ticket for ``topics`` valid ``ttl`` seconds from ``now``."""
    if not secret_key:
        raise ValueError("SECRET_KEY is empty")
    if not topics or not all(isinstance(t, str) and valid_topic(t) for t in topics):
        raise ValueError(f"invalid live topics {topics!r}")
    if not 0 < ttl <= MAX_TTL:
        raise ValueError(f"ticket ttl must be 1..{MAX_TTL} s")
    expires = int((time.time() if now is None else now) + ttl)
    payload = json.dumps({"t": sorted(set(topics)), "r": role, "e": expires}, separators=(",", ":")).encode()
    body = _b64(payload)
    mac = hmac.new(_key(secret_key), body.encode("ascii"), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def check_ticket(secret_key: str, ticket: str, now: float | None = None) -> Ticket:
    """The ticket's content, or ``TicketError`` (``ticket_invalid`` / ``ticket_expired``)."""
    if not ticket or len(ticket) > 4096 or ticket.count(".") != 1:
        raise TicketError("ticket_invalid", "live ticket is malformed")
    body, mac_text = ticket.split(".")
    try:
        mac = _unb64(mac_text)
    except (binascii.Error, ValueError):
        raise TicketError("ticket_invalid", "live ticket is malformed") from None
    expected = hmac.new(_key(secret_key), body.encode("ascii", "replace"), hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):  # constant time: no byte-by-byte forging
        raise TicketError("ticket_invalid", "live ticket signature does not match")
    try:
        data = json.loads(_unb64(body))
        topics = tuple(str(t) for t in data["t"])
        role = str(data["r"])
        expires = int(data["e"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise TicketError("ticket_invalid", "live ticket is malformed") from None
    if (time.time() if now is None else now) >= expires:
        raise TicketError("ticket_expired", "live ticket has expired")
    return Ticket(topics=topics, role=role, expires=expires)


def allowed(ticket: Ticket | None, topic: str) -> bool:
    """May a connection with ``ticket`` (None: no ticket) follow ``topic``?"""
    return is_public(topic) or (ticket is not None and topic in ticket.topics)
