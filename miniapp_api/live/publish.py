"""Publishing live events: one Redis PUBLISH on one channel per key prefix.

Every live-server process SUBSCRIBEs to ``{prefix}live`` once and fans messages out to its clients
by topic, so the number of Redis subscriptions does not grow with open pages or topics.

Message on the channel (JSON, UTF-8)::

    {"topic": "guides", "ts": 1764300000.123, "data": {...the event...}}

``ts`` is the publisher's wall clock (seconds) so a page or a benchmark can measure
publish-to-page latency.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any, Protocol

import redis

log = logging.getLogger(__name__)

# Topic names: lower-case words joined by "." or "-" (e.g. "guides", "kb.unanswered",
# "public.hall.jc-main"). No spaces, slashes or commas, which the URL form /live/<a>,<b> relies on.
TOPIC_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,79}$")
# Topics under this prefix need no ticket (e.g. the hall's public display).
PUBLIC_PREFIX = "public."


class _Publisher(Protocol):
    def publish(self, channel: str, message: str) -> Any: ...


def channel(prefix: str) -> str:
    """The one pub/sub channel of a deployment's key prefix."""
    return f"{prefix}live"


def valid_topic(topic: str) -> bool:
    return bool(TOPIC_RE.match(topic))


def is_public(topic: str) -> bool:
    return topic.startswith(PUBLIC_PREFIX)


def encode(topic: str, event: dict[str, Any], ts: float | None = None) -> str:
    """The channel message for ``event`` on ``topic`` (also used by tests and the benchmark)."""
    if not valid_topic(topic):
        raise ValueError(f"invalid live topic {topic!r}")
    if not isinstance(event, dict):
        raise TypeError("a live event is a dict")
    body = {"topic": topic, "ts": time.time() if ts is None else ts, "data": event}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)


def publish(redis_client: _Publisher, prefix: str, topic: str, event: dict[str, Any]) -> int:
    """Publish ``event`` to every page following ``topic``; returns the number of live-server
    processes that received it (0 when none runs: pages then see it on their next load).

    A synchronous redis-py client; callers on a request path should treat a Redis error as
    "no live update" rather than fail the request (see ``publish_quietly``).
    """
    return int(redis_client.publish(channel(prefix), encode(topic, event)) or 0)


def publish_quietly(redis_client: _Publisher, prefix: str, topic: str, event: dict[str, Any]) -> int:
    """``publish`` that swallows Redis errors: a live update is a courtesy, the write that caused it
    already succeeded and must not turn into a 500 because pub/sub hiccupped."""
    try:
        return publish(redis_client, prefix, topic, event)
    except redis.RedisError as exc:
        log.warning("live publish on %s failed: %s", topic, exc.__class__.__name__)
        return 0
