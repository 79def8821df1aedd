"""Fixed-window request limits in Redis, shared by all workers (appeals, chat).

Fixed windows rather than sliding ones: one INCR per request and a key that expires by itself; a
client may get up to twice the limit across a window boundary, which is fine for abuse protection.
(The case lookup's guessing limit is stricter and lives in case_lookup.)
"""

from __future__ import annotations

import time

from miniapp_api.errors import TooManyRequests
from miniapp_api.stores import rds, rkey


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
