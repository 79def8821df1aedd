"""Anyone may look a case up by its number plus the last 4 characters of the applicant's ID number
or phone. Guessing is throttled per target and per guesser: per case number, per client address,
and — when known — per chat session and per resident. The address and session are the end user's:
a lookup the bot makes names its chat turn (identity.chat_identity.requester), so one chat user's typos
never lock the others, who all reach the API from the action server's one address. The signed-in owner
of a case sees it without a factor and counts nothing, so strangers' failures never lock them out.

Only failures count. A failure is counted and checked against the limits atomically in Redis (one
Lua script, core.guess_limit): below the limit it is answered 404, at the limit 429. A success is
answered when every counter was below the limit in the one MGET the lookup starts with, and counts
nothing. Redis runs commands one at a time, so however many guesses arrive in parallel, at most the
limit of failures are answered 404 before everything (a correct guess too) is refused. Parallel
successful lookups from one address (an office behind one NAT) never refuse each other. Unknown case
and wrong factor answer the same 404, so the endpoint does not reveal which case numbers exist.
"""

from __future__ import annotations

import hmac

from flask import current_app

from miniapp_api.cases import view_cache
from miniapp_api.cases.schemas import CaseViewSchema
from miniapp_api.cases.service import case_view
from miniapp_api.core import shared_versions
from miniapp_api.core.clock import local_today
from miniapp_api.core.errors import NotFound, TooManyRequests, ValidationFailed
from miniapp_api.core.guess_limit import decide, over_limit
from miniapp_api.core.stores import mongo, rds_coalesced, rkey
from miniapp_api.core.vocabulary import CASE_NO_RE, FACTOR_RE
from miniapp_api.identity.resident_auth import hash_last4


class LookupThrottled(TooManyRequests):
    code = "lookup_rate_limited"

    def __init__(self, retry_after: int):
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(f"查询失败次数过多，请 {minutes} 分钟后再试", "factor", retry_after=retry_after)


def normalise(case_no: str, factor: str) -> tuple[str, str]:
    case_no, factor = (case_no or "").strip().upper(), (factor or "").strip().upper()
    if not CASE_NO_RE.match(case_no):
        raise ValidationFailed("办件编号格式应为 JC + 13 位数字，如 JC2026112800001", "case_no")
    if not FACTOR_RE.match(factor):
        raise ValidationFailed("请输入身份证号或手机号的后 4 位", "factor")
    return case_no, factor


def _factor_hashes(case: dict) -> tuple[str, ...]:
    applicant = case.get("applicant") or {}
    return tuple(h for h in (applicant.get("id_last4_hash"), applicant.get("phone_last4_hash")) if h)


def _matches(hashes: tuple[str, ...], factor: str) -> bool:
    wanted = hash_last4(factor)
    return any(hmac.compare_digest(stored, wanted) for stored in hashes)


def _view(case_no: str, token: str | None, day: str, calendar: str) -> view_cache.CachedView | None:
    """The cached view of the case, or a fresh one from MongoDB (cached when it has a token)."""
    cached = view_cache.get(case_no, token, day, calendar)
    if cached is not None:
        return cached
    case = mongo()["cases"].find_one({"_id": case_no})
    if case is None:
        return None
    token = token or view_cache.claim_token(case_no)
    body = current_app.json.dumps(CaseViewSchema().dump(case_view(case))).encode()
    entry = view_cache.CachedView(token or "", day, calendar, _factor_hashes(case), body)
    if token:
        view_cache.put(case_no, entry)
    return entry


def _counter_keys(case_no: str, who: dict) -> list[str]:
    keys = [rkey("case_lookup", "case", case_no)]
    if who.get("ip"):
        keys.append(rkey("case_lookup", "ip", who["ip"]))
    if who.get("session"):
        keys.append(rkey("case_lookup", "session", who["session"]))
    if who.get("resident_id"):
        keys.append(rkey("case_lookup", "resident", who["resident_id"]))
    return keys


def _owner_view(case_no: str, resident_id: str) -> bytes | None:
    """The view for the signed-in applicant of the case (no factor, nothing counted), else None."""
    case = mongo()["cases"].find_one({"_id": case_no, "applicant.resident_id": resident_id})
    return current_app.json.dumps(CaseViewSchema().dump(case_view(case))).encode() if case else None


def lookup_json(case_no: str, factor: str | None, who: dict) -> bytes:
    """The public view of the case as JSON, or 404 (unknown case or wrong factor), or 429.

    ``who``: {"ip", "session", "resident_id"} of the requester (any may be None). One MGET reads the
    guessing counters, the case's cache token and the shared version tokens. A correct factor is answered
    when every counter is below the limit in that read; a wrong one goes through guess_limit.decide, which
    counts it and checks the limits atomically."""
    case_no = (case_no or "").strip().upper()
    if who.get("resident_id") and CASE_NO_RE.match(case_no):
        own = _owner_view(case_no, who["resident_id"])
        if own is not None:
            return own
    if not factor:
        raise ValidationFailed("请输入身份证号或手机号的后 4 位（本人登录后可免输）", "factor")
    case_no, factor = normalise(case_no, factor)
    cfg = current_app.config
    keys = _counter_keys(case_no, who)
    limits = [cfg["CASE_LOOKUP_MAX_FAILURES"]] * len(keys)
    window = cfg["CASE_LOOKUP_WINDOW_SECONDS"]
    values = rds_coalesced().mget([*keys, view_cache.token_key(case_no), *shared_versions.version_keys()])
    counts, token, versions = values[: len(keys)], values[len(keys)], values[len(keys) + 1 :]
    calendar = shared_versions.remember(versions)["calendar"]
    if over_limit(counts, limits):
        wait, _ = decide(keys, limits, window, failed=False)  # 0 when the window ran out since the MGET
        if wait:
            raise LookupThrottled(wait)
    entry = _view(case_no, token, local_today().isoformat(), calendar)
    if entry is not None and _matches(entry.factor_hashes, factor):
        return entry.body
    wait, _ = decide(keys, limits, window, failed=True)
    if wait:
        raise LookupThrottled(wait)
    raise NotFound("未找到匹配的办件，请核对办件编号和身份证号/手机号后 4 位", "case_no", code="case_not_found")
