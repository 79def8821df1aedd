"""Appeals benchmark: a year of appeals through the service layer, then the 网络理政 figures; routing accuracy.

    .venv/bin/python -m bench.appeals_bench                  # 75,000 appeals (Dec 2025 – Nov 2026) + routing
    .venv/bin/python -m bench.appeals_bench --appeals 5000   # a quicker run
    .venv/bin/python -m bench.appeals_bench --routing        # routing accuracy only

1. Load: N appeals with seeded random types, texts (the labelled routing set), departments (wrong
   dispatches returned, extensions, merges of duplicates) and reply delays, each filed and moved by
   ``service.create_appeal`` and ``workflow.take`` at simulated times — the same code the API runs,
   including the figures' cells, the audit log and the deadlines in working days.
2. Figures: ``GET /api/v1/staff/appeals/figures`` for the whole year (and the CSV export), median of
   5 calls, against the baseline measured in the same run: the same figures computed from every
   appeal document of the period (what a report without the kept cells has to read). Both must agree.
3. Routing: top-1 department on tests/appeals/routing_labelled.yaml (the set the keyword table was
   tuned on), routing_heldout.yaml and routing_heldout_2.yaml (never used for tuning): keyword table
   alone, with the knowledge base's item → department hook, with the similarity to the departments'
   examples and guides, and the app's router (all three).

Store: MONGO_URI when set (a real MongoDB; the indexes are created by start-up seeding); otherwise the
app's in-memory store (``core/mongo_memory.py``: mongomock with lookups by ``_id`` from its dict, as
MongoDB's ``_id`` index — the same store the API runs on; the other queries scan). Redis: db 15 under
a fresh prefix, deleted at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import statistics
import sys
import time
import uuid
from pathlib import Path

import redis
import yaml

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "appeals" / "routing_labelled.yaml"
HELDOUT = ROOT / "tests" / "appeals" / "routing_heldout.yaml"
HELDOUT_2 = ROOT / "tests" / "appeals" / "routing_heldout_2.yaml"
REDIS_URL = "redis://127.0.0.1:6379/15"
FIRST, LAST = dt.date(2025, 12, 1), dt.date(2026, 11, 30)
TYPE_WEIGHTS = {"consult": 35, "help": 20, "complaint": 35, "suggestion": 10}
TARGET_QUERY_S = 1.0


def make_app(prefix: str):
    from miniapp_api import create_app, startup

    app = create_app(
        {
            "REDIS_URL": REDIS_URL,
            "REDIS_PREFIX": prefix,
            "CASES_DEMO_SEED": False,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "BOOTSTRAP_ADMIN": "admin:Bench-admin-passphrase-2026",
            "BACKGROUND_JOBS": False,
            "JIEBA_DICT_DIR": str(Path(os.environ.get("TMPDIR", "/tmp")) / f"jieba-{prefix[:-1]}"),
        }
    )
    startup.seed(app)
    return app


class Simulation:
    """One appeal's life at simulated times; every step through ``workflow.take``."""

    def __init__(self, app, rng: random.Random, texts: list[dict], departments: list[str], today: dt.date) -> None:
        from miniapp_api.appeals.rules import Actor

        self.app = app
        self.rng, self.texts, self.departments, self.today = rng, texts, departments, today
        self.dispatcher = Actor("dispatcher-1", frozenset({"dispatcher"}))
        self.clerks = {d: Actor(f"clerk:{d}", frozenset({"department"}), frozenset({d})) for d in departments}
        self.recent: dict[str, tuple[str, dt.datetime]] = {}  # text → (appeal, filed at): duplicates to merge
        self.counts: dict[str, int] = {}

    def take(self, *args, **kwargs) -> dict:
        """One step as one API request would take it (the shared version tokens are read once per request)."""
        from miniapp_api.appeals import workflow

        with self.app.test_request_context():
            return workflow.take(*args, **kwargs)

    def _count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def _at(self, day: dt.date, hour: int) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), dt.timezone(dt.timedelta(hours=8)))
        return moment.astimezone(dt.UTC)

    def run(self, filed: dt.datetime) -> None:
        from miniapp_api.appeals import service, workflow
        from miniapp_api.appeals.deadlines import add_workdays

        rng, take, now_limit = self.rng, self.take, self._at(self.today, 0)
        sample = rng.choice(self.texts)
        kind = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
        with self.app.test_request_context():
            doc = service.create_appeal(sample["text"], "江川市某街道", f"138{rng.randrange(10**8):08d}", None, None,
                                        kind=kind, now=filed)  # fmt: skip
        number = doc["_id"]
        earlier = self.recent.get(sample["text"])
        if earlier and filed - earlier[1] < dt.timedelta(days=3) and rng.random() < 0.02:
            take(number, "merge", self.dispatcher, filed + dt.timedelta(minutes=30), into=earlier[0], reason="同一事项")
            return self._count("merged")
        self.recent[sample["text"]] = (number, filed)
        t = filed + dt.timedelta(minutes=rng.randrange(20, 240))
        truth = sample["department"]
        if rng.random() < 0.05:  # a wrong dispatch, returned with a reason
            wrong = rng.choice([d for d in self.departments if d != truth])
            take(number, "dispatch", self.dispatcher, t, department=wrong)
            take(number, "return", self.clerks[wrong], t + dt.timedelta(hours=2), reason="不属于本部门职责")
            t += dt.timedelta(hours=4)
            self._count("returned")
        take(number, "dispatch", self.dispatcher, t, department=truth)
        clerk, received = self.clerks[truth], dt.date.fromisoformat(doc["received_on"])
        take(number, "accept", clerk, t + dt.timedelta(hours=1))
        limit, extension = doc["limit_days"], 0
        if rng.random() < 0.03:
            extension = rng.randint(2, 5)
            take(number, "request_extension", clerk, t + dt.timedelta(hours=2), days=extension, reason="需现场核查")
            take(number, "approve_extension", self.dispatcher, t + dt.timedelta(hours=3))
            self._count("extended")
        days = rng.randint(0, limit + extension) if rng.random() < 0.94 else limit + extension + rng.randint(1, 4)
        replied = max(self._at(add_workdays(workflow.calendar(), received, days), 16), t + dt.timedelta(hours=4))
        if replied >= now_limit:
            return self._count("open")
        take(number, "reply", clerk, replied, reason="已核实并处理，答复如下")
        self._rate(number, clerk, replied, now_limit, second=False)

    def _rate(self, number: str, clerk, replied: dt.datetime, now_limit: dt.datetime, second: bool) -> None:
        from miniapp_api.appeals.rules import Actor

        rng, resident = self.rng, Actor.resident(f"contact:{number}")
        rated = replied + dt.timedelta(hours=rng.randrange(1, 150))
        if rng.random() < 0.4 or rated >= now_limit:  # not rated within the 7 days
            if replied + dt.timedelta(days=8) < now_limit:
                self.take(number, "close_unrated", Actor.system(), replied + dt.timedelta(days=8))
            return self._count("unrated")
        rating = rng.choices(["satisfied", "basic", "unsatisfied"], weights=[72, 19, 9])[0]
        self.take(number, "rate", resident, rated, rating=rating, reason="")
        if rating == "unsatisfied" and not second:
            self._count("reopened")
            again = rated + dt.timedelta(days=rng.randint(1, 4))
            if again < now_limit:
                self.take(number, "reply", clerk, again, reason="已重新办理")
                self._rate(number, clerk, again, now_limit, second=True)


def load(app, n: int, seed: int) -> tuple[float, dict]:
    from miniapp_api.appeals.directory import departments
    from miniapp_api.core.clock import local_today

    texts = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["appeals"]
    rng = random.Random(seed)
    span = (dt.datetime.combine(LAST, dt.time(17)) - dt.datetime.combine(FIRST, dt.time(9))).total_seconds()
    start = dt.datetime.combine(FIRST, dt.time(1), dt.UTC)  # 09:00 in the hall's time zone
    moments = sorted(start + dt.timedelta(seconds=rng.random() * span) for _ in range(n))
    with app.app_context():
        sim = Simulation(app, rng, texts, [d for d in departments() if d in {t["department"] for t in texts}],
                         local_today())  # fmt: skip
        began = time.perf_counter()
        for i, moment in enumerate(moments, 1):
            sim.run(moment)
            if i % 5000 == 0:
                rate = i / (time.perf_counter() - began)
                print(f"  {i:,} appeals loaded ({rate:,.0f}/s)", flush=True)
        return time.perf_counter() - began, sim.counts


def figures_timing(app) -> dict:
    from miniapp_api.appeals import figures, rollup
    from miniapp_api.appeals.directory import appeal_types
    from miniapp_api.core.clock import local_today
    from miniapp_api.core.stores import mongo
    from miniapp_api.identity.staff import create_staff, issue_token

    client, args = app.test_client(), {"from": FIRST.isoformat(), "to": LAST.isoformat()}
    with app.app_context():
        create_staff(mongo(), "bench-dispatcher", "Bench-dispatch-passphrase-2026", "dispatcher")
        headers = {"Authorization": f"Bearer {issue_token('bench-dispatcher')[0]}"}
    times, csv_times = [], []
    for _ in range(5):
        began = time.perf_counter()
        response = client.get("/api/v1/staff/appeals/figures", query_string=args, headers=headers)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, response.get_json()
        began = time.perf_counter()
        assert client.get("/api/v1/staff/appeals/figures.csv", query_string=args, headers=headers).status_code == 200
        csv_times.append(time.perf_counter() - began)
    report = response.get_json()
    with app.app_context():
        began = time.perf_counter()
        docs = mongo()["appeals"].find({"received_on": {"$gte": FIRST.isoformat(), "$lte": LAST.isoformat()}},
                                       rollup.FIGURE_FIELDS)  # fmt: skip
        direct = figures.figures(docs, local_today(), appeal_types().label)
        baseline = time.perf_counter() - began
        indexes = sorted(mongo()["appeals"].index_information())
    same = all(report[k] == direct[k] for k in direct)
    return {"query": statistics.median(times), "csv": statistics.median(csv_times), "baseline": baseline,
            "same": same, "report": report, "indexes": indexes}  # fmt: skip


def routing(app) -> None:
    from miniapp_api.appeals.directory import kb_item_department, keyword_table, router, similarity
    from miniapp_api.appeals.routing import Router

    with app.app_context():
        table = keyword_table()
        routers = (
            ("keywords", Router(table)),
            ("keywords+KB", Router(table, kb_item_department)),
            ("keywords+similar", Router(table, similarity=similarity(table))),
            ("app router", router()),
        )
        for name, path in (("labelled (tuned on)", LABELLED), ("held-out", HELDOUT), ("held-out 2", HELDOUT_2)):
            rows = yaml.safe_load(path.read_text(encoding="utf-8"))["appeals"]
            for label, each in routers:
                right = sum(each.suggest(r["text"]).department == r["department"] for r in rows)
                print(f"routing {name:20} {label:16} top-1 {right}/{len(rows)} = {right / len(rows):.1%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--appeals", type=int, default=75_000)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--routing", action="store_true", help="only the routing accuracy")
    args = parser.parse_args()
    prefix = f"bench-appeals:{uuid.uuid4().hex[:8]}:"
    app = make_app(prefix)
    try:
        routing(app)
        if args.routing:
            return 0
        print(
            f"loading {args.appeals:,} appeals received {FIRST} … {LAST} through the service layer"
            f" ({'MongoDB' if os.environ.get('MONGO_URI') else 'in-memory store'})"
        )
        seconds, counts = load(app, args.appeals, args.seed)
        print(f"load: {seconds:.1f} s ({args.appeals / seconds:,.0f} appeals/s); {counts}")
        out = figures_timing(app)
        total = out["report"]["total"]
        print(
            f"figures endpoint, one year: median {out['query'] * 1000:.1f} ms (target < {TARGET_QUERY_S:.0f} s: "
            f"{'met' if out['query'] < TARGET_QUERY_S else 'MISSED'}); CSV export {out['csv'] * 1000:.1f} ms"
        )
        print(
            f"baseline (same figures from every appeal document): {out['baseline']:.2f} s — "
            f"{out['baseline'] / out['query']:,.0f}× the kept cells; results identical: {out['same']}"
        )
        print(
            f"year: received {total['received']:,}, merged {total['merged']:,}, "
            f"reply rate {total['reply_rate']:.1%}, "
            f"on time {total['on_time_rate']:.1%}, mean reply {total['mean_reply_workdays']} working days "
            f"(p90 {total['p90_reply_workdays']}), satisfied {total['satisfaction_rate']:.1%} of "
            f"{total['rated']:,} rated, reopened {total['reopened']:,}, overdue now {total['overdue_now']:,}"
        )
        print(f"appeals indexes: {', '.join(out['indexes'])}")
        return 0 if out["same"] else 1
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)


if __name__ == "__main__":
    sys.exit(main())
