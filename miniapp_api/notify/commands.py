"""``flask notify reminders|requeue|status`` run where the data is.

With a MongoDB server every process sees the same records and a command runs in the CLI process.
With the in-memory default only the web process holds the bookings and the notification records: the
CLI then hands the command to it through Redis (list ``notify:commands``), and the web process's
background loop runs it and answers on ``notify:reply:<id>``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable

import redis
from flask import current_app

from miniapp_api.core.clock import local_today
from miniapp_api.core.stores import mongo, rds, rkey

log = logging.getLogger(__name__)
REPLY_TTL = 60


class NoWebProcess(RuntimeError):
    """Nobody took the command: the web process (which holds the in-memory data) is not running."""


def reminders(date: str | None = None) -> dict:
    from miniapp_api.notify.service import enqueue_appointment_reminders

    day = dt.date.fromisoformat(date) if date else local_today() + dt.timedelta(days=1)
    return enqueue_appointment_reminders(day)


def requeue() -> dict:
    from miniapp_api.notify.service import requeue_pending

    return {"requeued": requeue_pending()}


def status() -> dict:
    rows = mongo()["notifications"].aggregate([{"$group": {"_id": "$status", "n": {"$sum": 1}}}])
    return {row["_id"]: row["n"] for row in rows}


COMMANDS: dict[str, Callable[..., dict]] = {"reminders": reminders, "requeue": requeue, "status": status}


def _commands_key() -> str:
    return rkey("notify", "commands")


def run(command: str, timeout: float = 15.0, **args) -> dict:
    """Run a command where the data is: here with a MongoDB server, else in the web process."""
    if current_app.config["MONGO_URI"]:
        return COMMANDS[command](**args)
    request_id = uuid.uuid4().hex
    reply = rkey("notify", "reply", request_id)
    request = json.dumps({"id": request_id, "command": command, "args": args})
    rds().lpush(_commands_key(), request)
    # its own connection: the shared client's socket timeout is shorter than the wait
    answer = redis.Redis.from_url(current_app.config["REDIS_URL"], decode_responses=True).blpop([reply], timeout)
    if answer is None:
        # take it back unless the web process got to it in the meantime, so it does not run later by surprise
        rds().lrem(_commands_key(), 1, request)
        raise NoWebProcess(f"no answer from the API within {timeout:.0f} s: with the in-memory store (no MONGO_URI) "
                           "the API process holds the data, start it first (./scripts/run.sh)")
    result = json.loads(answer[1])
    if "error" in result:
        raise RuntimeError(f"the API could not run {command}: {result['error']}")
    return result["result"]


def serve(limit: int = 10) -> int:
    """Web side (background loop): run the commands the CLI handed over; returns how many."""
    client = rds()
    served = 0
    while served < limit:
        raw = client.rpop(_commands_key())  # LPUSH + RPOP: oldest first; each command is taken once
        if raw is None:
            break
        served += 1
        request = json.loads(raw)
        try:
            result = {"result": COMMANDS[request["command"]](**request.get("args", {}))}
        except Exception as exc:  # the CLI gets the error instead of waiting for its timeout
            log.exception("notify command %s failed", request.get("command"))
            result = {"error": f"{type(exc).__name__}: {exc}"}
        reply = rkey("notify", "reply", str(request.get("id")))
        client.pipeline().rpush(reply, json.dumps(result, default=str)).expire(reply, REPLY_TTL).execute()
    return served
