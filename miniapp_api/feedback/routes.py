"""Ratings (好差评) by residents, and the staff side: averages and callback tasks (回访)."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.feedback import ratings
from miniapp_api.feedback.schemas import (
    CallbackArgs,
    CallbackDoneSchema,
    CallbackListSchema,
    CallbackSchema,
    RatingCreateSchema,
    RatingSchema,
    RatingSummarySchema,
)
from miniapp_api.identity.resident_auth import require_resident
from miniapp_api.identity.staff import require_role

blp = Blueprint("ratings", __name__, url_prefix="/api/v1", description="Ratings (好差评) and callbacks (回访)")
STAFF_ROLES = ("agent", "backoffice")  # admin implies both


@blp.route("/ratings", methods=["POST"])
@require_resident
@blp.arguments(RatingCreateSchema())
@blp.response(201, RatingSchema)
@blp.alt_response(409, schema=ErrorResponseSchema, description="already rated, or not finished yet")
@blp.doc(security=[{"bearer": []}])
def rating_create(body: dict):
    """Rate a completed case or a served ticket of yours, once (1–2 creates a callback task)."""
    return ratings.rate(g.resident["resident_id"], body["target_type"], body["target_id"].strip(), body["score"],
                        body["comment"].strip(), body.get("contact"))  # fmt: skip


@blp.route("/staff/ratings/summary")
@require_role(*STAFF_ROLES)
@blp.response(200, RatingSummarySchema)
@blp.doc(security=[{"bearer": []}])
def rating_summary():
    """Averages overall, by department and by item (lowest average first)."""
    return ratings.summary()


@blp.route("/staff/callbacks")
@require_role(*STAFF_ROLES)
@blp.arguments(CallbackArgs(), location="query")
@blp.response(200, CallbackListSchema)
@blp.doc(security=[{"bearer": []}])
def callback_list(args: dict):
    """Callback tasks (回访) from low ratings, newest first (?status=open|done)."""
    return {"callbacks": ratings.callbacks(args.get("status"))}


@blp.route("/staff/callbacks/<callback_id>/done", methods=["POST"])
@require_role(*STAFF_ROLES)
@blp.arguments(CallbackDoneSchema())
@blp.response(200, CallbackSchema)
@blp.alt_response(409, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
def callback_done(body: dict, callback_id: str):
    """Record that the resident was called back, with the outcome."""
    return ratings.complete_callback(callback_id, g.staff["username"], body["note"])
