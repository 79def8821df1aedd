"""Call-to-display latency with many hall displays open (issue 9).

Opens N Server-Sent-Events connections on the hall's public topic (as N displays would; no ticket), then
makes window calls the way the panel does (``queue.announce.announce_call``: Redis list + PUBLISH, followed
by the board event with the waiting counts of 14 categories that every call, walk-in, served, 过号 and
transfer now sends) and measures, per call, publish → every display's receipt of the call event. Baseline
in the same run: one display.

    .venv/bin/python -m bench.hall_bench [--displays 200] [--calls 50]

Prints p50 / p99 / max (ms) over all (call, display) receipts for both runs and their ratio. The
displays run in this process's asyncio loop, the live server in a background thread, Redis on
127.0.0.1:6379 db 15 (keys under a random prefix, removed afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid

import aiohttp
import redis

from miniapp_api.live.background import BackgroundLiveServer
from miniapp_api.live.publish import publish

REDIS_URL = "redis://127.0.0.1:6379/15"
BOARD = {"type": "board", "reason": "call",
         "categories": [{"category": c, "waiting": 12, "estimated_wait_minutes": 35} for c in "ABCDEFGHJKLMNP"]}


async def _display(session: aiohttp.ClientSession, url: str, ready: asyncio.Event, got: list) -> None:
    async with session.get(url) as resp:
        ready.set()
        async for raw in resp.content:
            line = raw.decode().strip()
            if line.startswith("data: "):
                msg = json.loads(line[6:])
                if msg["data"].get("type") != "call":
                    continue  # the board event after each call: delivered too, not what is timed
                got.append(time.time() - msg["ts"])
                if msg["data"].get("last"):
                    return


async def _run(live_url: str, prefix: str, displays: int, calls: int) -> list[float]:
    client = redis.Redis.from_url(REDIS_URL)
    got: list[float] = []
    topic = "public.hall.bench"
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=conn, timeout=aiohttp.ClientTimeout(total=120)) as session:
        readies = [asyncio.Event() for _ in range(displays)]
        tasks = [asyncio.create_task(_display(session, f"{live_url}/live/{topic}", r, got)) for r in readies]
        await asyncio.gather(*(r.wait() for r in readies))
        await asyncio.sleep(0.5)  # every connection registered in the hub
        for i in range(calls):
            event = {"type": "call", "number": f"A{i + 1:03d}", "window": "A01", "last": i == calls - 1}
            await asyncio.to_thread(publish, client, prefix, topic, event)
            await asyncio.to_thread(publish, client, prefix, topic, BOARD)
            await asyncio.sleep(0.05)  # a busy hall calls far less often than 20 a second
        await asyncio.wait_for(asyncio.gather(*tasks), 30)
    return got


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="call-to-display latency with many displays")
    parser.add_argument("--displays", type=int, default=200)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args(argv)
    prefix, secret = f"bench:{uuid.uuid4().hex[:8]}:", uuid.uuid4().hex
    results = {}
    with BackgroundLiveServer(REDIS_URL, prefix, secret, heartbeat=15) as live:
        for label, n in (("1 display (baseline)", 1), (f"{args.displays} displays", args.displays)):
            got = asyncio.run(_run(live.url, prefix, n, args.calls))
            assert len(got) == n * args.calls, (len(got), n * args.calls)
            results[label] = got
            print(f"{label:>22}: receipts {len(got):6d}  p50 {_pct(got, .5):6.1f} ms  p99 {_pct(got, .99):6.1f} ms"
                  f"  max {max(got) * 1000:6.1f} ms  mean {statistics.mean(got) * 1000:6.1f} ms")
    base, many = results.values()
    p50, p99 = _pct(many, .5) / max(_pct(base, .5), 1e-3), _pct(many, .99) / max(_pct(base, .99), 1e-3)
    print(f"ratio p50 {p50:.1f}x, p99 {p99:.1f}x (many displays vs one; the target is < 1000 ms absolute; the"
          " displays' own parsing runs in this process and is included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
