"""Per-process cache of the public case views that the progress lookup answers with.

A lookup is the most frequent resident request and its answer changes rarely: only when the case
changes (a staff transition), when the day changes (the lamp and the working days left) or when the
holiday calendar changes. Each case has a random token in Redis that every write to the case
replaces *after* the MongoDB write; a worker reuses its cached view only while the token, the day
and the calendar's version token are the ones it was built under. The lookup reads the token in the
same MGET as its rate-limit counters, so a cache hit costs one Redis round trip and no MongoDB read.

Why a token and not the case's own ``version`` field: reading that needs MongoDB, which is the cost
the cache saves. Why random and not a counter: see shared_versions (a Redis restart must not repeat
a value some worker still holds). A missing token (new case, Redis restarted) is set with NX by the
reader; a writer's later SET overwrites it, so a view read before a concurrent write is never
reused after it.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from typing import NamedTuple

from miniapp_api.core.stores import rds, rkey

MAX_ENTRIES = 20_000  # ~2 KB each: a bounded ~40 MB per worker at most


class CachedView(NamedTuple):
    token: str
    day: str
    calendar: str
    factor_hashes: tuple[str, ...]  # the applicant's id / phone last-4 hashes the lookup checks
    body: bytes  # the JSON the endpoint answers with


_VIEWS: OrderedDict[str, CachedView] = OrderedDict()
_LOCK = threading.Lock()


def token_key(case_no: str) -> str:
    return rkey("case", case_no, "token")


def case_changed(case_no: str) -> None:
    """Invalidate every worker's cached view of ``case_no``; call after the MongoDB write."""
    rds().set(token_key(case_no), uuid.uuid4().hex)


def claim_token(case_no: str) -> str | None:
    """A token for a case that has none yet, or None if another request set one meanwhile."""
    token = uuid.uuid4().hex
    return token if rds().set(token_key(case_no), token, nx=True) else None


def get(case_no: str, token: str | None, day: str, calendar: str) -> CachedView | None:
    key = token_key(case_no)  # carries the Redis prefix: apps on other prefixes never share entries
    entry = _VIEWS.get(key)
    if entry is None or token is None or (entry.token, entry.day, entry.calendar) != (token, day, calendar):
        return None
    with _LOCK:
        if key in _VIEWS:
            _VIEWS.move_to_end(key)
    return entry


def put(case_no: str, entry: CachedView) -> None:
    key = token_key(case_no)
    with _LOCK:
        _VIEWS[key] = entry
        _VIEWS.move_to_end(key)
        while len(_VIEWS) > MAX_ENTRIES:
            _VIEWS.popitem(last=False)


def clear() -> None:
    with _LOCK:
        _VIEWS.clear()
