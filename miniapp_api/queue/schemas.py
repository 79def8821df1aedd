"""Request and response schemas of the queue (取号)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

TICKET_KINDS = ("booked", "walk_in", "green")
TICKET_STATUSES = ("waiting", "called", "served", "no_show", "transferred")
_CATEGORY = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{1,2}$"),
                          metadata={"description": "category code = queue-number prefix, e.g. A"})  # fmt: skip


class CheckinSchema(Schema):
    checkin_code = fields.String(required=True, validate=validate.Length(4, 32))
    green = fields.Boolean(load_default=False, metadata={"description": "绿色通道 (elderly, disabled)"})


class WalkInSchema(Schema):
    hall_id = fields.String(required=True, validate=validate.Length(1, 64))
    category = _CATEGORY
    green = fields.Boolean(load_default=False, metadata={"description": "绿色通道 (elderly, disabled)"})


class TransferSchema(Schema):
    category = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{1,2}$"))


class TicketSchema(Schema):
    ticket_id = fields.String(attribute="_id")
    number = fields.String(metadata={"description": "A001…, per hall, category and day"})
    hall_id = fields.String()
    category = fields.String()
    date = fields.String()
    kind = fields.String(validate=validate.OneOf(TICKET_KINDS))
    status = fields.String(validate=validate.OneOf(TICKET_STATUSES))
    window = fields.String(allow_none=True)
    appointment_id = fields.String(allow_none=True)
    created_at = fields.DateTime(allow_none=True)
    called_at = fields.DateTime(allow_none=True)
    served_at = fields.DateTime(allow_none=True)
    transferred_to = fields.String()
    transferred_from = fields.String()


class TicketViewSchema(Schema):
    ticket = fields.Nested(TicketSchema)
    position = fields.Integer(allow_none=True, metadata={"description": "1 = next; 0 = being called; null = done"})
    ahead = fields.Integer(allow_none=True, metadata={"description": "people before you in this category"})
    estimated_wait_minutes = fields.Integer(allow_none=True)


class CallResultSchema(Schema):
    ticket = fields.Nested(TicketSchema, allow_none=True, metadata={"description": "null when nobody waits"})


class BoardRowSchema(Schema):
    category = fields.String()
    name = fields.String()
    waiting = fields.Integer()
    windows = fields.Integer()
    estimated_wait_minutes = fields.Integer()


class BoardSchema(Schema):
    hall_id = fields.String()
    date = fields.String()
    categories = fields.List(fields.Nested(BoardRowSchema))
