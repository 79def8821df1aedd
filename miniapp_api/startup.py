"""Start-up chores, done only when asked: by the web app when it starts (``app:web_app()``) and by
``flask seed``. Workers, other CLI commands and tests never seed by accident.

What is seeded is idempotent: guides MongoDB does not have yet, the bootstrap admin when there is
no staff, the demo hall unless it exists, the demo cases (refreshed relative to today).
"""

from __future__ import annotations

import logging

from flask import Flask

from miniapp_api.booking.appointments import ensure_indexes as ensure_appointment_indexes
from miniapp_api.cases.demo import ensure_demo_cases
from miniapp_api.catalogue.repo import GuideRepository
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
        ensure_demo_cases()
        done["demo_cases"] = bool(app.config.get("CASES_DEMO_SEED"))
    return done


def start_web(app: Flask) -> Flask:
    """The web app's start: seed, then build the knowledge base before the first request (a cold
    first chat would otherwise spend seconds loading jieba and indexing the guides)."""
    seed(app)
    if app.config.get("KB_WARM"):
        with app.app_context():
            knowledge_base().refresh(force=True)
    return app
