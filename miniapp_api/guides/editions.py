"""The edition workflow of a guide: draft → submitted (in review) → published; diff; rollback.

Each step is written to the audit log. Publishing hands the new edition to the knowledge base,
which shares it with every worker through Redis.
"""

from __future__ import annotations

from pathlib import Path

from marshmallow import ValidationError

from miniapp_api.catalogue.files import check_against_catalogue, load_catalogue
from miniapp_api.catalogue.repo import GuideRepository
from miniapp_api.catalogue.schema import GuideSchema
from miniapp_api.core.errors import Conflict, NotFound, ValidationFailed, flatten_errors
from miniapp_api.core.stores import mongo
from miniapp_api.core.vocabulary import BUNDLE_PREFIX
from miniapp_api.guides.catalogue import published_guides
from miniapp_api.kb.service import knowledge_base

EDITING, IN_REVIEW = "editing", "in_review"


def _repo() -> GuideRepository:
    return GuideRepository(mongo())


def validate_guide(code: str, payload: dict, guides_dir: str) -> dict:
    """Full validation of an edited guide; raises a 400 naming the first bad field."""
    if not isinstance(payload, dict):
        raise ValidationFailed("the body must be a guide object", None)
    try:
        guide = GuideSchema().load(payload)
    except ValidationError as exc:
        field, message = flatten_errors(exc.messages)[0]
        raise ValidationFailed(f"{field}: {message}", field) from None
    if guide["code"] != code:
        raise ValidationFailed(f"code must be {code} (the guide being edited)", "code")
    problems = check_against_catalogue(guide, load_catalogue(Path(guides_dir)))
    if problems:
        raise ValidationFailed(problems[0], "code")
    if guide["code"].startswith(BUNDLE_PREFIX):
        known = set(published_guides())
        missing = [c for c in guide["items"] if c not in known]
        if missing:
            raise ValidationFailed(f"unknown items {missing}", "items")
    return guide


def save_draft(code: str, payload: dict, user: str, guides_dir: str) -> dict:
    guide = validate_guide(code, payload, guides_dir)
    repo = _repo()
    repo.save_draft(code, guide, EDITING, user)
    repo.audit(user, "edit_draft", code, {"fields": changed_fields(published_of(code), guide)})
    return status_of(code)


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
    }


def submit(code: str, user: str) -> dict:
    record = _require_draft(code)
    if record["draft_status"] == IN_REVIEW:
        raise Conflict("the draft is already submitted for review", "draft_status")
    repo = _repo()
    repo.set_draft_status(code, IN_REVIEW)
    repo.audit(user, "submit", code)
    return status_of(code)


def publish(code: str, user: str, note: str) -> dict:
    record = _require_draft(code)
    if record["draft_status"] != IN_REVIEW:
        raise Conflict("submit the draft for review before publishing", "draft_status")
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
