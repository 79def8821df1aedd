"""``flask notify worker|reminders|requeue|status``: the notification worker and its chores.

The chores run where the data is (notify.commands): in this process with a MongoDB server, in the
web process with the in-memory default — the API must be running then.
"""

from __future__ import annotations

import json

import click
import redis
from flask import current_app
from flask.cli import AppGroup

notify_cli = AppGroup("notify", help="Notification (subscribe message) worker and reminders.")


@notify_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs now waiting and stop.")
def notify_worker(burst: bool) -> None:
    """Run the RQ worker (with its scheduler, which runs the delayed retries) inside this app.

    It sends and reports each outcome through Redis; the web process records them and requeues what
    was left pending while Redis was away."""
    from rq import SimpleWorker

    from miniapp_api.notify.service import notify_queue

    # its own connection: blocking dequeues must not hit the request side's short socket timeout
    connection = redis.Redis.from_url(current_app.config["REDIS_URL"])
    queue = notify_queue(connection)
    SimpleWorker([queue], connection=connection).work(burst=burst, with_scheduler=True)


def _run(command: str, **args) -> None:
    from miniapp_api.notify.commands import NoWebProcess, run

    try:
        result = run(command, **args)
    except NoWebProcess as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(result, ensure_ascii=False))


@notify_cli.command("reminders")
@click.option("--date", "day", default=None, help="Bookings of this date (YYYY-MM-DD); default tomorrow.")
def notify_reminders(day: str | None) -> None:
    """Queue the day-before reminders of tomorrow's bookings (the web process also does it every evening)."""
    _run("reminders", date=day)


@notify_cli.command("requeue")
def notify_requeue() -> None:
    """Queue again the notifications left pending while Redis was unavailable."""
    _run("requeue")


@notify_cli.command("status")
def notify_status() -> None:
    """Count notifications by status."""
    _run("status")
