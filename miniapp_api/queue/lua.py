"""Lua scripts of the queue: every state change of a ticket is one atomic script in Redis.

Layout (keys are built by the caller with ``rkey``):
- ``queue:<hall>:<date>:<cat>:seq``      INCR counter behind the number A001, A002 …
- ``queue:<hall>:<date>:arrival``       INCR counter of arrivals in the hall (keeps order across categories)
- ``queue:<hall>:<date>:<cat>:waiting`` sorted set of waiting ticket ids, score = class * 1e9 + arrival
- ``queue:ticket:<id>``                 hash with the ticket's live state
- guard keys                             one ticket per appointment / per resident and category while active
- ``queue:ready``                        set once today's queue reflects MongoDB (gone after a Redis restart:
                                         every script answers {-9} until queue.rebuild restored it)
- ``queue:rebuild_lock``                 one rebuild at a time

Every script takes ``queue:ready`` as its LAST key, and bumps the ``ver`` field of each ticket hash it
changes, so that copies written to MongoDB out of order never replace a newer one.

The score makes ZPOPMIN return 绿色通道 (class 0) before booked (1) before walk-in (2), each in arrival
order; a transferred ticket keeps its score, so it keeps both its class and its place in time.
"""

from __future__ import annotations

from miniapp_api.core.stores import rkey

# Class width of the score: arrival counters stay far below it, and 3e9 is exact in a double.
CLASS_WIDTH = 1_000_000_000

# KEYS: seq, arrival, waiting, ticket hash, guard, ready
# ARGV: ticket_id, class, ttl, prefix letter, then field/value pairs for the hash
# → {1, id, number} new ticket, or {0, existing_id} when the guard already names one, {-9} not ready
TAKE = """
if redis.call('EXISTS', KEYS[6]) == 0 then return {-9} end
local existing = redis.call('GET', KEYS[5])
if existing then return {0, existing} end
local seq = redis.call('INCR', KEYS[1])
local arrival = redis.call('INCR', KEYS[2])
local score = tonumber(ARGV[2]) * 1000000000 + arrival
local number = ARGV[4] .. string.format('%03d', seq)
local ttl = tonumber(ARGV[3])
redis.call('HSET', KEYS[4], 'id', ARGV[1], 'number', number, 'seq', seq, 'score', score, 'status', 'waiting',
           'guard', KEYS[5], 'ver', 1)
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', KEYS[3], score, ARGV[1])
redis.call('SET', KEYS[5], ARGV[1], 'EX', ttl)
for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ttl) end
return {1, ARGV[1], number}
"""

# KEYS: the waiting sets of the window's categories (same order as the category codes in ARGV[5..]), ready
# ARGV: ticket key prefix, window number, now (epoch seconds), near position (1-based), category codes…
# Picks a category: a 绿色通道 ticket at a head goes first; otherwise the longest queue; ties go to the
# head that arrived first. Pops its head, marks it called, and names the ticket that has just become
# the near-position one (once per ticket, flag near_notified) so the caller can notify its resident.
# → {} when every queue is empty, else {ticket_id, category, near_ticket_id or ''}; {-9} not ready
CALL = """
if redis.call('EXISTS', KEYS[#KEYS]) == 0 then return {-9} end
local best, best_green, best_len, best_score = nil, false, -1, nil
for i = 1, #KEYS - 1 do
  local key = KEYS[i]
  local len = redis.call('ZCARD', key)
  if len > 0 then
    local head = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local score = tonumber(head[2])
    local green = score < 1000000000
    local better
    if best == nil then better = true
    elseif green ~= best_green then better = green
    elseif len ~= best_len then better = len > best_len
    else better = score < best_score end
    if better then best, best_green, best_len, best_score = i, green, len, score end
  end
end
if best == nil then return {} end
local popped = redis.call('ZPOPMIN', KEYS[best])
local id = popped[1]
local tkey = ARGV[1] .. id
redis.call('HSET', tkey, 'status', 'called', 'window', ARGV[2], 'called_at', ARGV[3])
redis.call('HINCRBY', tkey, 'ver', 1)
local near = ''
local pos = tonumber(ARGV[4])
local nxt = redis.call('ZRANGE', KEYS[best], pos - 1, pos - 1)
if nxt[1] and redis.call('HSETNX', ARGV[1] .. nxt[1], 'near_notified', '1') == 1 then
  near = nxt[1]
  redis.call('HINCRBY', ARGV[1] .. nxt[1], 'ver', 1)
end
return {id, ARGV[4 + best], near}
"""

# KEYS: ticket hash, durations list, guard, ready
# ARGV: new status (served|no_show), now (epoch seconds), samples kept, durations ttl
# Only a called ticket can finish. A served ticket adds its service time to the rolling sample.
# → {1} done, {0, status} wrong state, {-1} unknown ticket, {-9} not ready
FINISH = """
if redis.call('EXISTS', KEYS[4]) == 0 then return {-9} end
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {-1} end
if status ~= 'called' then return {0, status} end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'finished_at', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'ver', 1)
if ARGV[1] == 'served' then
  redis.call('HSET', KEYS[1], 'served_at', ARGV[2])
  local called = tonumber(redis.call('HGET', KEYS[1], 'called_at') or ARGV[2])
  local took = tonumber(ARGV[2]) - called
  if took > 0 then
    redis.call('LPUSH', KEYS[2], took)
    redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
    redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
  end
end
local tid = redis.call('HGET', KEYS[1], 'id')
if redis.call('GET', KEYS[3]) == tid then redis.call('DEL', KEYS[3]) end
return {1}
"""

# KEYS: old hash, old waiting set, new seq, new waiting set, new hash, old guard, new guard, ready
# ARGV: new id, new category, ttl, now (epoch seconds)
# A waiting or called ticket becomes 'transferred'; a new ticket in the target category keeps the
# old score (class and arrival), and gets a number in the target category's sequence.
# → {1, new_id, new_number} or {0, status} wrong state, {-1} unknown ticket, {-9} not ready
TRANSFER = """
if redis.call('EXISTS', KEYS[8]) == 0 then return {-9} end
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {-1} end
if status ~= 'waiting' and status ~= 'called' then return {0, status} end
local old = redis.call('HGETALL', KEYS[1])
local t = {}
for i = 1, #old, 2 do t[old[i]] = old[i + 1] end
redis.call('ZREM', KEYS[2], t['id'])
local ttl = tonumber(ARGV[3])
local seq = redis.call('INCR', KEYS[3])
local number = ARGV[2] .. string.format('%03d', seq)
redis.call('HSET', KEYS[1], 'status', 'transferred', 'finished_at', ARGV[4], 'transferred_to', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'ver', 1)
redis.call('HSET', KEYS[5], 'id', ARGV[1], 'number', number, 'seq', seq, 'score', t['score'], 'status', 'waiting',
           'hall_id', t['hall_id'], 'date', t['date'], 'category', ARGV[2], 'kind', t['kind'],
           'resident_id', t['resident_id'] or '', 'appointment_id', t['appointment_id'] or '',
           'created_at', ARGV[4], 'transferred_from', t['id'], 'guard', KEYS[7], 'ver', 1)
redis.call('ZADD', KEYS[4], t['score'], ARGV[1])
if redis.call('GET', KEYS[6]) == t['id'] then redis.call('DEL', KEYS[6]) end
redis.call('SET', KEYS[7], ARGV[1], 'EX', ttl)
for i = 3, 5 do redis.call('EXPIRE', KEYS[i], ttl) end
return {1, ARGV[1], number}
"""


# --- keys (all under rkey) -----------------------------------------------------------------------


def waiting_key(hall_id: str, date: str, category: str) -> str:
    return rkey("queue", hall_id, date, category, "waiting")


def seq_key(hall_id: str, date: str, category: str) -> str:
    return rkey("queue", hall_id, date, category, "seq")


def ticket_key(ticket_id: str) -> str:
    return rkey("queue", "ticket", ticket_id)


def holder_key(hall_id: str, date: str, category: str, resident_id: str) -> str:
    return rkey("queue", hall_id, date, category, "holder", resident_id)


def checkin_key(appointment_id: str) -> str:
    return rkey("queue", "checkin", appointment_id)


def durations_key(hall_id: str, category: str) -> str:
    return rkey("queue", hall_id, category, "durations")


def arrival_key(hall_id: str, date: str) -> str:
    return rkey("queue", hall_id, date, "arrival")


def ready_key() -> str:
    return rkey("queue", "ready")


def no_guard_key() -> str:
    """The guard of a ticket that has none (a walk-in without a resident): never set, never read back."""
    return rkey("queue", "no-guard")
