"""``flask notify worker|reminders|requeue|status``: the notification worker and its chores."""

from __future__ import annotations

import datetime as dt
import json

import click
import redis
from flask import current_app
from flask.cli import AppGroup

notify_cli = AppGroup("notify", help="Notification (subscribe message) worker and reminders.")


@notify_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs now waiting and stop.")
def notify_worker(burst: bool) -> None:
    """Run the RQ worker (with its scheduler, which runs the delayed retries) inside this app."""
    from rq import SimpleWorker

    from miniapp_api.notify.service import notify_queue, requeue_pending

    click.echo(f"requeued {requeue_pending()} pending notifications")
    # its own connection: blocking dequeues must not hit the request side's short socket timeout
    connection = redis.Redis.from_url(current_app.config["REDIS_URL"])
    queue = notify_queue(connection)
    SimpleWorker([queue], connection=connection).work(burst=burst, with_scheduler=True)


@notify_cli.command("reminders")
@click.option("--date", "day", default=None, help="Bookings of this date (YYYY-MM-DD); default tomorrow.")
def notify_reminders(day: str | None) -> None:
    """Queue the day-before reminders of tomorrow's bookings (run daily from cron)."""
    from miniapp_api.core.clock import local_today
    from miniapp_api.notify.service import enqueue_appointment_reminders

    target = dt.date.fromisoformat(day) if day else local_today() + dt.timedelta(days=1)
    click.echo(json.dumps(enqueue_appointment_reminders(target), ensure_ascii=False))


@notify_cli.command("requeue")
def notify_requeue() -> None:
    """Queue again the notifications left pending while Redis was unavailable."""
    from miniapp_api.notify.service import requeue_pending

    click.echo(f"requeued {requeue_pending()} pending notifications")


@notify_cli.command("status")
def notify_status() -> None:
    """Count notifications by status."""
    from miniapp_api.core.stores import mongo

    rows = mongo()["notifications"].aggregate([{"$group": {"_id": "$status", "n": {"$sum": 1}}}])
    click.echo(json.dumps({row["_id"]: row["n"] for row in rows}, ensure_ascii=False))

