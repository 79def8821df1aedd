"""Schemas and validators every area shares: the one error body, session ids, list arguments."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

# Opaque client-chosen conversation id; Rasa uses it as the sender id, so keep it URL- and key-safe.
SESSION_ID = validate.Regexp(r"^[A-Za-z0-9_\-:.]{1,64}$", error="1-64 characters: letters, digits, _ - : .")


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


class ErrorBody(Schema):
    code = fields.String()
    message = fields.String()
    field = fields.String(allow_none=True)


class ErrorResponseSchema(Schema):
    error = fields.Nested(ErrorBody)


class StaffListArgs(Schema):
    status = fields.String(validate=validate.Length(1, 20))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
