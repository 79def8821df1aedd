"""MongoDB side of the guides: the working store of editions, drafts, synonyms and the audit log."""

from __future__ import annotations

import copy
import logging
from datetime import UTC, datetime
from pathlib import Path

import yaml
from pymongo import ASCENDING
from pymongo.database import Database

from miniapp_api.catalogue.files import read_guides
from miniapp_api.core.audit import audit, audit_entries
from miniapp_api.core.mongo_memory import LockedProxy, bulk_insert

log = logging.getLogger(__name__)


def now() -> datetime:
    return datetime.now(UTC)


def _plain(doc: dict | None) -> dict | None:
    """A guide without Mongo's _id, safe to hand out and to JSON-encode."""
    if doc is None:
        return None
    doc = copy.deepcopy(doc)
    doc.pop("_id", None)
    return doc


def synonyms_map(groups: list[dict]) -> dict[str, str]:
    """[{canonical, variants}] → {variant: canonical}."""
    return {v: g["canonical"] for g in groups for v in g["variants"] if v != g["canonical"]}


class GuideRepository:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.guides = db["guides"]
        self.editions = db["guide_editions"]
        self.audit_log = db["audit"]
        self.settings = db["kb_settings"]

    def ensure_indexes(self) -> None:
        self.guides.create_index([("code", ASCENDING)], unique=True)
        self.editions.create_index([("code", ASCENDING), ("edition", ASCENDING)], unique=True)

    # -- seeding ------------------------------------------------------------------------
    def seed(self, guides_dir: str | Path, synonyms_file: str | Path) -> int:
        """Import the YAML guides that MongoDB does not have yet (idempotent)."""
        self.ensure_indexes()
        guides, errors = read_guides(Path(guides_dir))
        for error in errors:
            log.error("guide file rejected: %s", error)
        imported = 0
        for guide in guides:
            if self.guides.find_one({"code": guide["code"]}, {"_id": 1}):
                continue
            stamp = now()
            self.guides.insert_one(
                {"code": guide["code"], "published": guide, "published_edition": 1,
                 "draft": None, "draft_status": None, "updated_at": stamp}  # fmt: skip
            )
            self.editions.insert_one(
                {"code": guide["code"], "edition": 1, "guide": guide, "published_at": stamp,
                 "published_by": "import", "note": "imported from guides/"}  # fmt: skip
            )
            imported += 1
        if self.settings.find_one({"_id": "synonyms"}) is None:
            groups = yaml.safe_load(Path(synonyms_file).read_text(encoding="utf-8")) or []
            self.settings.insert_one({"_id": "synonyms", "groups": groups, "updated_at": now()})
        if imported:
            log.info("imported %d guides from %s", imported, guides_dir)
        return imported

    # -- reading ------------------------------------------------------------------------
    def published_all(self) -> list[dict]:
        return [_plain(d["published"]) for d in self.guides.find({"published": {"$ne": None}})]

    def record(self, code: str) -> dict | None:
        return _plain(self.guides.find_one({"code": code}))

    def history(self, code: str) -> list[dict]:
        cursor = self.editions.find({"code": code}, {"guide": 0}).sort("edition", ASCENDING)
        return [_plain(d) for d in cursor]

    def edition(self, code: str, number: int) -> dict | None:
        return _plain(self.editions.find_one({"code": code, "edition": number}))

    def synonym_groups(self) -> list[dict]:
        doc = self.settings.find_one({"_id": "synonyms"})
        return doc["groups"] if doc else []

    # -- writing ------------------------------------------------------------------------
    def save_synonyms(self, groups: list[dict]) -> None:
        self.settings.update_one(
            {"_id": "synonyms"}, {"$set": {"groups": groups, "updated_at": now()}}, upsert=True
        )

    def save_draft(self, code: str, draft: dict, status: str, user: str) -> None:
        self.guides.update_one(
            {"code": code},
            {"$set": {"draft": draft, "draft_status": status, "draft_by": user, "updated_at": now()},
             "$addToSet": {"draft_editors": user},  # four eyes: none of them may publish this draft
             "$setOnInsert": {"published": None, "published_edition": 0}},  # fmt: skip
            upsert=True,
        )

    def set_draft_status(self, code: str, status: str, review: dict | None = None) -> None:
        """``review``: the reviewer's verdict kept with the draft (who rejected it, when, why)."""
        changes = {"draft_status": status, "updated_at": now()}
        if review is not None:
            changes["review"] = review
        self.guides.update_one({"code": code}, {"$set": changes})

    def publish(self, code: str, guide: dict, user: str, note: str) -> int:
        record = self.guides.find_one({"code": code}) or {}
        edition = int(record.get("published_edition") or 0) + 1
        stamp = now()
        self.editions.insert_one(
            {"code": code, "edition": edition, "guide": guide, "published_at": stamp,
             "published_by": user, "note": note}  # fmt: skip
        )
        self.guides.update_one(
            {"code": code},
            {"$set": {"published": guide, "published_edition": edition, "draft": None,
                      "draft_status": None, "draft_editors": [], "review": None, "updated_at": stamp}},  # fmt: skip
            upsert=True,
        )
        return edition

    # -- bulk (catalogue imports: thousands of guides in one go) ------------------------------
    def publish_many(self, guides: list[dict], user: str, note: str) -> dict[str, int]:
        """Publish a new edition of each guide; returns code → edition. One read, one insert of the
        editions and one replace of the records (mongomock scans a collection per update_one)."""
        if not guides:
            return {}
        codes = [g["code"] for g in guides]
        records = {d["code"]: d for d in self.guides.find({"code": {"$in": codes}})}
        stamp = now()
        editions, new_records = {}, []
        for guide in guides:
            old = records.get(guide["code"]) or {}
            editions[guide["code"]] = int(old.get("published_edition") or 0) + 1
            record = {k: v for k, v in old.items() if k != "_id"}
            record.update({"code": guide["code"], "published": guide, "published_edition": editions[guide["code"]],
                           "draft": None, "draft_status": None, "updated_at": stamp})  # fmt: skip
            new_records.append(record)
        self._insert_many(
            self.editions,
            [{"code": g["code"], "edition": editions[g["code"]], "guide": g, "published_at": stamp,
              "published_by": user, "note": note} for g in guides],  # fmt: skip
        )
        if records:
            self.guides.delete_many({"code": {"$in": list(records)}})
        self._insert_many(self.guides, new_records)
        return editions

    @staticmethod
    def _insert_many(collection, docs: list[dict]) -> None:
        if isinstance(collection, LockedProxy):  # the in-memory store: O(n) instead of O(n²)
            bulk_insert(collection, docs)
        else:
            collection.insert_many(docs)

    def save_drafts(self, guides: list[dict], status: str, user: str) -> None:
        """Stage many guides as drafts (the published editions stay as they are)."""
        if not guides:
            return
        codes = [g["code"] for g in guides]
        records = {d["code"]: d for d in self.guides.find({"code": {"$in": codes}})}
        stamp = now()
        new_records = []
        for guide in guides:
            record = {k: v for k, v in (records.get(guide["code"]) or {}).items() if k != "_id"}
            record.setdefault("published", None)
            record.setdefault("published_edition", 0)
            record.update({"code": guide["code"], "draft": guide, "draft_status": status, "draft_by": user,
                           "updated_at": stamp})  # fmt: skip
            new_records.append(record)
        if records:
            self.guides.delete_many({"code": {"$in": list(records)}})
        self._insert_many(self.guides, new_records)

    def audit_many(self, entries: list[tuple[str, str, str | None, dict]]) -> None:
        """(user, action, code, detail) entries in one insert."""
        if entries:
            stamp = now()
            self.audit_log.insert_many(
                [{"at": stamp, "user": u, "action": a, "code": c, "detail": d} for u, a, c, d in entries]
            )

    def audit(self, user: str, action: str, code: str | None, detail: dict | None = None) -> None:
        audit(self.db, user, action, code, detail)

    def audit_entries(self, code: str | None = None, limit: int = 100) -> list[dict]:
        return audit_entries(self.db, code, limit)
