"""Schemas of the chat channel (/api/v1/chat)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

# Opaque client-chosen conversation id; Rasa uses it as the sender id, so keep it URL- and key-safe.
SESSION_ID = validate.Regexp(r"^[A-Za-z0-9_\-:.]{1,64}$", error="1-64 characters: letters, digits, _ - : .")


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


class ChatRequestSchema(Schema):
    session_id = fields.String(required=True, validate=SESSION_ID)
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
    source = fields.String(validate=validate.OneOf(("rasa", "kb_fallback")))
    note = fields.String(metadata={"description": "present when the bot was unavailable"})
