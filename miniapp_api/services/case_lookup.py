"""Anyone may look a case up by its number plus the last 4 characters of the applicant's ID number
or phone. Guessing is throttled per client IP and per case number.

Only failures count, and every decision is made atomically in Redis (one Lua script) after the
case and factor were checked: a failure below the limit is counted and answered 404, a success
below the limit is answered and counts nothing, and at the limit every attempt (a correct one
too) is 429. Redis runs the scripts one at a time, so however many guesses arrive in parallel, at
most the limit of failures are answered 404 before everything is refused, and a correct guess is
only revealed if it is decided before that. Parallel successful lookups from one address (an
office behind one NAT) never refuse each other: nothing is held while a lookup is in flight.
Unknown case and wrong factor answer the same 404, so the endpoint does not reveal which case
numbers exist.
"""

from __future__ import annotations

import hmac
import re

from flask import current_app

from miniapp_api.errors import NotFound, TooManyRequests, ValidationFailed
from miniapp_api.services import shared_versions
from miniapp_api.services.cases import case_view
from miniapp_api.services.resident_auth import hash_last4
from miniapp_api.stores import mongo, rds, rkey

CASE_NO_RE = re.compile(r"^JC\d{13}$")
FACTOR_RE = re.compile(r"^[0-9X]{4}$")

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
        super().__init__(f"查询失败次数过多，请 {minutes} 分钟后再试", "factor")
        self.retry_after = retry_after


def _decide(keys: list[str], failed: bool) -> int:
    """Run _DECIDE; the shared version tokens ride along in the same round trip (the case view
    needs the calendar's). EVAL, not EVALSHA: a pipeline would first ask SCRIPT EXISTS (another
    round trip), and Redis keeps the compiled script by its hash anyway."""
    cfg = current_app.config
    pipe = rds().pipeline(transaction=False)
    pipe.eval(_DECIDE, len(keys), *keys, cfg["CASE_LOOKUP_MAX_FAILURES"], cfg["CASE_LOOKUP_WINDOW_SECONDS"],
              "1" if failed else "0")  # fmt: skip
    pipe.mget(shared_versions.version_keys())
    wait, versions = pipe.execute()
    shared_versions.remember(versions)
    return int(wait)


def normalise(case_no: str, factor: str) -> tuple[str, str]:
    case_no, factor = (case_no or "").strip().upper(), (factor or "").strip().upper()
    if not CASE_NO_RE.match(case_no):
        raise ValidationFailed("办件编号格式应为 JC + 13 位数字，如 JC2026112800001", "case_no")
    if not FACTOR_RE.match(factor):
        raise ValidationFailed("请输入身份证号或手机号的后 4 位", "factor")
    return case_no, factor


def _matches(case: dict, factor: str) -> bool:
    wanted = hash_last4(factor)
    applicant = case.get("applicant") or {}
    return any(
        stored and hmac.compare_digest(stored, wanted)
        for stored in (applicant.get("id_last4_hash"), applicant.get("phone_last4_hash"))
    )


def lookup(case_no: str, factor: str, client_ip: str) -> dict:
    """The public view of the case, or 404 (unknown case or wrong factor), or 429 when throttled."""
    case_no, factor = normalise(case_no, factor)
    keys = [rkey("case_lookup", "ip", client_ip or "unknown"), rkey("case_lookup", "case", case_no)]
    case = mongo()["cases"].find_one({"_id": case_no})
    found = case is not None and _matches(case, factor)
    wait = _decide(keys, failed=not found)
    if wait:
        raise LookupThrottled(wait)
    if not found:
        raise NotFound("未找到匹配的办件，请核对办件编号和身份证号/手机号后 4 位", "case_no", code="case_not_found")
    return case_view(case)
