"""The one reader of the published catalogue, for every area (booking, cases, ratings, notify, chat…).

Published guides come from the knowledge base's snapshot: the same editions in every worker and
channel, refreshed within ``KB_SYNC_INTERVAL`` of a publish. ``item_name`` does not force the index
to be built (a worker that only books need not load jieba): before the first build it reads the
published name from MongoDB.
"""

from __future__ import annotations

from miniapp_api.catalogue.repo import GuideRepository
from miniapp_api.core.stores import mongo
from miniapp_api.kb.service import knowledge_base


def published_guides() -> dict[str, dict]:
    """Every published guide by code (shared, read-only)."""
    return knowledge_base().guides()


def published_guide(code: str | None) -> dict | None:
    """The published guide of ``code`` (any case), or None."""
    return published_guides().get((code or "").upper()) if code else None


def item_name(code: str) -> str:
    """The item's published name; the code itself when nothing is published under it."""
    kb = knowledge_base()
    if kb.index is not None:
        guide = kb.index.by_code.get(code)
        if guide is not None:
            return guide["name"]
    record = GuideRepository(mongo()).guides.find_one({"code": code}, {"published.name": 1})
    return record["published"]["name"] if record and record.get("published") else code
