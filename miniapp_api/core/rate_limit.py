"""Fixed-window request limits in Redis, shared by all workers (appeals, chat).

Fixed windows rather than sliding ones: one INCR per request and a key that expires by itself; a
client may get up to twice the limit across a window boundary, which is fine for abuse protection.
(The case lookup's guessing limit is stricter and lives in case_lookup.)
"""

from __future__ import annotations

import time

from flask import request

from miniapp_api.core.errors import TooManyRequests
from miniapp_api.core.stores import rds, rkey


def rate_limit(scope: str, ident: str, limit: int, window: int = 60, field: str | None = None) -> None:
    """Count one request of ``ident``; TooManyRequests (with Retry-After) past ``limit`` per window."""
    now = time.time()
    key = rkey("ratelimit", scope, ident, str(int(now // window)))
    pipe = rds().pipeline(transaction=True)
    pipe.incr(key)
    pipe.expire(key, window + 1)
    count = pipe.execute()[0]
    if count > limit:
        raise TooManyRequests(f"too many {scope} requests, try again in a minute", field,
                              retry_after=max(1, int(window - now % window)))  # fmt: skip


def limit_address_and_session(scope: str, session_id: str | None, per_address: int, per_session: int) -> None:
    """The pair of limits of anonymous channels: per client address, and per conversation when one is named."""
    rate_limit(scope, f"ip:{request.remote_addr}", per_address)
    if session_id:
        rate_limit(scope, f"session:{session_id}", per_session)
