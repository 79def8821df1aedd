"""Hotline agent assist (12345 热线坐席辅助): suggestions while the caller talks, and the agent's verdicts."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from miniapp_api.conversation import agent_assist
from miniapp_api.conversation.agent_schemas import (
    FeedbackRequestSchema,
    FeedbackResponseSchema,
    SuggestRequestSchema,
    SuggestResponseSchema,
)
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.identity.staff import require_role

blp = Blueprint("agent", __name__, url_prefix="/api/v1", description="Hotline agent assist (坐席辅助)")


@blp.route("/agent/suggest", methods=["POST"])
@blp.arguments(SuggestRequestSchema())
@blp.response(200, SuggestResponseSchema)
@blp.alt_response(403, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_role("agent")
def suggest(body: dict):
    """Intent, entities, the top 3 answers and next actions for what the caller just said."""
    return agent_assist.suggest(body["call_id"], body["text"].strip())


@blp.route("/agent/feedback", methods=["POST"])
@blp.arguments(FeedbackRequestSchema())
@blp.response(201, FeedbackResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_role("agent")
def feedback(body: dict):
    """The agent adopted, edited or rejected a suggestion; kept with the caller's question."""
    return agent_assist.record_feedback(
        body["call_id"], body["suggestion"], body["verdict"], body["edited_text"], g.staff["username"]
    )


@blp.route("/staff/agent/feedback")
@blp.response(200)
@blp.doc(security=[{"bearer": []}])
@require_role("agent", "editor")
def feedback_summary():
    """Verdict counts per item (most rejected/edited first) and the latest feedback, for guide editors."""
    return agent_assist.feedback_summary()
