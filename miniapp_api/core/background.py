"""Background jobs of the web process: periodic tasks on one daemon thread, each run under a Redis lock.

Started by ``startup.start_web`` (the process that serves the API), never by the notification worker,
the CLI or tests (they call ``Runner.run_due`` or the tasks themselves): with the in-memory store
only the web process holds the data these jobs repair (pending bookings, notification records), and a
job run elsewhere would act on an empty database.

Each task runs at most every ``interval`` seconds, inside an app context, under the Redis lock
``jobs:<name>`` (SET NX EX) so that with several API workers one of them runs it at a time. A task
that raises is logged and tried again at its next turn; the thread never dies of it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

from miniapp_api.core.stores import rds, rkey

log = logging.getLogger(__name__)
TICK = 0.5  # seconds between looks at the task list


@dataclass
class Task:
    name: str
    interval: float
    run: Callable[[], object]
    locked: bool = True  # False: every worker runs it (e.g. draining a command list with an atomic pop)
    next_at: float = field(default=0.0, compare=False)


class Runner:
    def __init__(self, app: Flask, tasks: list[Task]) -> None:
        self.app = app
        self.tasks = tasks
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="background-jobs", daemon=True)

    def start(self) -> Runner:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def run_due(self, now: float | None = None) -> list[str]:
        """Run every task that is due; returns the names that ran (tests call this directly)."""
        now = time.monotonic() if now is None else now
        ran = []
        for task in self.tasks:
            if now < task.next_at:
                continue
            task.next_at = now + task.interval
            if self._run(task):
                ran.append(task.name)
        return ran

    def _run(self, task: Task) -> bool:
        with self.app.app_context():
            lock = rkey("jobs", task.name)
            try:
                if task.locked and not rds().set(lock, "1", nx=True, ex=max(30, int(task.interval * 3))):
                    return False
                try:
                    task.run()
                finally:
                    if task.locked:
                        rds().delete(lock)
            except Exception:  # Redis away, a bug in one task: log it, try again next turn
                log.exception("background task %s failed; retrying in %.0f s", task.name, task.interval)
                return False
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_due()
            self._stop.wait(TICK)


def start(app: Flask, tasks: list[Task]) -> Runner | None:
    """Start ``tasks`` on the background thread, once per app; None when BACKGROUND_JOBS is off."""
    if not app.config.get("BACKGROUND_JOBS", True):
        return None
    if "background_runner" not in app.extensions:
        runner = app.extensions["background_runner"] = Runner(app, tasks)
        log.info("background jobs: %s", ", ".join(t.name for t in tasks) or "none")
        runner.start()
    return app.extensions["background_runner"]
