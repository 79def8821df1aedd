"""Schemas of hotline agent assist (/api/v1/agent/*)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from miniapp_api.conversation.schemas import not_blank
from miniapp_api.kb.fields import FIELDS

CALL_ID = validate.Regexp(r"^[A-Za-z0-9_\-:.]{1,64}$", error="1-64 characters: letters, digits, _ - : .")


class SuggestRequestSchema(Schema):
    call_id = fields.String(required=True, validate=CALL_ID)
    text = fields.String(required=True, validate=[validate.Length(1, 500), not_blank],
                         metadata={"description": "what the caller just said (speech-to-text)"})


class IntentSchema(Schema):
    name = fields.String(allow_none=True)
    confidence = fields.Float()
    source = fields.String(validate=validate.OneOf(("rasa", "kb_fallback")))


class EntitySchema(Schema):
    entity = fields.String()
    value = fields.Raw()
    start = fields.Integer(allow_none=True)
    end = fields.Integer(allow_none=True)
    source = fields.String()
    item_code = fields.String(allow_none=True)


class SuggestionSchema(Schema):
    item_code = fields.String()
    item_name = fields.String()
    field = fields.String(allow_none=True)
    answer = fields.String()
    score = fields.Float()
    carried_over = fields.Boolean(metadata={"description": "the item comes from earlier in the call"})
    turn_id = fields.String(metadata={"description": "the utterance this suggestion answers"})


class SuggestResponseSchema(Schema):
    call_id = fields.String()
    turn_id = fields.String(metadata={"description": "this utterance's id in the call"})
    intent = fields.Nested(IntentSchema)
    entities = fields.List(fields.Nested(EntitySchema))
    suggestions = fields.List(fields.Nested(SuggestionSchema))
    next_actions = fields.List(fields.String(), metadata={
        "description": "book_appointment | cancel_appointment | lookup_progress | open_appeal | handoff"})
    item_code = fields.String(allow_none=True)
    status = fields.String()


class SuggestionRefSchema(Schema):
    item_code = fields.String(required=True, validate=validate.Length(1, 40))  # national item codes: 31–33
    field = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(FIELDS))
    turn_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 32),
                            metadata={"description": "the suggestion's turn_id: the question it answered"})


class FeedbackRequestSchema(Schema):
    call_id = fields.String(required=True, validate=CALL_ID)
    suggestion = fields.Nested(SuggestionRefSchema, required=True)
    verdict = fields.String(required=True, validate=validate.OneOf(("adopted", "edited", "rejected")))
    edited_text = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class FeedbackResponseSchema(Schema):
    feedback_id = fields.String()
    question = fields.String(allow_none=True)
    verdict = fields.String()
