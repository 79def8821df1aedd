"""Resident sessions (mini-program login) and the ID-number rules every area shares.

A session is an opaque token in Redis (rkey("session", token) → {"resident_id","openid"}) with a
TTL, so any worker accepts a token any worker issued. ID numbers are never stored in full: an
HMAC (keyed with SECRET_KEY) for matching, a masked form for display, and an HMAC of the last 4
characters for the case-lookup second factor.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections.abc import Callable

from flask import current_app, g, request

from miniapp_api.core import shared_versions
from miniapp_api.core.errors import Unauthorized, ValidationFailed
from miniapp_api.core.stores import mongo, rds, rds_coalesced, rkey
from miniapp_api.identity.chat_identity import bot_turn

# GB 11643-1999: weights of the first 17 digits and the check character for sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d also takes ０-９
_PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def _hmac(value: str, purpose: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def validate_id_number(s: str) -> str:
    """The normalised 18-character ID number (upper-case X), or ValidationFailed field "id_number"."""
    value = (s or "").strip().upper() if isinstance(s, str) else ""
    if not _ID_RE.match(value):
        raise ValidationFailed("身份证号应为18位（前17位数字，末位数字或X）", "id_number")
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationFailed("身份证号中的出生日期无效", "id_number") from None
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != value[17]:
        raise ValidationFailed("身份证号校验位不正确，请核对", "id_number")
    return value


def hash_id_number(id_number: str) -> str:
    """Keyed hash of a (normalised) ID number: matches without revealing it in a dump."""
    return _hmac(id_number.strip().upper(), "id")


def hash_last4(value: str) -> str:
    """Keyed hash of the last 4 characters of an ID number or phone (case-lookup second factor)."""
    return _last4_hash(current_app.config["SECRET_KEY"], value.strip().upper()[-4:])


@functools.lru_cache(maxsize=16_384)  # 11**4 possible factors: every lookup hashes one of them
def _last4_hash(secret: str, last4: str) -> str:
    return hmac.new(secret.encode(), f"last4:{last4}".encode(), hashlib.sha256).hexdigest()


def mask_id_number(id_number: str) -> str:
    return id_number[:4] + "*" * 10 + id_number[-4:]


def validate_phone(s: str) -> str:
    value = (s or "").strip() if isinstance(s, str) else ""
    value = value.removeprefix("+86").removeprefix("0086").replace(" ", "").replace("-", "")
    if not _PHONE_RE.match(value):
        raise ValidationFailed("手机号应为11位中国大陆手机号码", "phone")
    return value


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


# Which resident field holds the openid of each WeChat app: a person has one openid per app.
# Subscribe messages go through the mini-program, so they use "openid" only.
OPENID_FIELDS = {"miniapp": "openid", "mp": "mp_openid"}


def issue_session(openid: str, unionid: str | None = None, app: str = "miniapp") -> dict:
    """Find or create the resident for ``openid`` of WeChat ``app`` and issue a session token.

    The mini-program and the official account (公众号) give one person two openids; WeChat's
    unionid (when both apps are bound to one Open Platform account) ties them to one resident, so
    a booking made in the 公众号 chat shows in the mini-program. Without it each is its own resident."""
    resident_id = find_or_create_resident(openid, unionid, app)
    token = secrets.token_urlsafe(32)
    ttl = int(current_app.config["RESIDENT_SESSION_TTL"])
    rds().set(rkey("session", token), json.dumps({"resident_id": resident_id, "openid": openid}), ex=ttl)
    return {"token": token, "resident_id": resident_id, "expires_in": ttl}


def find_or_create_resident(openid: str, unionid: str | None = None, app: str = "miniapp") -> str:
    """The resident id of ``openid`` of WeChat ``app`` (created on first sight; linked by unionid)."""
    return str(_find_or_create_resident(OPENID_FIELDS[app], openid, unionid)["_id"])


def _find_or_create_resident(field: str, openid: str, unionid: str | None) -> dict:
    residents = mongo()["residents"]
    doc = residents.find_one({field: openid}, {"_id": 1, "unionid": 1})
    if doc is None and unionid:
        doc = residents.find_one({"unionid": unionid}, {"_id": 1, "unionid": 1})
        if doc is not None:  # the same person, known through the other app
            residents.update_one({"_id": doc["_id"]}, {"$set": {field: openid}})
    if doc is None:
        # upsert on the openid: two concurrent first logins end with one resident
        residents.update_one(
            {field: openid},
            {"$setOnInsert": {"_id": uuid.uuid4().hex, field: openid, "created_at": dt.datetime.now(dt.UTC)}},
            upsert=True,
        )
        doc = residents.find_one({field: openid}, {"_id": 1, "unionid": 1})
    if unionid and not doc.get("unionid"):
        residents.update_one({"_id": doc["_id"]}, {"$set": {"unionid": unionid}})
    return doc


def current_resident() -> dict:
    """The resident of the request's bearer token, or Unauthorized field "Authorization"."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not header[7:].strip():
        turn = bot_turn()  # the bot acts for the resident of the conversation's live turn, never on a token
        if turn is not None and turn.get("resident_id"):
            return {"resident_id": turn["resident_id"], "openid": turn.get("openid")}
        raise Unauthorized("请先在小程序登录（Authorization: Bearer <token>）", "Authorization")
    # The shared version tokens (halls, calendar) ride along: a booking or queue call needs them next,
    # and on this server every Redis round trip costs about as much as the rest of a small request.
    raw, *versions = rds_coalesced().mget([rkey("session", header[7:].strip()), *shared_versions.version_keys()])
    shared_versions.remember(versions)
    if raw is None:
        raise Unauthorized("登录已过期或无效，请重新登录", "Authorization")
    data = json.loads(raw)
    return {"resident_id": data["resident_id"], "openid": data["openid"]}


def require_resident(view: Callable) -> Callable:
    """Decorator: the caller must hold a resident session; sets ``g.resident``."""

    @functools.wraps(view)
    def inner(*args, **kwargs):
        g.resident = current_resident()
        return view(*args, **kwargs)

    return inner
