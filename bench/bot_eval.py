"""Bot evaluation against the running Rasa server, action server and API.

Prints on ../shared/eval/dev_questions.yaml: intent accuracy (Rasa /model/parse), item top-1 from
the bot's final answer and the clarify / unanswerable rates (REST channel, a fresh conversation
per question), and chat round-trip latency p50 / p95 through Rasa + the action server + the API.

Start the three first (API :5000, `rasa run --enable-api` :5005, `rasa run actions` :5055), then:

    bot/.venv/bin/python bench/bot_eval.py            # or .venv/bin/python: needs only requests + PyYAML
    bot/.venv/bin/python bench/bot_eval.py --rounds 5 --questions path/to/questions.yaml
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT.parent / "shared" / "eval" / "dev_questions.yaml"
ITEM_NAME = re.compile(r"【(.+?)】")


def check_up(session: requests.Session, rasa: str, actions: str, api: str) -> list[str]:
    problems = []
    for name, url, hint in [
        ("Rasa server", f"{rasa}/status", "cd bot && .venv/bin/rasa run --enable-api -m models"),
        ("action server", f"{actions}/health", "cd bot && .venv/bin/rasa run actions"),
        ("API", f"{api}/api/v1/guides?per_page=1", "./scripts/run.sh (from the repository root)"),
    ]:
        try:
            session.get(url, timeout=3).raise_for_status()
        except requests.RequestException as exc:
            problems.append(f"{name} not reachable at {url} ({exc.__class__.__name__}); start it: {hint}")
    return problems


def guide_names(session: requests.Session, api: str) -> dict[str, str]:
    """Item name → code, to read the item out of a reply's 【name】."""
    names: dict[str, str] = {}
    page = 1
    while True:
        body = session.get(f"{api}/api/v1/guides", params={"per_page": 100, "page": page}, timeout=5).json()
        names.update({g["name"]: g["code"] for g in body["items"]})
        if page * body["per_page"] >= body["total"]:
            return names
        page += 1


def chat(session: requests.Session, rasa: str, sender: str, text: str) -> tuple[list[dict], float]:
    started = time.perf_counter()
    resp = session.post(f"{rasa}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=10)
    elapsed = (time.perf_counter() - started) * 1000
    resp.raise_for_status()
    return resp.json(), elapsed


FIELD_INTENTS = {"materials": "ask_materials", "fee": "ask_fee", "time_limit": "ask_time_limit",
                 "location": "ask_location", "conditions": "ask_conditions", "process": "ask_process",
                 "online": "ask_process"}


def reply_outcome(messages: list[dict], names: dict[str, str]) -> tuple[str | None, str | None]:
    """(status, item_code) of the bot's answer: the custom field first, else 【item name】."""
    status = item = None
    for m in messages:
        custom = m.get("custom") or {}
        status = custom.get("status", status)
        item = custom.get("item_code", item)
        if item is None and m.get("text"):
            found = ITEM_NAME.search(m["text"])
            if found:
                item = names.get(found[1])
    return status, item


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description="Rasa bot evaluation (intent, item top-1, latency)")
    parser.add_argument("--questions", type=Path, default=DEV_SET)
    parser.add_argument("--rasa", default="http://127.0.0.1:5005")
    parser.add_argument("--actions", default="http://127.0.0.1:5055")
    parser.add_argument("--api", default="http://127.0.0.1:5000")
    parser.add_argument("--rounds", type=int, default=3, help="latency rounds over the question set")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()

    session = requests.Session()
    token = os.environ.get("RASA_TOKEN", "")  # Rasa and its REST channel answer only with the run's RASA_TOKEN
    session.headers["Authorization"] = f"Bearer {token}"
    session.params = {"token": token}
    problems = check_up(session, args.rasa, args.actions, args.api)
    if problems:
        print("bot_eval: cannot run, the services are not all up:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    rows = yaml.safe_load(args.questions.read_text(encoding="utf-8"))
    names = guide_names(session, args.api)

    # Intent accuracy (NLU only). Sets without an intent column (our colloquial one) imply it from
    # the guide field asked: materials → ask_materials, online → ask_process, …
    wrong = []
    labelled = [(row, row.get("intent") or FIELD_INTENTS.get(row.get("field"))) for row in rows]
    labelled = [(row, intent) for row, intent in labelled if intent]
    for row, intent in labelled:
        parsed = session.post(f"{args.rasa}/model/parse", json={"text": row["q"]}, timeout=10).json()
        got = parsed["intent"]["name"]
        if got != intent:
            wrong.append((row["q"], intent, got, round(parsed["intent"]["confidence"], 2)))
    intent_acc = 1 - len(wrong) / len(labelled)

    # Answers and latency through the REST channel (each question in a new conversation).
    field_rows = [r for r in rows if r.get("item") and r.get("field")]
    statuses: Counter = Counter()
    hits, misses, latencies = 0, [], []
    for round_no in range(args.rounds):
        for row in rows:
            messages, ms = chat(session, args.rasa, f"bench-{uuid.uuid4().hex[:12]}", row["q"])
            latencies.append(ms)
            if round_no or not (row.get("item") and row.get("field")):
                continue
            status, item = reply_outcome(messages, names)
            statuses[status or "none"] += 1
            if item == row["item"]:
                hits += 1
            else:
                misses.append((row["q"], row["item"], item, status))

    n = len(field_rows)
    print(f"questions: {len(rows)} ({args.questions})")
    print(f"intent accuracy: {intent_acc:.1%} ({len(labelled) - len(wrong)}/{len(labelled)})   target >= 90%")
    print(f"item top-1 from the bot's answer: {hits / n:.1%} ({hits}/{n} item+field questions)")
    other = {k: v for k, v in statuses.items() if k not in ("answered", "clarify", "unanswerable")}
    print(f"clarify rate: {statuses['clarify'] / n:.1%}   unanswerable rate: {statuses['unanswerable'] / n:.1%}"
          f"   (other: {other})")
    print(f"chat round trip over {len(latencies)} turns: p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {pct(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms   targets p50 <= 60, p95 <= 150")
    if args.show_errors:
        for q, want, got, conf in wrong:
            print(f"  intent  {q}  expected {want}  got {got} ({conf})")
        for q, want, got, status in misses:
            print(f"  item    {q}  expected {want}  got {got} ({status})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
