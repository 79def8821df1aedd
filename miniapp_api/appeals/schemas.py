"""Schemas of appeals (投诉/诉求)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from miniapp_api.core.schemas import SESSION_ID, not_blank


class AppealCreateSchema(Schema):
    what = fields.String(required=True, validate=[validate.Length(1, 1000), not_blank],
                         metadata={"description": "what happened"})
    where = fields.String(required=True, validate=[validate.Length(1, 200), not_blank],
                          metadata={"description": "where (hall, window, department)"})
    contact = fields.String(required=True, validate=[validate.Length(7, 50), not_blank],
                            metadata={"description": "a phone number to call back"})
    session_id = fields.String(load_default=None, allow_none=True, validate=SESSION_ID)


class TimelineEntrySchema(Schema):
    status = fields.String()
    at = fields.String()
    note = fields.String()


class AppealSchema(Schema):
    appeal_no = fields.String(metadata={"example": "TS2026112800012"})
    status = fields.String()
    what = fields.String()
    where = fields.String()
    created_at = fields.String()
    timeline = fields.List(fields.Nested(TimelineEntrySchema))


class AppealLookupArgs(Schema):
    contact_last4 = fields.String(required=True, validate=validate.Regexp(r"^\d{4}$", error="4 digits"))
