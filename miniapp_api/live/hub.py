"""The fan-out: ONE Redis subscription per live-server process, many client queues.

Every page connection is a ``Client`` with a bounded queue. The hub reads the deployment's one
channel (``publish.channel(prefix)``), finds the clients following the message's topic and puts the
ready-made SSE frame (built once, shared by all) into their queues without waiting. A client whose
queue is full is too slow to keep up: it is closed (the browser's EventSource reconnects and the
page reloads what it shows) rather than letting memory grow.

If the Redis connection drops, the hub reconnects with backoff and then sends every client a
``resync`` event: pub/sub keeps nothing for absent subscribers, so pages must re-fetch.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict

import redis
import redis.asyncio as aioredis

from miniapp_api.live.publish import channel

log = logging.getLogger(__name__)

RESYNC_FRAME = b'event: resync\ndata: {"type":"resync"}\n\n'


class Client:
    """One open SSE connection: its topics and the frames waiting to be written."""

    __slots__ = ("topics", "queue", "closed")

    def __init__(self, topics: tuple[str, ...], queue_size: int) -> None:
        self.topics = topics
        # None in the queue means "end this connection".
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=queue_size)
        self.closed = False

    def offer(self, frame: bytes) -> bool:
        """Queue ``frame``; False (and the connection is ended) when the client is too far behind."""
        if self.closed:
            return False
        try:
            self.queue.put_nowait(frame)
            return True
        except asyncio.QueueFull:
            self.close()
            return False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        while not self.queue.empty():  # make room for the end marker
            self.queue.get_nowait()
        self.queue.put_nowait(None)


class Hub:
    def __init__(self, redis_url: str, prefix: str) -> None:
        self.redis_url = redis_url
        self.channel = channel(prefix)
        self.client_name = f"live-hub:{prefix}"  # findable in CLIENT LIST (tests, operators)
        self.by_topic: dict[str, set[Client]] = defaultdict(set)
        self.subscribed = asyncio.Event()
        self.count = 0  # open client connections
        self.delivered = 0
        self.dropped = 0
        self._task: asyncio.Task[None] | None = None
        self._redis: aioredis.Redis | None = None

    # -- clients -------------------------------------------------------------------------------
    def add(self, client: Client) -> None:
        self.count += 1
        for topic in client.topics:
            self.by_topic[topic].add(client)

    def remove(self, client: Client) -> None:
        self.count -= 1
        for topic in client.topics:
            followers = self.by_topic.get(topic)
            if followers is not None:
                followers.discard(client)
                if not followers:
                    del self.by_topic[topic]

    def clients(self) -> set[Client]:
        return {c for followers in self.by_topic.values() for c in followers}

    def close_all(self) -> None:
        for client in self.clients():
            client.close()

    def stats(self) -> dict[str, int | bool]:
        return {"subscribed": self.subscribed.is_set(), "clients": self.count,
                "topics": len(self.by_topic), "delivered": self.delivered, "dropped_slow": self.dropped}

    # -- Redis ---------------------------------------------------------------------------------
    async def start(self) -> None:
        # health_check_interval: a silently dead connection is noticed on the next idle read.
        self._redis = aioredis.Redis.from_url(self.redis_url, health_check_interval=30,
                                              socket_connect_timeout=5, client_name=self.client_name)
        self._task = asyncio.create_task(self._run(), name="live-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if self._redis is not None:
            await self._redis.aclose()

    async def _run(self) -> None:
        assert self._redis is not None
        backoff, first = 0.2, True
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self.subscribed.set()
                if not first:
                    log.info("live hub: resubscribed to Redis, asking %d pages to resync", len(self.clients()))
                    self._broadcast(RESYNC_FRAME)
                first, backoff = False, 0.2
                while True:
                    message = await pubsub.get_message(timeout=5.0)
                    if message is not None and message.get("type") == "message":
                        self.dispatch(message["data"])
            except (redis.RedisError, OSError) as exc:
                log.warning("live hub: Redis subscription lost (%s), retrying in %.1f s",
                            exc.__class__.__name__, backoff)
            finally:
                self.subscribed.clear()
                try:
                    await pubsub.aclose()
                except (redis.RedisError, OSError):
                    pass
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    def dispatch(self, raw: bytes) -> int:
        """Fan one channel message out to its topic's followers; returns how many got it."""
        if b"\n" in raw or b"\r" in raw:  # would break out of the SSE data line
            log.warning("live hub: ignoring a multi-line message (%d bytes)", len(raw))
            return 0
        try:
            topic = json.loads(raw)["topic"]
        except (ValueError, KeyError, TypeError):
            log.warning("live hub: ignoring a malformed message (%d bytes)", len(raw))
            return 0
        followers = self.by_topic.get(topic) if isinstance(topic, str) else None
        if not followers:
            return 0
        # The message is one line of JSON (json.dumps escapes newlines), so it is one SSE data line.
        frame = b"data: " + raw + b"\n\n"
        sent = 0
        for client in list(followers):
            if client.offer(frame):
                sent += 1
            else:
                self.dropped += 1
        self.delivered += sent
        return sent

    def _broadcast(self, frame: bytes) -> None:
        for client in self.clients():
            if not client.offer(frame):
                self.dropped += 1
