"""The live server: Server-Sent Events for many idle browser connections, in its own asyncio process.

    GET /live/<topic>[,<topic>...][?ticket=...]   text/event-stream
    GET /healthz                                  {"subscribed", "clients", "topics", ...}

Topics under ``public.`` (e.g. the hall display) need no ticket; every other topic must be listed
in a valid ticket from the Flask side (``tickets.py``), else 403 with the API's error shape.
Frames: ``retry:`` once, then ``data: {"topic","ts","data"}`` per event, a ``resync`` event after
a Redis reconnect, and a ``: ping`` comment every ``heartbeat`` seconds (keeps proxies from
closing the idle connection and reveals clients that left).

Run: ``python -m miniapp_api.live.server`` (the Procfile's ``live:`` process); REDIS_URL,
REDIS_PREFIX, SECRET_KEY and LIVE_PORT (5001) as the API reads them (``core.config``), LIVE_HOST
(127.0.0.1), LIVE_HEARTBEAT (15 s) and LIVE_ALLOW_ORIGIN (*) from the environment. The access log
leaves out query strings: they carry tickets.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from miniapp_api.core.config import Config
from miniapp_api.live.hub import Client, Hub
from miniapp_api.live.publish import is_public, valid_topic
from miniapp_api.live.tickets import TicketError, allowed, check_ticket

log = logging.getLogger(__name__)

HUB: web.AppKey[Hub] = web.AppKey("hub", Hub)
SETTINGS: web.AppKey[dict] = web.AppKey("settings", dict)
MAX_TOPICS = 16


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Method, path without the query string (tickets), status, duration."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %.3fs", request.method, request.path, response.status, time)


def _error(status: int, code: str, message: str, field: str | None, origin: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message, "field": field}}, status=status,
                             headers={"Access-Control-Allow-Origin": origin})


async def live(request: web.Request) -> web.StreamResponse:
    hub, settings = request.app[HUB], request.app[SETTINGS]
    origin = settings["allow_origin"]
    topics = tuple(dict.fromkeys(request.match_info["topics"].split(",")))
    if len(topics) > MAX_TOPICS or not all(valid_topic(t) for t in topics):
        return _error(400, "invalid_topic", f"topics are 1..{MAX_TOPICS} names like guides or public.hall.jc-main",
                      "topics", origin)
    ticket = None
    if not all(is_public(t) for t in topics):
        raw = request.query.get("ticket", "")
        if not raw:
            return _error(403, "ticket_required", "these topics need a live ticket", "ticket", origin)
        try:
            ticket = check_ticket(settings["secret_key"], raw)
        except TicketError as exc:
            return _error(403, exc.code, exc.message, "ticket", origin)
        denied = [t for t in topics if not allowed(ticket, t)]
        if denied:
            return _error(403, "topic_forbidden", f"the ticket does not cover {denied[0]}", "topics", origin)
    if hub.count >= settings["max_clients"]:
        return _error(503, "live_full", "too many live connections, retry later", None, origin)

    response = web.StreamResponse(headers={
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-store",
        "X-Accel-Buffering": "no",  # nginx: pass frames through at once
        "Access-Control-Allow-Origin": origin,
    })
    await response.prepare(request)
    client = Client(topics, settings["queue_size"])
    hub.add(client)  # registered before the first byte: an event after the client saw it is not lost
    heartbeat, write_timeout = settings["heartbeat"], settings["write_timeout"]
    try:
        await response.write(b"retry: 3000\n: connected\n\n")
        while True:
            try:
                frame = await asyncio.wait_for(client.queue.get(), heartbeat)
            except TimeoutError:
                frame = b": ping\n\n"
            if frame is None:  # too slow, or the server is shutting down
                break
            # A client that stopped reading must not hold this handler forever.
            await asyncio.wait_for(response.write(frame), write_timeout)
    except (ConnectionError, TimeoutError):
        pass  # the page went away
    finally:
        hub.remove(client)
    return response


async def healthz(request: web.Request) -> web.Response:
    return web.json_response(request.app[HUB].stats())


def make_app(redis_url: str, prefix: str, secret_key: str, *, heartbeat: float = 15.0,
             allow_origin: str = "*", max_clients: int = 20000, queue_size: int = 256,
             write_timeout: float = 10.0) -> web.Application:
    """The aiohttp application; the hub subscribes when the app starts (never at import)."""
    app = web.Application()
    app[HUB] = Hub(redis_url, prefix)
    app[SETTINGS] = {"secret_key": secret_key, "heartbeat": heartbeat, "allow_origin": allow_origin,
                     "max_clients": max_clients, "queue_size": queue_size, "write_timeout": write_timeout}
    app.router.add_get("/live/{topics}", live)
    app.router.add_get("/healthz", healthz)

    async def start_hub(app: web.Application) -> None:
        await app[HUB].start()

    async def end_clients(app: web.Application) -> None:
        app[HUB].close_all()  # open streams end now instead of holding shutdown for the timeout

    async def stop_hub(app: web.Application) -> None:
        await app[HUB].stop()

    app.on_startup.append(start_hub)
    app.on_shutdown.append(end_clients)
    app.on_cleanup.append(stop_hub)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Live-update server (Server-Sent Events)")
    parser.add_argument("--host", default=os.environ.get("LIVE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=Config().LIVE_PORT)
    parser.add_argument("--heartbeat", type=float, default=float(os.environ.get("LIVE_HEARTBEAT", "15")))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = Config()  # the API's own settings: the same Redis, key prefix and SECRET_KEY as the tickets' maker
    app = make_app(cfg.REDIS_URL, cfg.REDIS_PREFIX, cfg.SECRET_KEY, heartbeat=args.heartbeat,
                   allow_origin=os.environ.get("LIVE_ALLOW_ORIGIN", "*"))
    log.info("live server on http://%s:%d (SSE at /live/<topic>)", args.host, args.port)
    # backlog: hundreds of pages reconnect at once after a restart.
    web.run_app(app, host=args.host, port=args.port, backlog=2048, shutdown_timeout=5.0,
                access_log_class=PathOnlyAccessLogger, print=None)


if __name__ == "__main__":
    main()
