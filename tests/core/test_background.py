"""The web process's background jobs (core.background): each task at most every interval, one worker
at a time under its Redis lock, a failing task logged and tried again, never the end of the thread."""

from __future__ import annotations

import time

from miniapp_api.core import background


def test_due_tasks_run_once_per_interval(app):
    calls: list[str] = []
    runner = background.Runner(app, [background.Task("a", 10, lambda: calls.append("a")),
                                     background.Task("b", 0, lambda: calls.append("b"))])
    assert runner.run_due(now=100.0) == ["a", "b"]
    assert runner.run_due(now=105.0) == ["b"]  # a: not again before 110
    assert runner.run_due(now=110.0) == ["a", "b"]
    assert calls == ["a", "b", "b", "a", "b"]


def test_a_task_another_worker_is_running_is_skipped(app):
    calls: list[str] = []
    runner = background.Runner(app, [background.Task("sweep", 1, lambda: calls.append("x")),
                                     background.Task("drain", 1, lambda: calls.append("y"), locked=False)])
    with app.app_context():
        from miniapp_api.core.stores import rds, rkey

        rds().set(rkey("jobs", "sweep"), "1", ex=30)  # held by another worker
        rds().set(rkey("jobs", "drain"), "1", ex=30)
    assert runner.run_due(now=0.0) == ["drain"]  # an unlocked task does not care
    assert calls == ["y"]


def test_a_failing_task_is_retried_and_does_not_stop_the_others(app, caplog):
    calls: list[str] = []

    def broken():
        calls.append("broken")
        raise RuntimeError("Redis away")

    runner = background.Runner(app, [background.Task("broken", 0, broken),
                                     background.Task("fine", 0, lambda: calls.append("fine"))])
    assert runner.run_due(now=0.0) == ["fine"]
    assert runner.run_due(now=1.0) == ["fine"]
    assert calls == ["broken", "fine", "broken", "fine"]
    assert "background task broken failed" in caplog.text
    with app.app_context():  # the lock was released although the task failed
        from miniapp_api.core.stores import rds, rkey

        assert not rds().exists(rkey("jobs", "broken"))


def test_the_thread_runs_the_tasks_and_stops(app):
    calls: list[float] = []
    app.config["BACKGROUND_JOBS"] = True
    runner = background.start(app, [background.Task("tick", 0, lambda: calls.append(time.monotonic()))])
    assert background.start(app, []) is runner  # once per app
    deadline = time.monotonic() + 5
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    runner.stop()
    assert len(calls) >= 2


def test_off_when_background_jobs_is_off(app):
    app.config["BACKGROUND_JOBS"] = False
    assert background.start(app, [background.Task("tick", 0, lambda: None)]) is None
    assert "background_runner" not in app.extensions
