"""Complaints and appeals (投诉/诉求) filed through the bot or the hotline, numbered per day.

The number is "TS" + yyyymmdd (hall time zone) + a 5-digit daily sequence from one Redis INCR, so
concurrent workers never hand out the same number; Mongo's unique _id guards against a Redis reset.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re

from pymongo.errors import DuplicateKeyError

from miniapp_api.core.clock import local_today
from miniapp_api.core.errors import NotFound, Unavailable, ValidationFailed
from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.core.vocabulary import APPEAL_NO_PREFIX, APPEAL_NO_RE

DAILY_MAX = 99_999


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def next_appeal_no(today: dt.date | None = None) -> str:
    day = (today or local_today()).strftime("%Y%m%d")
    key = rkey("appeals", "seq", day)
    pipe = rds().pipeline(transaction=True)
    pipe.incr(key)
    pipe.expire(key, 3 * 24 * 3600)
    seq = pipe.execute()[0]
    if seq > DAILY_MAX:
        raise Unavailable("today's appeal numbers are used up; please call 12345", code="appeal_numbers_exhausted")
    return f"{APPEAL_NO_PREFIX}{day}{seq:05d}"


def _contact_digits(contact: str) -> str:
    digits = re.sub(r"\D", "", contact)
    if len(digits) < 7:
        raise ValidationFailed("请留下能联系到您的电话号码", "contact")
    return digits


def create_appeal(what: str, where: str, contact: str, session_id: str | None, resident_id: str | None,
                  channel: str = "bot") -> dict:  # fmt: skip
    digits = _contact_digits(contact)
    doc = {"what": what, "where": where, "contact": contact, "contact_last4": digits[-4:],
           "session_id": session_id, "resident_id": resident_id, "channel": channel, "status": "received",
           "created_at": _now()}  # fmt: skip
    doc["timeline"] = [{"status": "received", "at": doc["created_at"], "note": "诉求已登记"}]
    for _ in range(5):
        doc["_id"] = next_appeal_no()
        try:
            mongo()["appeals"].insert_one(doc)
            break
        except DuplicateKeyError:  # the Redis counter was reset: move on to a free number
            continue
    else:
        raise Unavailable("could not allocate an appeal number, try again", code="appeal_number_conflict")
    return public_view(doc)


def public_view(doc: dict) -> dict:
    """What the resident may see: no full contact."""
    return {"appeal_no": doc["_id"], "status": doc["status"], "what": doc["what"], "where": doc["where"],
            "created_at": _iso(doc["created_at"]),
            "timeline": [dict(t, at=_iso(t["at"])) for t in doc.get("timeline", [])]}  # fmt: skip


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, dt.datetime) else str(value)


def lookup_appeal(appeal_no: str, contact_last4: str) -> dict:
    doc = mongo()["appeals"].find_one({"_id": appeal_no.upper()}) if APPEAL_NO_RE.match(appeal_no.upper()) else None
    # One answer for "no such appeal" and "wrong digits": the number alone reveals nothing.
    if doc is None or not hmac.compare_digest(doc["contact_last4"], contact_last4):
        raise NotFound("no appeal with this number and contact", "appeal_no")
    return public_view(doc)


def list_appeals(status: str | None, limit: int) -> list[dict]:
    query = {"status": status} if status else {}
    rows = mongo()["appeals"].find(query).sort("created_at", -1).limit(limit)
    return [dict(public_view(d), contact=d["contact"], session_id=d.get("session_id"),
                 resident_id=d.get("resident_id"), channel=d.get("channel")) for d in rows]  # fmt: skip
