"""Fan-out details that need no network: slow clients, malformed messages."""

from __future__ import annotations

import asyncio

import pytest

from miniapp_api.live.hub import Client, Hub
from miniapp_api.live.publish import encode


def test_a_client_that_falls_behind_is_closed_not_buffered():
    async def scenario() -> None:
        hub = Hub("redis://127.0.0.1:6379/15", "unit:")
        slow, fast = Client(("guides",), queue_size=2), Client(("guides",), queue_size=100)
        hub.add(slow)
        hub.add(fast)
        for n in range(3):
            hub.dispatch(encode("guides", {"n": n}).encode())
        assert slow.closed and fast.queue.qsize() == 3
        assert [slow.queue.get_nowait()] == [None] and slow.queue.empty()  # only the end marker left
        assert hub.dropped == 1 and hub.delivered == 5
        assert not slow.offer(b"data: late\n\n")

    asyncio.run(scenario())


@pytest.mark.parametrize("raw", [b"not json", b'{"no_topic":1}', b'{"topic":"guides",\n"x":1}', b"[1,2]"])
def test_malformed_messages_are_ignored(raw):
    async def scenario() -> None:
        hub = Hub("redis://127.0.0.1:6379/15", "unit:")
        client = Client(("guides",), queue_size=4)
        hub.add(client)
        assert hub.dispatch(raw) == 0
        assert client.queue.empty()

    asyncio.run(scenario())


def test_remove_forgets_empty_topics():
    async def scenario() -> None:
        hub = Hub("redis://127.0.0.1:6379/15", "unit:")
        client = Client(("guides", "public.x"), queue_size=4)
        hub.add(client)
        assert hub.stats()["topics"] == 2 and hub.count == 1
        hub.remove(client)
        assert hub.by_topic == {} and hub.count == 0

    asyncio.run(scenario())
