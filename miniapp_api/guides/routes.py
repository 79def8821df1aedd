"""Guides and 一件事 bundles for the mini-program (published editions only)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from miniapp_api.catalogue.schema import GuideSchema
from miniapp_api.core.errors import NotFound
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.core.vocabulary import BUNDLE_PREFIX
from miniapp_api.guides.bundles import bundle_view, summary
from miniapp_api.guides.catalogue import published_guides
from miniapp_api.guides.json_view import guide_response
from miniapp_api.guides.schemas import BundleSchema, GuideListArgs, GuidePageSchema
from miniapp_api.kb.service import knowledge_base

blp = Blueprint("guides", __name__, url_prefix="/api/v1", description="Service guides (办事指南)")


def _matches(g: dict, args: dict, needle: str | None) -> bool:
    if args.get("kind") == "bundle" and not g["code"].startswith(BUNDLE_PREFIX):
        return False
    if args.get("kind") == "item" and g["code"].startswith(BUNDLE_PREFIX):
        return False
    for key in ("audience", "department", "theme"):
        if args.get(key) and g[key] != args[key]:
            # an imported item may serve several audiences (自然人 and 企业法人 …)
            if not (key == "audience" and args[key] in (g.get("audiences") or ())):
                return False
    if needle:
        haystack = " ".join([g["code"], g["name"], g["department"] or "", g["theme"] or "", *g["aliases"]])
        return needle in knowledge_base().current().pipeline.normalize(haystack)
    return True


@blp.route("/guides")
class GuideList(MethodView):
    @blp.arguments(GuideListArgs(), location="query")
    @blp.response(200, GuidePageSchema)
    def get(self, args: dict):
        """List published guides, filtered by audience, department, theme or free text."""
        index = knowledge_base().current()
        needle = index.pipeline.normalize(args["q"]).strip() if args.get("q") else None
        rows = [g for g in index.guides if _matches(g, args, needle)]
        page, per_page = args["page"], args["per_page"]
        chunk = rows[(page - 1) * per_page : page * per_page]
        return {"total": len(rows), "page": page, "per_page": per_page, "items": [summary(g) for g in chunk]}


@blp.route("/guides/<code>")
@blp.response(200, GuideSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
def guide_detail(code: str):
    """One published guide with every field."""
    guide = published_guides().get(code.upper())
    if guide is None:
        raise NotFound(f"no guide with code {code}", "code")
    return guide_response(guide)  # GuideSchema's JSON, built once per published edition


@blp.route("/bundles/<code>")
@blp.response(200, BundleSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
def bundle_detail(code: str):
    """A 一件事 bundle: its items, the merged material list, total time and visits."""
    return bundle_view(code.upper())
