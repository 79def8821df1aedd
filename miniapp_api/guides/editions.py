"""The edition workflow of a guide: draft → submitted (in review) → published or rejected with a
comment; diff; rollback. The moves and who may make them are the table in ``edition_rules``
(four eyes: whoever edited a draft may not publish it).

Each step is written to the audit log and announced on the ``guides`` live topic (open console
pages refresh). Publishing hands the new edition to the knowledge base, which shares it with every
worker through Redis.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import current_app
from marshmallow import ValidationError

from miniapp_api.catalogue.files import check_against_catalogue, load_catalogue
from miniapp_api.catalogue.imported_schema import ImportedGuideSchema, is_imported
from miniapp_api.catalogue.importer.values import missing_elements
from miniapp_api.catalogue.repo import GuideRepository
from miniapp_api.catalogue.schema import GuideSchema
from miniapp_api.core.errors import Conflict, NotFound, ValidationFailed, flatten_errors
from miniapp_api.core.stores import mongo, rds
from miniapp_api.core.vocabulary import BUNDLE_PREFIX
from miniapp_api.guides import edition_rules as rules
from miniapp_api.guides.catalogue import published_guides
from miniapp_api.guides.edition_rules import EDITING, STATUS_LABELS
from miniapp_api.kb.service import knowledge_base
from miniapp_api.live.publish import publish_quietly


def _repo() -> GuideRepository:
    return GuideRepository(mongo())


def validate_guide(code: str, payload: dict, guides_dir: str) -> dict:
    """Full validation of an edited guide; raises a 400 naming the first bad field."""
    if not isinstance(payload, dict):
        raise ValidationFailed("the body must be a guide object", None)
    # An imported guide (a real catalogue's record) keeps the imported schema: staff complete it
    # element by element, and what it still lacks is counted again.
    imported = is_imported(payload) or is_imported(published_guides().get(code) or {})
    try:
        guide = (ImportedGuideSchema() if imported else GuideSchema()).load(payload)
    except ValidationError as exc:
        field, message = flatten_errors(exc.messages)[0]
        raise ValidationFailed(f"{field}: {message}", field) from None
    if guide["code"] != code:
        raise ValidationFailed(f"code must be {code} (the guide being edited)", "code")
    if imported:
        guide["missing"] = missing_elements(guide)
        return guide
    problems = check_against_catalogue(guide, load_catalogue(Path(guides_dir)))
    if problems:
        raise ValidationFailed(problems[0], "code")
    hall_id = (guide.get("location") or {}).get("hall_id")
    if hall_id and mongo()["halls"].find_one({"_id": hall_id}, {"_id": 1}) is None:  # its facts come from there
        raise ValidationFailed(f"unknown hall {hall_id!r}", "location.hall_id")
    if guide["code"].startswith(BUNDLE_PREFIX):
        known = set(published_guides())
        missing = [c for c in guide["items"] if c not in known]
        if missing:
            raise ValidationFailed(f"unknown items {missing}", "items")
    return guide


def save_draft(code: str, payload: dict, user: str, guides_dir: str) -> dict:
    guide = validate_guide(code, payload, guides_dir)
    repo = _repo()
    record = repo.record(code)
    rules.check("edit", record.get("draft_status") if record else None)
    repo.save_draft(code, guide, EDITING, user)
    repo.audit(user, "edit_draft", code, {"fields": changed_fields(published_of(code), guide)})
    _announce(code, "edit", user)
    return status_of(code)


def _announce(code: str, action: str, user: str) -> None:
    """Tell open console pages (live topic ``guides``): ids and states only, nothing else."""
    record = _repo().record(code) or {}
    status = record.get("draft_status")
    event = {"type": action, "code": code, "status": status or "published",
             "edition": record.get("published_edition", 0),
             "message": f"{code} {STATUS_LABELS.get(status, '')}（{user}）"}  # fmt: skip
    publish_quietly(rds(), current_app.config["REDIS_PREFIX"], "guides", event)


def published_of(code: str) -> dict | None:
    record = _repo().record(code)
    return record["published"] if record else None


def status_of(code: str) -> dict:
    record = _repo().record(code)
    if record is None:
        raise NotFound(f"no guide {code}", "code")
    return {
        "code": code,
        "published_edition": record.get("published_edition", 0),
        "draft_status": record.get("draft_status"),
        "draft": record.get("draft"),
        "draft_editors": rules.draft_editors(record),
        "review": _review_view(record.get("review")) if record.get("draft_status") else None,
    }


def _review_view(review: dict | None) -> dict | None:
    if not review:
        return None
    at = review.get("at")
    return {**review, "at": at.isoformat() if isinstance(at, dt.datetime) else at}


def submit(code: str, user: str) -> dict:
    record = _require_draft(code)
    repo = _repo()
    repo.set_draft_status(code, rules.check("submit", record["draft_status"]))
    repo.audit(user, "submit", code)
    _announce(code, "submit", user)
    return status_of(code)


def reject(code: str, user: str, comment: str) -> dict:
    """Send a draft in review back to its editors with the reason (kept with the draft and audited)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed("a rejection needs a comment saying what to change", "comment")
    if len(comment) > 1000:
        raise ValidationFailed("comment may have at most 1000 characters", "comment")
    record = _require_draft(code)
    repo = _repo()
    review = {"by": user, "at": dt.datetime.now(dt.UTC), "comment": comment}
    repo.set_draft_status(code, rules.check("reject", record["draft_status"]), review)
    repo.audit(user, "reject", code, {"comment": comment})
    _announce(code, "reject", user)
    return status_of(code)


def publish(code: str, user: str, note: str) -> dict:
    record = _require_draft(code)
    rules.check("publish", record["draft_status"])
    rules.check_four_eyes(user, rules.draft_editors(record))
    return _publish(code, record["draft"], user, note or "published draft", "publish")


def rollback(code: str, edition: int, user: str, note: str) -> dict:
    repo = _repo()
    old = repo.edition(code, edition)
    if old is None:
        raise NotFound(f"{code} has no edition {edition}", "edition")
    return _publish(code, old["guide"], user, note or f"rollback to edition {edition}", "rollback")


def _publish(code: str, guide: dict, user: str, note: str, action: str) -> dict:
    repo = _repo()
    before = published_of(code)
    edition = repo.publish(code, guide, user, note)
    version = knowledge_base().publish(guide)
    repo.audit(user, action, code, {"edition": edition, "kb_version": version,
                                    "fields": changed_fields(before, guide)})  # fmt: skip
    _announce(code, action, user)
    return {"code": code, "edition": edition, "kb_version": version}


def _require_draft(code: str) -> dict:
    record = _repo().record(code)
    if record is None:
        raise NotFound(f"no guide {code}", "code")
    if not record.get("draft"):
        raise Conflict("there is no draft to work on", "draft")
    return record


def changed_fields(old: dict | None, new: dict | None) -> list[str]:
    old, new = old or {}, new or {}
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def diff(code: str) -> dict:
    record = _repo().record(code)
    if record is None:
        raise NotFound(f"no guide {code}", "code")
    published, draft = record.get("published") or {}, record.get("draft")
    if not draft:
        return {"code": code, "changes": []}
    changes = [
        {"field": f, "published": published.get(f), "draft": draft.get(f)}
        for f in changed_fields(published, draft)
    ]
    return {"code": code, "published_edition": record.get("published_edition"), "changes": changes}
