"""Queue numbers (取号): check-in with a booking, walk-in tickets, window calls, position and wait.

Redis holds the live queue (see queue.lua for the key layout and the atomic scripts); every ticket
is also persisted in the Mongo collection ``tickets`` after each change and before the answer, for
history and ratings, and to restore the day after Redis lost it (queue.rebuild).
Priority within a category: 绿色通道 (green) first, then booked, then walk-in, each in arrival order.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid

from flask import current_app

from miniapp_api.booking.rules import ensure_open_day
from miniapp_api.core.clock import now_local
from miniapp_api.core.errors import ApiError, Conflict, NotFound, Unavailable, ValidationFailed, WrongDay
from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.halls.halls import category_by_code, get_hall
from miniapp_api.queue import lua as queue_lua
from miniapp_api.queue import tickets
from miniapp_api.queue.lua import (
    checkin_key,
    durations_key,
    holder_key,
    no_guard_key,
    ready_key,
    seq_key,
    ticket_key,
    waiting_key,
)
from miniapp_api.queue.rebuild import ensure_queue

log = logging.getLogger(__name__)

CLASS_OF_KIND = {"green": 0, "booked": 1, "walk_in": 2}
DAY = 24 * 3600




def now() -> dt.datetime:
    """The hall's local time from the one hall clock (core/clock.py), so queue and booking agree on "today"."""
    return now_local()


def _ttl() -> int:
    return int(current_app.config["QUEUE_TICKET_TTL_DAYS"]) * DAY


def _script(name: str):
    """Registered script objects, cached per app (they hold the client they were registered on)."""
    cache = current_app.extensions.setdefault("queue_scripts", {})
    if name not in cache:
        cache[name] = rds().register_script(getattr(queue_lua, name))
    return cache[name]


def _run(name: str, keys: list[str], args: list) -> list:
    """A queue script with the ready key last; when Redis lost the queue, restore it and run again."""
    for _ in range(3):
        result = _script(name)(keys=[*keys, ready_key()], args=args)
        if not (result and result[0] == -9):
            return result
        ensure_queue(now().date().isoformat())
    raise Unavailable("the queue is being restored, please retry", None)


# --- halls ----------------------------------------------------------------------------------------


def _windows_serving(doc: dict, category: str) -> int:
    return sum(1 for w in doc.get("windows", []) if category in w.get("categories", []))


# --- tickets ----------------------------------------------------------------------------------


def _live(ticket_id: str) -> dict | None:
    """The ticket's live hash (restoring the day's queue first when Redis lost it)."""
    pipe = rds().pipeline(transaction=False)
    ready, data = pipe.exists(ready_key()).hgetall(ticket_key(ticket_id)).execute()
    if not ready:
        ensure_queue(now().date().isoformat())
        data = rds().hgetall(ticket_key(ticket_id))
    return data or None


def _persist(ticket_id: str) -> dict:
    """Copy the live state to Mongo ``tickets`` (queue.tickets.save) and return it as the contract's document."""
    return tickets.save(tickets.as_doc(_live(ticket_id)))


def get_ticket(ticket_id: str) -> dict:
    """The ticket document: live state from Redis, or the persisted copy once Redis dropped it."""
    data = _live(ticket_id)
    if data:
        return tickets.as_doc(data)
    doc = mongo()["tickets"].find_one({"_id": ticket_id})
    if doc is None:
        raise NotFound(f"no ticket {ticket_id!r}", "ticket_id")
    return doc


def _take(hall_id: str, category: str, kind: str, guard: str, resident_id: str, appt_id: str) -> tuple[dict, bool]:
    today = now()
    date = today.date().isoformat()
    ticket_id = uuid.uuid4().hex
    keys = [seq_key(hall_id, date, category), rkey("queue", hall_id, date, "arrival"),
            waiting_key(hall_id, date, category), ticket_key(ticket_id), guard]  # fmt: skip
    fields = {"hall_id": hall_id, "date": date, "category": category, "kind": kind, "resident_id": resident_id,
              "appointment_id": appt_id, "created_at": today.timestamp()}  # fmt: skip
    args = [ticket_id, CLASS_OF_KIND[kind], _ttl(), category]
    for key, value in fields.items():
        args += [key, value]
    result = _run("TAKE", keys, args)
    if result[0] == 0:  # the guard names an active ticket: same request again, same ticket
        # persisted again: the request that took it may have died before it could
        return (_persist(result[1]) if _live(result[1]) else get_ticket(result[1])), False
    return _persist(ticket_id), True


def take_walk_in(resident_id: str, hall_id: str, category: str, green: bool) -> tuple[dict, bool]:
    """A walk-in ticket (or the resident's active one in that category). Returns (ticket, created)."""
    doc = get_hall(hall_id)
    category_by_code(doc, category)
    today = now().date()
    ensure_open_day(today, doc)  # only on days this hall is open (holidays closed, 调休 workdays open)
    date = today.isoformat()
    guard = holder_key(hall_id, date, category, resident_id)
    return _take(hall_id, category, "green" if green else "walk_in", guard, resident_id, "")


def check_in(resident_id: str, checkin_code: str, green: bool) -> tuple[dict, bool]:
    """Turn the resident's booking for today into a booked ticket; again → the same ticket."""
    appt = mongo()["appointments"].find_one({"checkin_code": checkin_code, "resident_id": resident_id})
    if appt is None:
        raise NotFound("no booking of yours with this check-in code", "checkin_code")
    if appt["status"] not in ("booked", "checked_in"):
        raise Conflict(f"this booking is {appt['status']}, it cannot be checked in", "checkin_code")
    today = now().date().isoformat()
    if appt["date"] != today:
        raise WrongDay(f"this booking is for {appt['date']}; check in on that day (today is {today})", "checkin_code")
    ticket, created = _take(appt["hall_id"], appt["category"], "green" if green else "booked",
                            checkin_key(str(appt["_id"])), resident_id, str(appt["_id"]))  # fmt: skip
    mongo()["appointments"].update_one(
        {"_id": appt["_id"], "status": "booked"},
        {"$set": {"status": "checked_in", "checked_in_at": now(), "ticket_id": ticket["_id"]}},
    )
    return ticket, created


# --- position and wait ------------------------------------------------------------------------


def average_service_minutes(hall_id: str, category: str) -> float:
    """Rolling average of the last N service durations of the category (config default when none)."""
    samples = [float(s) for s in rds().lrange(durations_key(hall_id, category), 0, -1)]
    if not samples:
        return float(current_app.config["QUEUE_DEFAULT_SERVICE_MINUTES"])
    return sum(samples) / len(samples) / 60.0


def ticket_view(ticket: dict) -> dict:
    """{ticket, position, ahead, estimated_wait_minutes}; position counts from 1, only while waiting."""
    position = ahead = wait = None
    if ticket["status"] == "waiting":
        rank = rds().zrank(waiting_key(ticket["hall_id"], ticket["date"], ticket["category"]), ticket["_id"])
        if rank is not None:
            ahead, position = rank, rank + 1
            windows = max(1, _windows_serving(get_hall(ticket["hall_id"]), ticket["category"]))
            wait = math.ceil(ahead * average_service_minutes(ticket["hall_id"], ticket["category"]) / windows)
    elif ticket["status"] == "called":
        position, ahead, wait = 0, 0, 0
    return {"ticket": ticket, "position": position, "ahead": ahead, "estimated_wait_minutes": wait}


def board(hall_id: str) -> dict:
    """The hall's display: per category, how many wait and the estimated wait for a new arrival."""
    doc = get_hall(hall_id)
    date = now().date().isoformat()
    if not rds().exists(ready_key()):  # Redis lost the day: the board must not show empty queues
        ensure_queue(date)
    rows = []
    for cat in doc.get("categories", []):
        waiting = rds().zcard(waiting_key(hall_id, date, cat["code"]))
        windows = max(1, _windows_serving(doc, cat["code"]))
        wait = math.ceil(waiting * average_service_minutes(hall_id, cat["code"]) / windows)
        rows.append({"category": cat["code"], "name": cat.get("name", ""), "waiting": waiting,
                     "windows": _windows_serving(doc, cat["code"]), "estimated_wait_minutes": wait})  # fmt: skip
    return {"hall_id": hall_id, "date": date, "categories": rows}


# --- windows (staff) ----------------------------------------------------------------------------


def call_next(hall_id: str, window_no: str) -> dict | None:
    """Call the next ticket for the window's categories (see queue_lua.CALL for the routing)."""
    doc = get_hall(hall_id)
    window = next((w for w in doc.get("windows", []) if w.get("no") == window_no), None)
    if window is None:
        raise NotFound(f"hall {hall_id} has no window {window_no!r}", "window_no")
    categories = list(window.get("categories", []))
    if not categories:
        return None
    date = now().date().isoformat()
    near_position = int(current_app.config["QUEUE_NEAR_POSITION"])
    result = _run(
        "CALL", [waiting_key(hall_id, date, c) for c in categories],
        [rkey("queue", "ticket", ""), window_no, now().timestamp(), near_position, *categories],
    )
    if not result:
        return None
    ticket_id, _category, near_id = result
    ticket = _persist(ticket_id)
    if near_id:
        _notify_near(near_id, near_position)
    return ticket


def _notify_near(ticket_id: str, position: int) -> None:
    """"Your number is 3 away": a subscribe message through the notification queue (never raises)."""
    data = _live(ticket_id)
    if not data or not data.get("resident_id"):
        return
    try:
        from miniapp_api.notify import service as notify
    except ImportError:
        log.info("notify module not available; queue_near for ticket %s not sent", data["number"])
        return
    payload = {"ticket_id": ticket_id, "number": data["number"], "hall_id": data["hall_id"],
               "category": data["category"], "position": position}  # fmt: skip
    try:
        notify.enqueue("queue_near", data["resident_id"], payload)
    except Exception:  # the call at the window must not fail because a message could not be queued
        log.exception("queue_near for ticket %s could not be queued", data["number"])


def _finish_guard(data: dict) -> str:
    """The guard a finished ticket releases: a walk-in's holder key, never a booking's check-in key."""
    guard = data.get("guard", "")
    return guard if guard and not data.get("appointment_id") else no_guard_key()


def finish(ticket_id: str, status: str) -> dict:
    """Mark a called ticket served or no_show (过号); a booked no-show also marks the appointment."""
    data = _live(ticket_id)
    if data is None:
        get_ticket(ticket_id)  # NotFound for unknown ids
        raise Conflict("this ticket is no longer in today's queue", "ticket_id")
    cfg = current_app.config
    keys = [ticket_key(ticket_id), durations_key(data["hall_id"], data["category"]), _finish_guard(data)]
    result = _run("FINISH", keys, [status, now().timestamp(), cfg["QUEUE_SERVICE_SAMPLES"], 30 * DAY])
    if result[0] != 1:
        raise Conflict(f"ticket {data['number']} is {result[1]}; only a called ticket can be {status}", "ticket_id")
    ticket = _persist(ticket_id)
    if ticket["appointment_id"]:
        _mark_appointment(ticket["appointment_id"], status)
    return ticket


def _mark_appointment(appointment_id: str, status: str) -> None:
    """Close the booking behind a booked ticket; a no-show goes through the booking service's rule."""
    if status == "no_show":
        from miniapp_api.booking.appointments import mark_no_show

        try:
            mark_no_show(appointment_id, by="queue")
        except ApiError as exc:  # the ticket is closed either way; the booking was changed meanwhile
            log.warning("appointment %s not marked no_show: %s", appointment_id, exc.message)
        return
    mongo()["appointments"].update_one(
        {"_id": appointment_id, "status": {"$in": ["booked", "checked_in"]}},
        {"$set": {"status": status, f"{status}_at": now()}},
    )


def transfer(ticket_id: str, category: str) -> dict:
    """Move a waiting or called ticket to another category; the new ticket keeps its priority and place."""
    data = _live(ticket_id)
    if data is None:
        get_ticket(ticket_id)
        raise Conflict("this ticket is no longer in today's queue", "ticket_id")
    category_by_code(get_hall(data["hall_id"]), category)
    if category == data["category"]:
        raise ValidationFailed(f"the ticket is already in category {category}", "category")
    hall_id, date, resident_id = data["hall_id"], data["date"], data.get("resident_id", "")
    new_id = uuid.uuid4().hex
    if data.get("appointment_id"):
        new_guard = data["guard"]  # checking in again with the code finds the new ticket
    elif resident_id:
        new_guard = holder_key(hall_id, date, category, resident_id)
    else:
        new_guard = no_guard_key()
    keys = [ticket_key(ticket_id), waiting_key(hall_id, date, data["category"]), seq_key(hall_id, date, category),
            waiting_key(hall_id, date, category), ticket_key(new_id), _finish_guard(data), new_guard]  # fmt: skip
    result = _run("TRANSFER", keys, [new_id, category, _ttl(), now().timestamp()])
    if result[0] != 1:
        raise Conflict(f"ticket {data['number']} is {result[1]}; it cannot be transferred", "ticket_id")
    _persist(ticket_id)
    return _persist(new_id)
