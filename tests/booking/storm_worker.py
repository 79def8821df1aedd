"""One process of the booking storm (run by test_concurrency.py; not a test module itself).

    python -m tests.booking.storm_worker <redis_prefix> <threads> <now_iso> <item> <date> <slot> <capacity> <store_id>

Builds its own app on the shared Redis prefix, waits for the go signal, then lets <threads> residents
book the same slot at once, each retrying with the same Idempotency-Key. Prints one JSON line.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
import time
import uuid
from zoneinfo import ZoneInfo

from tests.conftest import REDIS_URL
from tests.factories import seeded_app


def storm(app, threads: int, body: dict, barrier: threading.Barrier | None = None) -> list[dict]:
    """Each thread: log a new resident in, book, retry with the same key; returns their outcomes."""
    results: list[dict] = []
    lock = threading.Lock()
    barrier = barrier or threading.Barrier(threads)

    def one() -> None:
        client = app.test_client()
        token = client.post("/api/v1/auth/dev", json={"openid": f"storm-{uuid.uuid4().hex}"}).get_json()["token"]
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
        barrier.wait()
        first = client.post("/api/v1/appointments", json=body, headers=headers)
        retry = client.post("/api/v1/appointments", json=body, headers=headers)
        outcome = {"status": first.status_code, "code": (first.get_json().get("error") or {}).get("code"),
                   "id": first.get_json().get("appointment_id"),
                   "retry_status": retry.status_code, "retry_id": retry.get_json().get("appointment_id")}
        with lock:
            results.append(outcome)

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results


def main() -> None:
    prefix, threads, now_iso, item, date, slot = sys.argv[1:7]
    app = seeded_app({"TESTING": True, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix, "DEV_LOGIN": True,
                      "KB_SYNC_INTERVAL": 0.0})
    now = dt.datetime.fromisoformat(now_iso).replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    app.extensions["clock"] = lambda: now
    # Same hall data as the parent (each process has its own in-memory Mongo; seats are in Redis).
    db = app.extensions["mongo"]
    capacity = int(sys.argv[7])
    category = next(c["code"] for c in db["halls"].find_one({"_id": "jc-main"})["categories"] if item in c["items"])
    db["halls"].update_one({"_id": "jc-main"}, {"$set": {f"capacity.{category}": capacity}})
    # The counters belong to the parent's MongoDB: each process's in-memory copy takes its store id, so
    # the counters the parent built count as built from this store too (no rebuild from a partial copy).
    db["meta"].replace_one({"_id": "booking_store"}, {"_id": "booking_store", "id": sys.argv[8]}, upsert=True)
    redis_client = app.extensions["redis"]
    redis_client.incr(prefix + "storm:ready")
    deadline = time.monotonic() + 60
    while not redis_client.exists(prefix + "storm:go") and time.monotonic() < deadline:
        time.sleep(0.005)
    results = storm(app, int(threads), {"hall_id": "jc-main", "item_code": item, "date": date, "slot": slot})
    print(json.dumps(results))


if __name__ == "__main__":
    main()
