"""Anyone may look a case up by its number plus the last 4 characters of the applicant's ID number
or phone. Guessing is throttled per client IP and per case number.

Only failures count. A failure is counted and checked against the limit atomically in Redis (one
Lua script): below the limit it is answered 404, at the limit 429. A success is answered when both
counters were below the limit in the one MGET the lookup starts with, and counts nothing. Redis
runs commands one at a time, so however many guesses arrive in parallel, at most the limit of
failures are answered 404 before everything (a correct guess too) is refused, and a correct guess
is only revealed if it was read before that. Parallel successful lookups from one address (an
office behind one NAT) never refuse each other: nothing is held while a lookup is in flight.
Unknown case and wrong factor answer the same 404, so the endpoint does not reveal which case
numbers exist.
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
from miniapp_api.core.stores import mongo, rds, rds_coalesced, rkey
from miniapp_api.core.vocabulary import CASE_NO_RE, FACTOR_RE
from miniapp_api.identity.resident_auth import hash_last4

# KEYS: counters (per IP, per case); ARGV: limit, window seconds, "1" for a failed attempt.
# Returns 0 (answer it; a failure was counted) or the seconds to wait (refuse it, count nothing).
_DECIDE = """
for _, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  if n >= tonumber(ARGV[1]) then
    local ttl = redis.call('TTL', key)
    if ttl < 1 then redis.call('EXPIRE', key, ARGV[2]); ttl = tonumber(ARGV[2]) end
    return ttl
  end
end
if ARGV[3] == '1' then
  for _, key in ipairs(KEYS) do
    if redis.call('INCR', key) == 1 then redis.call('EXPIRE', key, ARGV[2]) end
  end
end
return 0
"""


class LookupThrottled(TooManyRequests):
    code = "lookup_rate_limited"

    def __init__(self, retry_after: int):
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(f"查询失败次数过多，请 {minutes} 分钟后再试", "factor", retry_after=retry_after)


def _decide(keys: list[str], failed: bool) -> int:
    """Run _DECIDE (EVAL, not EVALSHA: a pipeline would first ask SCRIPT EXISTS, another round trip;
    Redis keeps the compiled script by its hash anyway)."""
    cfg = current_app.config
    return int(rds().eval(_DECIDE, len(keys), *keys, cfg["CASE_LOOKUP_MAX_FAILURES"],
                          cfg["CASE_LOOKUP_WINDOW_SECONDS"], "1" if failed else "0"))  # fmt: skip


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


def lookup_json(case_no: str, factor: str, client_ip: str) -> bytes:
    """The public view of the case as JSON, or 404 (unknown case or wrong factor), or 429.

    One MGET reads both guessing counters, the case's cache token and the shared version tokens. A
    correct factor is answered when both counters are below the limit in that read; a wrong one
    goes through _DECIDE, which counts it and checks the limit atomically."""
    case_no, factor = normalise(case_no, factor)
    keys = [rkey("case_lookup", "ip", client_ip or "unknown"), rkey("case_lookup", "case", case_no)]
    by_ip, by_case, token, *versions = rds_coalesced().mget([*keys, view_cache.token_key(case_no),
                                                  *shared_versions.version_keys()])  # fmt: skip
    calendar = shared_versions.remember(versions)["calendar"]
    if max(int(by_ip or 0), int(by_case or 0)) >= current_app.config["CASE_LOOKUP_MAX_FAILURES"]:
        wait = _decide(keys, failed=False)  # 0 when the window ran out since the MGET
        if wait:
            raise LookupThrottled(wait)
    entry = _view(case_no, token, local_today().isoformat(), calendar)
    if entry is not None and _matches(entry.factor_hashes, factor):
        return entry.body
    wait = _decide(keys, failed=True)
    if wait:
        raise LookupThrottled(wait)
    raise NotFound("未找到匹配的办件，请核对办件编号和身份证号/手机号后 4 位", "case_no", code="case_not_found")
