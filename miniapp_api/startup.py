"""Start-up chores, done only when asked: by the web app when it starts (``app:web_app()``) and by
``flask seed``. Workers, other CLI commands and tests never seed by accident.

What is seeded is idempotent: guides MongoDB does not have yet, the bootstrap admin when there is
no staff, the demo hall unless it exists, the demo cases (refreshed relative to today).
"""

from __future__ import annotations

import logging

from flask import Flask

from miniapp_api.appeals.rollup import ensure_indexes as ensure_appeal_indexes
from miniapp_api.booking.appointments import ensure_indexes as ensure_appointment_indexes
from miniapp_api.cases.demo import ensure_demo_cases
from miniapp_api.catalogue.repo import GuideRepository
from miniapp_api.conversation.handoffs import ensure_indexes as ensure_handoff_indexes
from miniapp_api.core import background
from miniapp_api.forms.service import ensure_indexes as ensure_form_indexes
from miniapp_api.halls.halls import DEMO_HALL, seed_demo_hall
from miniapp_api.identity.staff import bootstrap_admin
from miniapp_api.kb.service import knowledge_base

log = logging.getLogger(__name__)


def seed(app: Flask) -> dict:
    """Seed what is missing and create the indexes; returns what was done."""
    db = app.extensions["mongo"]
    done: dict = {}
    with app.app_context():
        done["guides_imported"] = GuideRepository(db).seed(app.config["GUIDES_DIR"], app.config["SYNONYMS_FILE"])
        admin = bootstrap_admin(db, app.config["BOOTSTRAP_ADMIN"])
        if admin:
            log.info("created bootstrap admin %r from BOOTSTRAP_ADMIN", admin)
        done["bootstrap_admin"] = admin
        done["demo_hall"] = seed_demo_hall(db)
        if done["demo_hall"]:
            log.info("seeded demo hall %s", DEMO_HALL["_id"])
        ensure_appointment_indexes(db)
        ensure_appeal_indexes(db)
        ensure_form_indexes(db)
        ensure_handoff_indexes(db)
        ensure_demo_cases()
        done["demo_cases"] = bool(app.config.get("CASES_DEMO_SEED"))
    return done


def start_web(app: Flask) -> Flask:
    """The web app's start: seed, then build the knowledge base before the first request (a cold
    first chat would otherwise spend seconds loading jieba and indexing the guides), then start the
    background jobs that only the process holding the data may run."""
    seed(app)
    if app.config.get("KB_WARM"):
        with app.app_context():
            knowledge_base().refresh(force=True)
    background.start(app, background_tasks(app))
    return app


def background_tasks(app: Flask) -> list[background.Task]:
    """The web process's periodic jobs (core.background): the booking sweeper, and the notification
    records' side of the worker (results, pending requeue, the evening reminders, CLI commands)."""
    from miniapp_api.booking.sweeper import sweep_once
    from miniapp_api.cases import lamp_watch
    from miniapp_api.notify import commands, results
    from miniapp_api.notify.service import requeue_pending, scheduled_reminders

    cfg = app.config
    return [
        background.Task("booking-sweep", float(cfg["BOOKING_SWEEP_INTERVAL"]), sweep_once),
        background.Task("notify-results", 1.0, results.drain, locked=False),  # a consumer group shares them out
        background.Task("notify-commands", 0.5, commands.serve, locked=False),  # each command is popped once
        background.Task("notify-requeue", 60.0, requeue_pending),
        background.Task("notify-reminders", float(cfg["NOTIFY_REMINDER_INTERVAL"]), scheduled_reminders),
        background.Task("case-lamps", 1.0, lamp_watch.watch),  # a lamp turning red at midnight, announced
    ]
