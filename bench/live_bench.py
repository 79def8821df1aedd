"""Live-update benchmark: do 200 open live connections cost the API anything, and how fast does a
publish reach the pages?

    .venv/bin/python -m bench.live_bench                 # 200 connections, 2 rounds of each mode
    .venv/bin/python -m bench.live_bench --connections 500 --requests 2000

Starts, on free loopback ports and under a fresh Redis key prefix (deleted at the end): the API as
bench.load_bench starts it (gunicorn, the Procfile's 1 worker × 8 threads) and the live server
(``python -m miniapp_api.live.server``, its own process, as in the Procfile). Then, in one
invocation, alternating rounds of
  A. the load benchmark's figures with NO live connection open: throughput and p50/p99 of
     GET /api/v1/guides/GR-006 and GET /api/v1/cases/lookup, and a booking burst of N clients;
  B. the same while a separate client process holds ``--connections`` SSE connections to the live
     server (what that many open console pages do) and publishes ``--rate`` events a second to all
     of them (default 1: a busy hall's publishes, calls and new questions); it reports
     publish-to-page latency (the event's publish time to its arrival at each connection). The
     client process stands in for browsers that would run on other machines: its CPU counts
     against the API here.
The best round of each mode counts (other load on the machine only slows a run down) and B is
printed as a ratio of A. Only loopback traffic, bounded counts; everything started is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import load_bench as lb

ROOT = Path(__file__).resolve().parent.parent
TOPIC = "bench.live"


# --- the SSE client process (what the open pages do) -------------------------------------------------


async def _hold(port: int, prefix: str, secret: str, n: int, rate: float) -> dict:
    import aiohttp
    import redis.asyncio as aioredis

    from miniapp_api.live.publish import channel, encode
    from miniapp_api.live.tickets import make_ticket

    ticket = make_ticket(secret, [TOPIC], "admin", ttl=600)
    latencies: list[float] = []
    connected = 0
    url = f"http://127.0.0.1:{port}/live/{TOPIC}?ticket={ticket}"

    async def reader(session: aiohttp.ClientSession) -> None:
        nonlocal connected
        async with session.get(url) as response:
            assert response.status == 200, response.status
            connected += 1
            async for line in response.content:
                if line.startswith(b"data: "):
                    latencies.append(time.time() - json.loads(line[6:])["ts"])

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None)) as session:
        tasks = [asyncio.create_task(reader(session)) for _ in range(n)]
        while connected < n:
            await asyncio.sleep(0.05)
            if any(t.done() for t in tasks):
                raise SystemExit(f"live connection failed: {[t.exception() for t in tasks if t.done()][:1]}")
        print("ready", flush=True)
        client = aioredis.Redis.from_url(os.environ["REDIS_URL"])
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_stdin() -> None:  # the parent closes our stdin to end the run
            loop.remove_reader(sys.stdin.fileno())
            stop.set()

        loop.add_reader(sys.stdin.fileno(), on_stdin)
        published = 0
        while not stop.is_set():
            await client.publish(channel(prefix), encode(TOPIC, {"n": published}))
            published += 1
            try:
                await asyncio.wait_for(stop.wait(), 1 / rate)
            except TimeoutError:
                pass
        await asyncio.sleep(0.5)  # let the last events arrive
        for t in tasks:
            t.cancel()
        await client.aclose()
    return {"connections": n, "published": published, "latencies": latencies}


def sse_child(args: argparse.Namespace) -> int:
    result = asyncio.run(_hold(args.live_port, args.prefix, args.secret, args.connections, args.rate))
    print(json.dumps(result), flush=True)
    return 0


# --- the load rounds -------------------------------------------------------------------------------


def measure(api: str, args: argparse.Namespace, tokens: list[str]) -> dict:
    from miniapp_api.cases.demo import DEMO

    case_no, factor = DEMO[0][0], DEMO[0][3][-4:]
    out = {}
    for name, url in (("guide", f"{api}/api/v1/guides/{lb.ITEM}"),
                      ("lookup", f"{api}/api/v1/cases/lookup?case_no={case_no}&factor={factor}")):
        out[name] = asyncio.run(lb.throughput(url, args.requests, args.concurrency))
    day, slot = asyncio.run(lb.find_slot(api, args.capacity))
    body = {"hall_id": lb.HALL, "item_code": lb.ITEM, "date": day, "slot": slot}
    booking = [{"json": body, "headers": {"Authorization": f"Bearer {t}"}} for t in tokens]
    results = asyncio.run(lb.burst("POST", f"{api}/api/v1/appointments", booking,
                                   f"{api}/api/v1/halls/{lb.HALL}/slots?item_code={lb.ITEM}&date={day}"))
    lat = [ms for _, ms, _ in results]
    out["storm"] = {"p50": lb.percentile(lat, 0.5), "p99": lb.percentile(lat, 0.99),
                    "booked": sum(1 for st, _, _ in results if st == 201),
                    "errors": sum(1 for st, _, _ in results if st >= 500 or st == 0)}
    return out


def best(rounds: list[dict]) -> dict:
    pick = {}
    for key in ("guide", "lookup"):
        pick[key] = max((r[key] for r in rounds), key=lambda x: x["rps"])
    pick["storm"] = min((r["storm"] for r in rounds), key=lambda x: x["p99"])
    return pick


def report(base: dict, live: dict, sse: list[dict]) -> None:
    print(f"\n  {'figure':40} {'no live conns':>14} {'with them':>12}  ratio")
    for key, label in (("guide", f"GET /api/v1/guides/{lb.ITEM}"), ("lookup", "GET /api/v1/cases/lookup")):
        a, b = base[key], live[key]
        print(f"  {label + ' req/s':40} {a['rps']:14.0f} {b['rps']:12.0f}  {b['rps'] / a['rps']:6.1%}")
        print(f"  {label + ' p99 ms':40} {a['p99']:14.1f} {b['p99']:12.1f}  {b['p99'] / a['p99']:6.1%}")
    a, b = base["storm"], live["storm"]
    print(f"  {'booking burst p50 ms':40} {a['p50']:14.0f} {b['p50']:12.0f}  {b['p50'] / a['p50']:6.1%}")
    print(f"  {'booking burst p99 ms':40} {a['p99']:14.0f} {b['p99']:12.0f}  {b['p99'] / a['p99']:6.1%}")
    print(f"  {'booking burst booked / 5xx':40} {a['booked']:>10} / {a['errors']} {b['booked']:>8} / {b['errors']}")
    worst = min(live["guide"]["rps"] / base["guide"]["rps"], live["lookup"]["rps"] / base["lookup"]["rps"])
    print(f"  throughput with live connections ≥ 90 % of without: {lb.verdict(worst >= 0.9)} (worst {worst:.1%})")
    lat = sorted(x for run in sse for x in run["latencies"])
    expected = sum(run["published"] * run["connections"] for run in sse)
    print(f"\n  publish-to-page latency over {len(lat)} deliveries ({expected} expected: "
          f"{sum(r['published'] for r in sse)} events × {sse[0]['connections']} connections):")
    print(f"  p50 {lb.percentile(lat, 0.5) * 1000:.1f} ms, p99 {lb.percentile(lat, 0.99) * 1000:.1f} ms, "
          f"max {max(lat) * 1000:.1f} ms  (target ≤ 1 s: {lb.verdict(lb.percentile(lat, 0.99) <= 1.0)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each mode, alternating")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--clients", type=int, default=300, help="booking burst size")
    parser.add_argument("--capacity", type=int, default=20)
    parser.add_argument("--rate", type=float, default=1.0,
                        help="events published per second in mode B (each reaches every connection)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--sse-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--live-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--prefix", help=argparse.SUPPRESS)
    parser.add_argument("--secret", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sse_child:
        return sse_child(args)

    prefix, secret = f"bench:{uuid.uuid4().hex[:8]}:", uuid.uuid4().hex
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    env = {**os.environ, "DEV_LOGIN": "1", "REDIS_PREFIX": prefix, "REDIS_URL": redis_url, "SECRET_KEY": secret,
           "BENCH_SLOT_CAPACITY": str(args.capacity), "PYTHONPATH": str(ROOT)}
    env.pop("TESTING", None)
    api_port, live_port = lb.free_port(), lb.free_port()
    api = f"http://127.0.0.1:{api_port}"
    logs = Path(tempfile.mkdtemp(prefix="live-bench-"))
    procs: list[subprocess.Popen] = []
    try:
        procs.append(lb.start_server("bench.load_bench:bench_app()", api_port, args, env, logs / "api.log"))
        live_log = open(logs / "live.log", "w")  # noqa: SIM115 (closed with the process)
        procs.append(subprocess.Popen([sys.executable, "-m", "miniapp_api.live.server", "--port", str(live_port)],
                                      cwd=ROOT, env=env, stdout=live_log, stderr=subprocess.STDOUT,
                                      start_new_session=True))
        lb.wait_ready(procs[0], f"{api}/api/v1/guides/{lb.ITEM}", logs / "api.log")
        lb.wait_ready(procs[1], f"http://127.0.0.1:{live_port}/healthz", logs / "live.log")
        print(f"Live benchmark: API gunicorn {args.workers}×{args.threads}, live server on its own process, "
              f"{args.connections} SSE connections in mode B, {os.cpu_count()} CPUs shared (logs: {logs})")
        tokens = asyncio.run(lb.dev_logins(api, args.clients * args.rounds * 2))
        base_rounds, live_rounds, sse = [], [], []
        for n in range(args.rounds * 2):
            mine = tokens[n * args.clients:(n + 1) * args.clients]
            if n % 2 == 0:
                print(f"  round {n + 1}: A, no live connections ...", flush=True)
                base_rounds.append(measure(api, args, mine))
                continue
            print(f"  round {n + 1}: B, {args.connections} live connections open ...", flush=True)
            child = subprocess.Popen([sys.executable, "-m", "bench.live_bench", "--sse-child", "--live-port",
                                      str(live_port), "--prefix", prefix, "--secret", secret, "--connections",
                                      str(args.connections), "--rate", str(args.rate)],
                                     cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            if child.stdout.readline().strip() != "ready":
                raise SystemExit("the SSE client process did not get its connections")
            live_rounds.append(measure(api, args, mine))
            child.stdin.close()
            sse.append(json.loads(child.stdout.readline()))
            child.wait(timeout=30)
        report(best(base_rounds), best(live_rounds), sse)
    finally:
        for proc in procs:
            lb.stop_server(proc)
        removed = lb.cleanup_redis(redis_url, prefix)
        print(f"\nservers stopped; {removed} bench keys removed from Redis")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
