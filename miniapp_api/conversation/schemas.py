"""Schemas of the chat channel (/api/v1/chat) and of handoffs to a person (转人工)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from miniapp_api.core.schemas import SESSION_ID, not_blank


class ChatRequestSchema(Schema):
    session_id = fields.String(validate=SESSION_ID, metadata={
        "description": "the conversation to continue; leave it out to start one (the answer carries its id)"})
    text = fields.String(required=True, validate=[validate.Length(1, 500), not_blank])


class ButtonSchema(Schema):
    title = fields.String()
    payload = fields.String(metadata={"description": "send this as the next text when the button is chosen"})


class ReplySchema(Schema):
    text = fields.String()
    buttons = fields.List(fields.Nested(ButtonSchema))
    image = fields.String()


class ChatResponseSchema(Schema):
    session_id = fields.String()
    replies = fields.List(fields.Nested(ReplySchema))
    intent = fields.String(allow_none=True)
    confidence = fields.Float(allow_none=True)
    item_code = fields.String(allow_none=True)
    status = fields.String(allow_none=True, metadata={"description": "answered | clarify | unanswerable | ..."})
    source = fields.String(validate=validate.OneOf(("rasa", "kb_fallback", "agent")),
                           metadata={"description": "agent: a person holds the conversation (转人工)"})
    note = fields.String(metadata={"description": "present when the bot was unavailable"})



class TranscriptEntrySchema(Schema):
    sender = fields.String(required=True, validate=validate.Length(1, 20), metadata={"example": "user"})
    text = fields.String(required=True, validate=validate.Length(0, 2000))


class HandoffCreateSchema(Schema):
    session_id = fields.String(required=True, validate=SESSION_ID)
    reason = fields.String(required=True, validate=[validate.Length(1, 200), not_blank])
    transcript = fields.List(fields.Nested(TranscriptEntrySchema), load_default=list,
                             validate=validate.Length(max=200))
    channel = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 20))


class HandoffSchema(Schema):
    handoff_id = fields.String()
    session_id = fields.String()
    reason = fields.String()
    status = fields.String()
    transcript = fields.List(fields.Nested(TranscriptEntrySchema))
    channel = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    claimed_by = fields.String()
    claimed_at = fields.String()
