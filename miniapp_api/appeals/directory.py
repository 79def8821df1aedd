"""The appeal area's reference data in a running app: types, departments and the department router.

Types come from ``guides/appeals/types.yaml``. The keyword table starts from
``guides/appeals/department_keywords.yaml``; staff may replace it (``PUT /staff/appeals/keywords``),
which is stored in MongoDB with a fresh version token in Redis, so every worker rebuilds its router
on its next use. The router's item hook asks the knowledge base which catalogue item
the text is about and adds that item's department. Its similarity part compares the text with each
department's example appeals (``guides/appeals/department_examples.yaml``) and published guides;
it is rebuilt when the keyword table or the published guides (the KB version) change.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import yaml
from flask import current_app

from miniapp_api.appeals.routing import Router, Similarity, load_table, parse_table
from miniapp_api.appeals.types import AppealTypes, load_types
from miniapp_api.core.errors import ValidationFailed
from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.guides.catalogue import published_guides
from miniapp_api.kb.service import knowledge_base

SETTINGS = "appeal_settings"
# An appeal is no guide question: the knowledge base "answers" many of them with a weak match on a
# common word (小区, 办理…). Its score counts from KB_SCORE_FLOOR (nothing) to KB_SCORE_FULL (a whole
# keyword's weight); measured on the labelled set, matches below ~12 were mostly wrong items.
KB_SCORE_FLOOR, KB_SCORE_FULL = 12.0, 30.0
KEYWORDS_ID = "department_keywords"
_lock = threading.Lock()


def _folder() -> Path:
    return Path(current_app.config["GUIDES_DIR"]) / "appeals"


def appeal_types() -> AppealTypes:
    ext = current_app.extensions
    if "appeal_types" not in ext:
        ext["appeal_types"] = load_types(_folder() / "types.yaml")
    return ext["appeal_types"]


def keyword_table() -> dict[str, dict[str, float]]:
    """Staff's table when they stored one, else the file's."""
    stored = mongo()[SETTINGS].find_one({"_id": KEYWORDS_ID})
    if stored:
        return parse_table({"departments": stored["departments"]})
    return load_table(_folder() / "department_keywords.yaml")


def store_keyword_table(departments: dict, by: str) -> dict:
    try:
        table = parse_table({"departments": departments})
    except ValueError as exc:
        raise ValidationFailed(str(exc), "departments") from None
    mongo()[SETTINGS].replace_one(
        {"_id": KEYWORDS_ID}, {"_id": KEYWORDS_ID, "departments": table, "by": by}, upsert=True
    )
    rds().set(_version_key(), uuid.uuid4().hex)
    return table


def _version_key() -> str:
    return rkey("appeals", "keywords", "version")


def kb_item_department(text: str) -> tuple[str, float] | None:
    """The department of the catalogue item the text is about, when the knowledge base is sure of it."""
    kb = knowledge_base()
    outcome = kb.search(text, 1, log_unanswered=False)
    if outcome.status != "answered" or not outcome.results:
        return None
    top = outcome.results[0]
    confidence = (top.score - KB_SCORE_FLOOR) / (KB_SCORE_FULL - KB_SCORE_FLOOR)
    guide = published_guides().get(top.item_code)
    if confidence <= 0 or not guide or not guide.get("department"):
        return None
    return guide["department"], min(1.0, confidence)


def examples() -> dict[str, list[str]]:
    """Example appeals per department (the file staff edit)."""
    data = yaml.safe_load((_folder() / "department_examples.yaml").read_text(encoding="utf-8")) or {}
    rows = data.get("departments") or {}
    return {str(d): [str(t) for t in texts or [] if str(t).strip()] for d, texts in rows.items()}


def similarity(table: dict[str, dict[str, float]]) -> Similarity:
    """Each department of the keyword table as one document: its examples, and the names, aliases and
    FAQ questions of its published guides (how residents name what that department does)."""
    documents: dict[str, list[str]] = {d: list(texts) for d, texts in examples().items() if d in table}
    for guide in published_guides().values():
        department = guide.get("department")
        if department in table:
            names = [guide.get("name") or "", *(guide.get("aliases") or [])]
            documents.setdefault(department, []).extend(names + [f.get("q", "") for f in guide.get("faqs") or []])
    return Similarity(documents)


def router() -> Router:
    """This worker's router; a table staff stored reaches it within KB_SYNC_INTERVAL (one Redis read then)."""
    ext, now = current_app.extensions, time.monotonic()
    cached = ext.get("appeal_router")  # (version, router, checked at)
    if cached is not None and now - cached[2] < float(current_app.config["KB_SYNC_INTERVAL"]):
        return cached[1]
    published_guides()  # brings the knowledge base up to the shared version first
    version = f"{rds().get(_version_key()) or '0'}/{knowledge_base().version}"
    with _lock:
        cached = ext.get("appeal_router")
        if cached is None or cached[0] != version:
            table = keyword_table()
            cached = (version, Router(table, item_hook=kb_item_department, similarity=similarity(table)), now)
        ext["appeal_router"] = (cached[0], cached[1], now)
    return cached[1]


def departments() -> list[str]:
    """Departments an appeal may be dispatched to: those of the keyword table and of the guides."""
    names = list(router().departments)
    for guide in published_guides().values():
        name = guide.get("department")
        if name and name not in names:
            names.append(name)
    return names


def check_department(name: str | None, field: str = "department") -> str:
    name = (name or "").strip()
    if name not in departments():
        raise ValidationFailed(f"未知的部门 {name!r}", field, code="unknown_department")
    return name
