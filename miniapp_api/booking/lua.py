"""Redis Lua scripts of booking: every rule that must hold under concurrency is checked and
applied in ONE script, so two requests can never both take the last seat; the scripts that give a
seat back take it from a pending entry that only one caller can remove, so a seat is never given
back twice.

Keys (all under rkey):
  booking:ready                         generation "<store id>|<uuid>": counters reflect that MongoDB
                                        (gone after a Redis restart; another store id after the in-memory
                                        store was lost with its process → rebuild)
  booking:idem:<resident>:<key>         Idempotency-Key → appointment_id
  booking:active:<resident>:<item>      the resident's active appointment for an item
  booking:daily:<resident>:<date>       the resident's bookings on that date
  booking:seats:<hall>:<cat>:<date>:<slot>  seats taken in a slot
  booking:blocked:<resident>            the date online booking reopens after repeated no-shows
  booking:pending                       ZSET: r:<id> (seat taken, MongoDB insert not confirmed yet) and
                                        c:<id> (cancel under way), score = deadline (Redis TIME seconds)
  booking:pending:<r|c>:<id>            HASH: the keys to give back and the generation they were counted in
  booking:counted:<generation>          SET: appointments a rebuild counted (5 min; see seats.confirm, RELEASE)
  booking:rebuild_lock                  one rebuild at a time (the sweeper's lock is core.background's jobs:…)
"""

from __future__ import annotations

import hashlib

from redis import Redis
from redis.exceptions import NoScriptError

from miniapp_api.core.redis_batch import CoalescingClient
from miniapp_api.core.stores import rkey

# KEYS: ready, idem, active, daily, seats, blocked, pending, pending hash (r:<id>)
# ARGV: id, capacity, daily cap, counter ttl, idempotency ttl, use idem ('1'/'0'), today, store id, pending seconds
# → {'ok', id, generation} | {'rebuild', ''} | {'replay', id} | {'blocked', date} | {'already_booked', id}
#   | {'daily_cap', ''} | {'slot_full', ''}
RESERVE = """
local ready, idem, active, daily, seats, blocked = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local id, capacity, daily_cap = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local ttl, idem_ttl, use_idem, today = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], ARGV[7]
local generation = redis.call('GET', ready)
if not generation or string.sub(generation, 1, #ARGV[8] + 1) ~= ARGV[8] .. '|' then return {'rebuild', ''} end
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
if use_idem == '1' then redis.call('SET', idem, id, 'EX', idem_ttl) else idem = '' end
redis.call('HSET', KEYS[8], 'seats', seats, 'daily', daily, 'active', active, 'idem', idem, 'generation', generation)
redis.call('EXPIRE', KEYS[8], ttl)
redis.call('ZADD', KEYS[7], tonumber(redis.call('TIME')[1]) + tonumber(ARGV[9]), 'r:' .. id)
return {'ok', id, generation}
"""

# The MongoDB insert is done: the reservation stops being pending.
# KEYS: pending, pending hash (r:<id>), ready; ARGV: r:<id>
# → the current generation (the caller compares it with the one RESERVE answered), false without counters
CONFIRM = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return redis.call('GET', KEYS[3])
"""

# A cancel is under way (MongoDB not flipped yet): note what it will give back, with a deadline.
# KEYS: ready, pending, pending hash (c:<id>); ARGV: c:<id>, seats, daily, active, idem, pending seconds, store id
# → the generation the seat is counted in, or false when the counters must be rebuilt first
CANCEL_MARK = """
local generation = redis.call('GET', KEYS[1])
if not generation or string.sub(generation, 1, #ARGV[7] + 1) ~= ARGV[7] .. '|' then return false end
redis.call('HSET', KEYS[3], 'seats', ARGV[2], 'daily', ARGV[3], 'active', ARGV[4], 'idem', ARGV[5],
           'generation', generation)
redis.call('EXPIRE', KEYS[3], 86400)
redis.call('ZADD', KEYS[2], tonumber(redis.call('TIME')[1]) + tonumber(ARGV[6]), ARGV[1])
return generation
"""

# Give a seat back: a failed or abandoned reservation (r:<id>), or a finished cancel (c:<id>).
# KEYS: ready, pending, pending hash, seats, daily, active, idem (the four the pending hash names; idem is the
#       pending hash itself when there is none), counted set of generation ARGV[3]
# ARGV: member, id, the generation the caller read
# Two tokens, each removable once, make sure a seat is given back at most once however many callers race
# (the request, the sweeper): the pending member, written in the current generation; or, when a rebuild
# since dropped the member, the appointment in the rebuild's counted set (the rebuild counted its seat,
# so it is still taken). Neither → the counters already reflect MongoDB without this seat.
# → 1 released | 0 nothing to do | -1 the generation moved since the caller read it: read it again, retry
RELEASE = """
local generation = redis.call('GET', KEYS[1])
if not generation then return 0 end
if generation ~= ARGV[3] then return -1 end
local mine = redis.call('ZREM', KEYS[2], ARGV[1]) == 1
redis.call('DEL', KEYS[3])
local counted = redis.call('SREM', KEYS[8], ARGV[2]) == 1
if not mine and not counted then return 0 end
if tonumber(redis.call('GET', KEYS[4]) or '0') > 0 then redis.call('DECR', KEYS[4]) end
if tonumber(redis.call('GET', KEYS[5]) or '0') > 0 then redis.call('DECR', KEYS[5]) end
if redis.call('GET', KEYS[6]) == ARGV[2] then redis.call('DEL', KEYS[6]) end
if KEYS[7] ~= KEYS[3] and redis.call('GET', KEYS[7]) == ARGV[2] then redis.call('DEL', KEYS[7]) end
return 1
"""

# Drop a pending member without giving anything back (the insert did happen; the cancel did not).
# KEYS: pending, pending hash; ARGV: member → 1 when it was still there
DROP = """
redis.call('DEL', KEYS[2])
return redis.call('ZREM', KEYS[1], ARGV[1])
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


def pending_key() -> str:
    return rkey("booking", "pending")


def pending_hash_key(member: str) -> str:
    return rkey("booking", "pending", member)


def counted_key(generation: str) -> str:
    return rkey("booking", "counted", generation)


RESERVE_SHA = hashlib.sha1(RESERVE.encode()).hexdigest()


def reserve(client: Redis, coalesced: CoalescingClient, keys: list[str], args: list) -> list:
    """Run RESERVE through the coalesced client (a rush of bookings shares round trips); after a
    Redis restart the script is loaded once and the call repeated."""
    try:
        return coalesced.evalsha(RESERVE_SHA, keys, args)
    except NoScriptError:
        client.script_load(RESERVE)
        return coalesced.evalsha(RESERVE_SHA, keys, args)


def script(client: Redis, name: str):
    """CONFIRM, CANCEL_MARK, RELEASE or DROP as a registered redis-py Script (EVALSHA, EVAL fallback)."""
    return client.register_script(globals()[name])


def release(client: Redis, member: str, appointment_id: str, fields: dict) -> bool:
    """RELEASE for ``member`` with the keys its pending hash names (``fields``: seats, daily, active, idem);
    True when this call gave the seat back."""
    idem = fields.get("idem") or pending_hash_key(member)  # no idempotency key: a key that is never an id
    for _ in range(5):  # the generation only moves under a rebuild: a retry or two at most
        generation = client.get(ready_key()) or ""
        keys = [ready_key(), pending_key(), pending_hash_key(member), fields["seats"], fields["daily"],
                fields["active"], idem, counted_key(generation)]
        outcome = int(script(client, "RELEASE")(keys=keys, args=[member, appointment_id, generation]))
        if outcome >= 0:
            return outcome == 1
    return False
