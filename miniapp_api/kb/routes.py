"""Knowledge-base search, and the staff side of it (synonyms, unanswered questions)."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from miniapp_api.catalogue.repo import GuideRepository
from miniapp_api.core.errors import ValidationFailed
from miniapp_api.core.stores import mongo
from miniapp_api.identity.staff import require_role
from miniapp_api.kb.schemas import KbSearchArgs, KbSearchSchema, SynonymsSchema, UnansweredSchema
from miniapp_api.kb.service import knowledge_base
from miniapp_api.kb.synonyms import check_conflicts

blp = Blueprint("kb", __name__, url_prefix="/api/v1", description="Knowledge base (知识库)")


@blp.route("/kb/search")
@blp.arguments(KbSearchArgs(), location="query")
@blp.response(200, KbSearchSchema)
def kb_search(args: dict):
    """Answer a citizen question from the guides: answered / clarify / unanswerable."""
    if not args["q"].strip():
        raise ValidationFailed("q must not be blank", "q")
    return knowledge_base().search(args["q"], args["k"], log_unanswered=args["log"]).as_dict()


@blp.route("/staff/kb/unanswered")
@blp.response(200, UnansweredSchema(many=True))
@require_role("editor", "agent")
def kb_unanswered():
    """Questions the knowledge base could not answer or had to clarify, most frequent first."""
    return knowledge_base().unanswered()


@blp.route("/staff/kb/synonyms", methods=["GET"])
@blp.response(200, SynonymsSchema)
@require_role("editor")
def get_synonyms():
    """The synonym table (canonical form and its variants)."""
    knowledge_base().refresh()
    return {"groups": knowledge_base().synonym_groups}


@blp.route("/staff/kb/synonyms", methods=["PUT"])
@blp.arguments(SynonymsSchema())
@blp.response(200, SynonymsSchema)
@require_role("editor")
def put_synonyms(body: dict):
    """Replace the synonym table; every worker rebuilds its index from it."""
    check_conflicts(body["groups"])
    repo = GuideRepository(mongo())
    repo.save_synonyms(body["groups"])
    version = knowledge_base().set_synonyms(body["groups"])
    repo.audit(g.staff["username"], "edit_synonyms", None, {"groups": len(body["groups"]), "kb_version": version})
    return {"groups": body["groups"]}
