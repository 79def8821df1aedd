"""Failure counters against guessing (staff passwords, case-lookup factors, appeal contact digits).

A guess is judged against several counters at once — per target (the account, case or appeal guessed
at) and per guesser (the client address, the chat session, the resident) — so that neither many
addresses on one target nor one address on many targets gets far. Only failures count.

Everything happens in one Lua script, so however many guesses arrive in parallel, no more than the
limit of failures per counter are ever answered before every further attempt is refused.

Key map (KEYS, all ``rkey(scope, kind, value)`` made by the caller):
  KEYS[i]  integer counter of failures of one target or guesser in the current window, with a TTL of
           the window set on the first failure
ARGV: the limit of each key (same order as KEYS), then the window in seconds, then "1" to count a
failure or "0" only to check.
Returns {wait, reached}: ``wait`` > 0 (seconds until the full counter expires) refuses the attempt and
counts nothing; ``reached`` = 1 when this failure filled a counter (the moment a lock-out begins, to
audit it once).
"""

from __future__ import annotations

from collections.abc import Sequence

from miniapp_api.core.stores import rds

_SCRIPT = """
local n = #KEYS
local window = tonumber(ARGV[n + 1])
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i]) then
    local ttl = redis.call('TTL', key)
    if ttl < 1 then redis.call('EXPIRE', key, window); ttl = window end
    return {ttl, 0}
  end
end
local reached = 0
if ARGV[n + 2] == '1' then
  for i, key in ipairs(KEYS) do
    local count = redis.call('INCR', key)
    if count == 1 then redis.call('EXPIRE', key, window) end
    if count == tonumber(ARGV[i]) then reached = 1 end
  end
end
return {0, reached}
"""


def decide(keys: Sequence[str], limits: Sequence[int], window: int, failed: bool) -> tuple[int, bool]:
    """Check (and with ``failed`` count) one attempt: (seconds to wait or 0, whether a lock-out began).

    EVAL rather than EVALSHA: a pipeline would first ask SCRIPT EXISTS, another round trip; Redis keeps
    the compiled script by its hash anyway."""
    if len(keys) != len(limits):
        raise ValueError("one limit per key")
    wait, reached = rds().eval(_SCRIPT, len(keys), *keys, *limits, window, "1" if failed else "0")
    return int(wait), bool(int(reached))


def over_limit(counts: Sequence[bytes | str | None], limits: Sequence[int]) -> bool:
    """Whether any counter read beforehand (e.g. in the caller's one MGET) is already at its limit."""
    return any(int(count or 0) >= limit for count, limit in zip(counts, limits, strict=True))
