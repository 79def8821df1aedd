"""Guides for a process whose database has none: the in-memory default gives each process its own
empty store, so command-line tools that need published guides seed the guide files first."""

from __future__ import annotations

from flask import current_app

from miniapp_api.catalogue.repo import GuideRepository
from miniapp_api.core.stores import mongo


def seed_guides_if_empty() -> None:
    repo = GuideRepository(mongo())
    if repo.guides.estimated_document_count() == 0:
        repo.seed(current_app.config["GUIDES_DIR"], current_app.config["SYNONYMS_FILE"])
