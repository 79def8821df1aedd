"""Notifications (订阅消息) sent by a background RQ worker with retries.

``enqueue`` is what request handlers call: it records the message in Mongo ``notifications`` and
puts a job on the RQ queue, and it never raises or blocks the request (short Redis timeouts; a
queue that is down leaves the record ``pending`` for the web process's background job, or ``flask
notify requeue``). The job (``deliver``) runs in the worker process and sends through wechatpy; a
failure is logged and retried by RQ (``Retry`` with NOTIFY_RETRY_INTERVALS); after the last retry RQ
keeps the job in its failed registry and the record says ``failed``. The worker never writes the
records itself: every outcome goes through Redis to the web process (notify.results), which holds
them even with the in-memory store. Statuses: queued, pending, retrying, sent, failed,
rejected (WeChat refused for good, e.g. the user did not subscribe), skipped (no openid/template).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import uuid

import redis
from flask import Flask, current_app, has_app_context
from pymongo.errors import DuplicateKeyError, PyMongoError
from rq import Queue, Retry, get_current_job

from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.notify import results
from miniapp_api.notify.messages import FORMATTERS

log = logging.getLogger(__name__)
KINDS = tuple(FORMATTERS)
TEMPLATE_SETTING = {
    "case_status": "WECHAT_TEMPLATE_CASE_STATUS",
    "appointment_reminder": "WECHAT_TEMPLATE_APPOINTMENT_REMINDER",
    "queue_near": "WECHAT_TEMPLATE_QUEUE_NEAR",
    "appeal_reply": "WECHAT_TEMPLATE_APPEAL_REPLY",
    "delivery_sent": "WECHAT_TEMPLATE_DELIVERY_SENT",
}
# WeChat answers that retrying cannot fix: user refused / not subscribed, bad openid, bad template or data.
PERMANENT_ERRCODES = frozenset({43101, 40003, 40037, 47003})
FAILURE_TTL = 30 * 86400  # how long RQ keeps a finally failed job in its failed registry
_worker_app: Flask | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def queue_name() -> str:
    # under the deployment's prefix, so tests and deployments sharing a Redis do not mix jobs
    return current_app.config["REDIS_PREFIX"] + "notify"


def retry_policy() -> Retry:
    raw = str(current_app.config.get("NOTIFY_RETRY_INTERVALS", "10,30,60"))
    intervals = [int(x) for x in raw.split(",") if x.strip()] or [0]
    return Retry(max=len(intervals), interval=intervals)


def notify_queue(connection: redis.Redis | None = None) -> Queue:
    """The RQ queue. RQ needs a bytes (not decode_responses) connection; the request side's has
    short timeouts so a slow or absent Redis cannot hold a request."""
    if connection is None:
        ext = current_app.extensions
        if "rq_redis" not in ext:
            ext["rq_redis"] = redis.Redis.from_url(
                current_app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=2
            )
        connection = ext["rq_redis"]
    return Queue(queue_name(), connection=connection, default_timeout=current_app.config["NOTIFY_JOB_TIMEOUT"])


# -- request side ---------------------------------------------------------------------------------
def enqueue(kind: str, resident_id: str, data: dict) -> None:
    """Queue a subscribe message for ``resident_id``; never raises into the caller."""
    try:
        _enqueue(kind, resident_id, data)
    except Exception:
        log.exception("notification %s for resident %s could not be queued", kind, resident_id)


def _enqueue(kind: str, resident_id: str | None, data: dict, notification_id: str | None = None) -> str | None:
    """Record and queue one message; None when ``notification_id`` was already used (dedupe)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    now = _now()
    resident = mongo()["residents"].find_one({"_id": resident_id}, {"openid": 1}) if resident_id else None
    openid = (resident or {}).get("openid")
    if data.get("hall_id") and not data.get("hall_name"):  # the message names the hall, callers may not
        hall = mongo()["halls"].find_one({"_id": data["hall_id"]}, {"name": 1}) or {}
        data = {**data, "hall_name": hall.get("name")}
    doc = {"_id": notification_id or uuid.uuid4().hex, "kind": kind, "resident_id": resident_id,
           "openid": openid, "data": data, "status": "queued", "attempts": 0, "errors": [],
           "created_at": now, "updated_at": now}  # fmt: skip
    if not openid:
        doc.update(status="skipped", reason="resident has no WeChat openid")
        log.warning("notification %s (%s) skipped: resident %s has no openid", doc["_id"], kind, resident_id)
    try:
        mongo()["notifications"].insert_one(doc)
    except DuplicateKeyError:
        return None
    except PyMongoError:  # still try to send; the worker writes the record when it runs
        log.exception("notification %s could not be recorded before queueing", doc["_id"])
    if openid:
        _push(doc)
    return doc["_id"]


def _job_id(notification_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", notification_id)  # RQ's allowed job-id characters


def _push(doc: dict) -> bool:
    try:
        notify_queue().enqueue_call(
            deliver, args=(doc["_id"], doc["kind"], doc["openid"], doc["data"]), job_id=_job_id(doc["_id"]),
            retry=retry_policy(), failure_ttl=FAILURE_TTL, result_ttl=86400,
            description=f"{doc['kind']} → resident {doc.get('resident_id')}",
        )  # fmt: skip
        return True
    except Exception as exc:  # Redis down or anything else: keep it pending, never lose it silently
        log.error("notification %s left pending, queue unavailable: %s", doc["_id"], exc)
        reason = f"queue unavailable: {exc}"
        mongo()["notifications"].update_one(
            {"_id": doc["_id"]}, {"$set": {"status": "pending", "reason": reason, "updated_at": _now()}}
        )
        return False


def requeue_pending(limit: int = 1000) -> int:
    """Queue again the messages left ``pending`` while Redis was unavailable."""
    count = 0
    for doc in mongo()["notifications"].find({"status": "pending"}).limit(limit):
        if _push(doc):
            changes = {"status": "queued", "updated_at": _now()}
            mongo()["notifications"].update_one({"_id": doc["_id"]}, {"$set": changes})
            count += 1
    return count


# -- worker side ----------------------------------------------------------------------------------
def _app_context():
    """Jobs run inside the app of ``flask notify worker`` (a SimpleWorker: same process, same context).

    A bare ``rq worker`` has no app; it must be given one with ``use_worker_app`` first.
    """
    if has_app_context():
        return contextlib.nullcontext()
    if _worker_app is None:
        raise RuntimeError("notification jobs run inside an app: start them with `flask --app app notify worker`")
    return _worker_app.app_context()


def use_worker_app(app: Flask) -> None:
    """Give jobs run outside an app context (a bare ``rq worker``) the app to run in."""
    global _worker_app
    _worker_app = app


def _attempt() -> int:
    """Which attempt this run of the job is (1 = the first), from RQ's retries left."""
    job = get_current_job()
    if job is None:
        return 1
    return retry_policy().max - (job.retries_left or 0) + 1  # RQ stores 0 retries left as None


def _client():
    """The mini-program's wechatpy client, pointed at WECHAT_API_BASE when set (an egress gateway)."""
    from miniapp_api.core.wechat_client import wechat_client

    client = wechat_client()
    base = current_app.config.get("WECHAT_API_BASE")
    if base:
        base = base.rstrip("/") + "/"
        client.API_BASE_URL = base + "cgi-bin/"
        client.wxa.API_BASE_URL = base
    return client


def deliver(notification_id: str, kind: str, openid: str, data: dict) -> str:
    """RQ job: send one subscribe message. Raises on a retryable failure so RQ retries it."""
    from wechatpy.exceptions import WeChatClientException

    with _app_context():
        setting = TEMPLATE_SETTING[kind]
        template_id = current_app.config.get(setting)
        if not template_id:
            log.warning("notification %s (%s) skipped: %s is not configured", notification_id, kind, setting)
            results.report(notification_id, kind, {"status": "skipped", "reason": f"{setting} is not configured"})
            return "skipped"
        page, body = FORMATTERS[kind](data)
        try:
            _client().wxa.send_subscribe_message(openid, template_id, body, page=page)
        except WeChatClientException as exc:
            if exc.errcode in PERMANENT_ERRCODES:
                log.warning("notification %s rejected by WeChat: %s %s", notification_id, exc.errcode, exc.errmsg)
                results.report(notification_id, kind, {"status": "rejected", "reason": f"{exc.errcode} {exc.errmsg}"},
                               attempt=_attempt(), error=f"{exc.errcode} {exc.errmsg}")  # fmt: skip
                return "rejected"
            _failed_attempt(notification_id, kind, f"WeChat error {exc.errcode} {exc.errmsg}")
            raise
        except Exception as exc:
            _failed_attempt(notification_id, kind, f"{type(exc).__name__}: {exc}")
            raise
        results.report(notification_id, kind, {"status": "sent", "sent_at": _now()}, attempt=_attempt())
        return "sent"


def _failed_attempt(notification_id: str, kind: str, error: str) -> None:
    job = get_current_job()
    retries_left = job.retries_left if job is not None else 0
    if retries_left:
        log.warning("notification %s failed (%s); RQ retries it, %d retries left", notification_id, error, retries_left)
        results.report(notification_id, kind, {"status": "retrying"}, attempt=_attempt(), error=error)
    else:
        log.error("notification %s failed for good after its last attempt: %s", notification_id, error)
        results.report(notification_id, kind, {"status": "failed", "failed_at": _now()}, attempt=_attempt(),
                       error=error)


# -- scheduled ------------------------------------------------------------------------------------
def enqueue_appointment_reminders(day: dt.date) -> dict:
    """Queue a reminder for every booking still active on ``day`` (run the day before by the web
    process's background job, or ``flask notify reminders``). Idempotent: the record id is
    ``reminder:<appointment_id>``, and a Redis mark per appointment also holds across a restart of an
    API whose in-memory records were lost."""
    from miniapp_api.guides.catalogue import published_guides

    guides = published_guides()
    halls = {h["_id"]: h.get("name") for h in mongo()["halls"].find({}, {"name": 1})}
    queued = already = 0
    for appt in mongo()["appointments"].find({"date": day.isoformat(), "status": "booked"}):
        guide = guides.get(appt.get("item_code") or "", {})
        data = {"appointment_id": appt["_id"], "item_code": appt.get("item_code"), "item_name": guide.get("name"),
                "hall_id": appt.get("hall_id"), "hall_name": halls.get(appt.get("hall_id")), "date": appt["date"],
                "slot": appt.get("slot"), "checkin_code": appt.get("checkin_code")}  # fmt: skip
        mark = rkey("notify", "reminded", appt["_id"])
        if not rds().set(mark, day.isoformat(), nx=True, ex=3 * 86400):
            already += 1
            continue
        try:
            created = _enqueue("appointment_reminder", appt.get("resident_id"), data, f"reminder:{appt['_id']}")
        except Exception:
            rds().delete(mark)  # not queued: the next run tries again
            log.exception("reminder for appointment %s could not be queued", appt["_id"])
            continue
        queued, already = (queued + 1, already) if created else (queued, already + 1)
    return {"date": day.isoformat(), "queued": queued, "already_queued": already}


def scheduled_reminders() -> dict | None:
    """Background job of the web process: tomorrow's reminders, from NOTIFY_REMINDER_HOUR (hall time) on."""
    from miniapp_api.core.clock import now_local

    now = now_local()
    if now.hour < int(current_app.config["NOTIFY_REMINDER_HOUR"]):
        return None
    return enqueue_appointment_reminders(now.date() + dt.timedelta(days=1))
