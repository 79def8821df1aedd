"""The hall's clock: its time zone, "now" and "today", in one place.

"now" comes from ``app.extensions["clock"]`` when set (tests inject a fixed time; DEV_CLOCK starts
the hall's day at a chosen moment), otherwise the wall clock, always seen in HALL_TIMEZONE. Every
rule that depends on the day (booking windows, queue numbers, deadlines and lamps, appeal numbers)
reads it here, so an injected clock moves them all together.
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from flask import Flask, current_app


def hall_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["HALL_TIMEZONE"])


def now_local() -> dt.datetime:
    clock = current_app.extensions.get("clock")
    now = clock() if clock else dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=hall_tz())
    return now.astimezone(hall_tz())


def local_today() -> dt.date:
    return now_local().date()


def local_date(moment: dt.datetime) -> dt.date:
    """The hall-local date of an (aware or UTC-naive) timestamp."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(hall_tz()).date()


def install_dev_clock(app: Flask) -> None:
    """With DEV_CLOCK set (hall-local ISO time), the app's clock starts there and runs on in real time."""
    start = app.config.get("DEV_CLOCK")
    if not start:
        return
    try:
        begin = dt.datetime.fromisoformat(start)
    except ValueError:
        raise ValueError(f"DEV_CLOCK must be an ISO time such as 2026-11-30T09:00, not {start!r}") from None
    if begin.tzinfo is None:
        begin = begin.replace(tzinfo=ZoneInfo(app.config["HALL_TIMEZONE"]))
    started = time.monotonic()
    app.extensions["clock"] = lambda: begin + dt.timedelta(seconds=time.monotonic() - started)
    app.logger.warning("DEV_CLOCK is ON: the hall's time started at %s and runs on from there. "
                       "Never enable it in production.", start)  # fmt: skip
