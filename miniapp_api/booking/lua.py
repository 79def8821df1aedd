"""Redis Lua scripts of booking: every rule that must hold under concurrency is checked and
applied in ONE script, so two requests can never both take the last seat.

Keys (all under rkey):
  booking:ready                         generation id, set once counters reflect MongoDB (gone after a restart)
  booking:idem:<resident>:<key>         Idempotency-Key → appointment_id
  booking:active:<resident>:<item>      the resident's active appointment for an item
  booking:daily:<resident>:<date>       the resident's bookings on that date
  booking:seats:<hall>:<cat>:<date>:<slot>  seats taken in a slot
  booking:blocked:<resident>            the date online booking reopens after repeated no-shows
"""

from __future__ import annotations

import hashlib

from redis import Redis
from redis.exceptions import NoScriptError

from miniapp_api.core.redis_batch import CoalescingClient
from miniapp_api.core.stores import rkey

RESERVE = """
local ready, idem, active, daily, seats, blocked = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local id, capacity, daily_cap = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local ttl, idem_ttl, use_idem, today = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], ARGV[7]
if redis.call('EXISTS', ready) == 0 then return {'rebuild', ''} end
if use_idem == '1' then
  local previous = redis.call('GET', idem)
  if previous then return {'replay', previous} end
end
local reopens = redis.call('GET', blocked)
if reopens and reopens > today then return {'blocked', reopens} end  -- ISO dates compare as strings
local holder = redis.call('GET', active)
if holder then return {'already_booked', holder} end
if tonumber(redis.call('GET', daily) or '0') >= daily_cap then return {'daily_cap', ''} end
if tonumber(redis.call('GET', seats) or '0') >= capacity then return {'slot_full', ''} end
redis.call('INCR', seats)
redis.call('EXPIRE', seats, ttl)
redis.call('INCR', daily)
redis.call('EXPIRE', daily, ttl)
redis.call('SET', active, id)
redis.call('EXPIRE', active, ttl)
if use_idem == '1' then redis.call('SET', idem, id, 'EX', idem_ttl) end
return {'ok', id, redis.call('GET', ready)}
"""

# Give a seat back (cancel, or a failed MongoDB insert). ARGV[2] == '1' also forgets the
# idempotency key, so a retry after a failed insert may book again. ARGV[3] is the counters'
# generation (the value of booking:ready) seen before the change: if a rebuild from MongoDB
# happened since, the counters already reflect the change and must not be decremented again.
RELEASE = """
local seats, daily, active, idem, ready = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id, forget_idem, generation = ARGV[1], ARGV[2], ARGV[3]
if redis.call('GET', ready) ~= generation then return 0 end
if tonumber(redis.call('GET', seats) or '0') > 0 then redis.call('DECR', seats) end
if tonumber(redis.call('GET', daily) or '0') > 0 then redis.call('DECR', daily) end
if redis.call('GET', active) == id then redis.call('DEL', active) end
if forget_idem == '1' and redis.call('GET', idem) == id then redis.call('DEL', idem) end
return 1
"""


def ready_key() -> str:
    return rkey("booking", "ready")


def idem_key(resident_id: str, key: str) -> str:
    return rkey("booking", "idem", resident_id, key)


def active_key(resident_id: str, item_code: str) -> str:
    return rkey("booking", "active", resident_id, item_code)


def daily_key(resident_id: str, date: str) -> str:
    return rkey("booking", "daily", resident_id, date)


def seats_key(hall_id: str, category: str, date: str, slot: str) -> str:
    return rkey("booking", "seats", hall_id, category, date, slot)


def blocked_key(resident_id: str) -> str:
    return rkey("booking", "blocked", resident_id)


def release_script(client: Redis):
    """RELEASE as a registered redis-py Script (EVALSHA with EVAL fallback). RESERVE goes through
    ``reserve`` below instead, to share round trips with concurrent requests."""
    return client.register_script(RELEASE)


RESERVE_SHA = hashlib.sha1(RESERVE.encode()).hexdigest()


def reserve(client: Redis, coalesced: CoalescingClient, keys: list[str], args: list) -> list:
    """Run RESERVE through the coalesced client (a rush of bookings shares round trips); after a
    Redis restart the script is loaded once and the call repeated."""
    try:
        return coalesced.evalsha(RESERVE_SHA, keys, args)
    except NoScriptError:
        client.script_load(RESERVE)
        return coalesced.evalsha(RESERVE_SHA, keys, args)
