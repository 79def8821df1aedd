"""The live server on a background thread with its own event loop: for tests, benchmarks and
browser tests that need it next to a Flask app in one process (production runs ``server.py``)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from miniapp_api.live.hub import Hub
from miniapp_api.live.server import HUB, PathOnlyAccessLogger, make_app

T = TypeVar("T")


class BackgroundLiveServer:
    """``with BackgroundLiveServer(redis_url, prefix, secret) as live: live.url`` — bound to a free
    port on 127.0.0.1; ``__enter__`` returns once the hub is subscribed to Redis."""

    def __init__(self, redis_url: str, prefix: str, secret_key: str, **settings: Any) -> None:
        self.app = make_app(redis_url, prefix, secret_key, **settings)
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, name="live-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def hub(self) -> Hub:
        return self.app[HUB]

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn`` on the server's loop (the hub is not thread-safe) and return its result."""

        async def run() -> T:
            return fn(*args)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(5)

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log_class=PathOnlyAccessLogger, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=2048)
        await site.start()
        self.port = self._runner.addresses[0][1]
        await asyncio.wait_for(self.app[HUB].subscribed.wait(), 5)

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def __enter__(self) -> BackgroundLiveServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()
