"""Filing appeals (投诉/诉求) through the bot, the hotline or the mini-program, and the resident's views.

The number is "TS" + yyyymmdd (hall time zone) + a 5-digit daily sequence from one Redis INCR, so
concurrent workers never hand out the same number; Mongo's unique _id guards against a Redis reset.
A new appeal gets its type's reply deadline (working days, hall calendar) and the suggested
department at once; the steps after filing are in ``workflow``.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets

from pymongo.errors import DuplicateKeyError

from miniapp_api.appeals import rollup, rules, workflow
from miniapp_api.appeals.directory import appeal_types, router
from miniapp_api.appeals.rules import Actor
from miniapp_api.appeals.views import resident_view
from miniapp_api.core.audit import audit
from miniapp_api.core.clock import local_date, local_today
from miniapp_api.core.errors import NotFound, Unavailable, ValidationFailed
from miniapp_api.core.stores import mongo
from miniapp_api.core.vocabulary import APPEAL_NO_PREFIX, APPEAL_NO_RE

DAILY_MAX = 99_999
DEFAULT_TYPE = "complaint"  # what an appeal without a stated type is treated as (the strictest common case)
CHANNELS = ("bot", "wechat", "hotline", "miniapp", "api")


def next_appeal_no(today: dt.date | None = None) -> str:
    """TS + date + 5 random digits: not a sequence, so one number tells nothing about the next (a clash is
    caught by MongoDB's unique _id and the caller draws again)."""
    day = (today or local_today()).strftime("%Y%m%d")
    return f"{APPEAL_NO_PREFIX}{day}{secrets.randbelow(DAILY_MAX) + 1:05d}"


def _contact_digits(contact: str) -> str:
    digits = re.sub(r"\D", "", contact)
    if len(digits) < 7:
        raise ValidationFailed("请留下能联系到您的电话号码", "contact")
    return digits


def resolve_type(said: str | None) -> str:
    """A type code from a code, a label or the resident's words; the default when nothing was said."""
    if said is None or not str(said).strip():
        return DEFAULT_TYPE
    code = appeal_types().parse(str(said))
    if code is None:
        labels = "、".join(t.label for t in appeal_types())
        raise ValidationFailed(f"诉求类型应为 {labels} 之一", "type", code="unknown_type")
    return code


def create_appeal(what: str, where: str, contact: str, session_id: str | None, resident_id: str | None,
                  channel: str = "bot", kind: str | None = None, now: dt.datetime | None = None,
                  by: str | None = None) -> dict:  # fmt: skip
    """File an appeal; returns the stored document. ``by``: the hotline agent who took the call."""
    digits = _contact_digits(contact)
    now = workflow.aware(now or workflow.utcnow())
    code = resolve_type(kind)
    if channel == "bot" and (session_id or "").startswith("wx-"):
        channel = "wechat"  # the official account's chat sessions: the reply is shown there
    suggestion = router().suggest(f"{what} {where}")
    doc = {"what": what, "where": where, "contact": contact, "contact_last4": digits[-4:],
           "session_id": session_id, "resident_id": resident_id, "channel": channel, "status": "received",
           "created_at": now, "department": None, "suggested": suggestion.public(), "returns": 0, "extensions": 0,
           "reopens": 0, "version": 1, **workflow.filed_fields(code, local_date(now))}  # fmt: skip
    doc["timeline"] = [{"status": "received", "action": "file", "at": now, "by": by or "resident",
                        "role": "agent" if by else "resident", "department": None,
                        "note": f"诉求已登记（{appeal_types().label(code)}）"}]  # fmt: skip
    for _ in range(5):
        doc["_id"] = next_appeal_no(local_date(now))
        try:
            mongo()["appeals"].insert_one(doc)
            break
        except DuplicateKeyError:  # the Redis counter was reset: move on to a free number
            continue
    else:
        raise Unavailable("could not allocate an appeal number, try again", code="appeal_number_conflict")
    rollup.apply(None, doc)
    audit(mongo(), by or "resident", "appeal.file", doc["_id"], {"type": code, "channel": channel})
    return doc


def filed_view(doc: dict) -> dict:
    """The answer to the filer: number, type, deadline (their own text included)."""
    return resident_view(doc, local_today())


def lookup_appeal(appeal_no: str, contact_last4: str) -> dict:
    """The appeal's document if ``contact_last4`` matches; one 404 for "no such appeal" and "wrong digits"."""
    number = (appeal_no or "").upper()
    doc = mongo()["appeals"].find_one({"_id": number}) if APPEAL_NO_RE.match(number) else None
    if doc is None or not hmac.compare_digest(doc["contact_last4"], contact_last4):
        raise NotFound("no appeal with this number and contact", "appeal_no")
    return doc


def appeals_of_resident(resident_id: str, limit: int = 50) -> list[dict]:
    today = local_today()
    docs = mongo()["appeals"].find({"resident_id": resident_id}).sort("created_at", -1).limit(limit)
    return [resident_view(d, today) for d in docs]


def resident_detail(appeal_no: str, resident_id: str) -> dict:
    doc = workflow.get_appeal(appeal_no)
    if doc.get("resident_id") != resident_id:  # the same answer as a missing one: numbers reveal nothing
        raise NotFound(f"诉求 {appeal_no} 不存在", "appeal_no")
    return resident_view(doc, local_today())


def rate(appeal_no: str, rating: str, comment: str, resident_id: str | None, contact_last4: str | None) -> dict:
    """The resident's 满意 / 基本满意 / 不满意, as the signed-in filer or by the contact's last 4 digits."""
    if resident_id is None and contact_last4 is None:
        raise ValidationFailed("sign in, or give the last 4 digits of the contact number", "contact_last4")
    doc = workflow.get_appeal(appeal_no)
    if resident_id is not None and doc.get("resident_id") == resident_id:
        actor = Actor.resident(resident_id)
    elif contact_last4 is not None and hmac.compare_digest(doc["contact_last4"], contact_last4):
        actor = Actor.resident(rules.owner_key(doc))
    else:
        raise NotFound(f"诉求 {appeal_no} 不存在", "appeal_no")
    after = workflow.take(doc["_id"], "rate", actor, rating=rating, reason=comment)
    return resident_view(after, local_today())
