"""Schemas of halls, slots, appointments and the holiday calendar."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from miniapp_api.core.vocabulary import ITEM_CODE_RE

CODE = validate.Regexp(r"^[A-Z]{1,3}$", error="category code: 1–3 capital letters (the queue-number prefix)")
ITEM = validate.Regexp(ITEM_CODE_RE, error="item code looks like GR-006")


class CategorySchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(1, 50))
    items = fields.List(fields.String(validate=ITEM), required=True)


class WindowSchema(Schema):
    no = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]\d{2,3}$", error="window number like A07"))
    categories = fields.List(fields.String(validate=CODE), required=True, validate=validate.Length(min=1))


class HallSchema(Schema):
    hall_id = fields.String(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 100))
    address = fields.String(required=True, validate=validate.Length(1, 200))
    hours = fields.String(required=True, validate=validate.Length(1, 300))
    phone = fields.String(validate=validate.Length(0, 30))
    categories = fields.List(fields.Nested(CategorySchema), required=True, validate=validate.Length(1, 50))
    windows = fields.List(fields.Nested(WindowSchema), required=True, validate=validate.Length(max=500))
    slot_times = fields.List(fields.String(), required=True, validate=validate.Length(1, 48))
    capacity = fields.Dict(keys=fields.String(validate=CODE), values=fields.Integer(validate=validate.Range(0, 10_000)),
                           required=True)


class HallListSchema(Schema):
    halls = fields.List(fields.Nested(HallSchema))


class SlotsArgs(Schema):
    date = fields.Date(required=True)
    item_code = fields.String(validate=validate.Length(1, 20))
    category = fields.String(validate=validate.Length(1, 3))


class SlotSchema(Schema):
    slot = fields.String()
    capacity = fields.Integer()
    left = fields.Integer()
    bookable = fields.Boolean(metadata={"description": "false when the slot has begun or the day is not open yet"})


class SlotsSchema(Schema):
    hall_id = fields.String()
    date = fields.String()
    category = fields.String()
    opens_at = fields.String(allow_none=True, metadata={"description": "when the day opens for booking, if later"})
    slots = fields.List(fields.Nested(SlotSchema))


class AppointmentCreateSchema(Schema):
    hall_id = fields.String(required=True, validate=validate.Length(1, 50))
    item_code = fields.String(required=True, validate=validate.Length(1, 20))
    date = fields.Date(required=True)
    slot = fields.String(required=True, validate=validate.Length(1, 20))


class AppointmentSchema(Schema):
    appointment_id = fields.String()
    hall_id = fields.String()
    item_code = fields.String()
    item_name = fields.String()
    category = fields.String()
    date = fields.String()
    slot = fields.String()
    status = fields.String(validate=validate.OneOf(("booked", "cancelled", "checked_in", "no_show", "served")))
    checkin_code = fields.String()
    created_at = fields.DateTime()


class AppointmentListSchema(Schema):
    appointments = fields.List(fields.Nested(AppointmentSchema))


class CalendarYearSchema(Schema):
    holidays = fields.List(fields.Date(), required=True, validate=validate.Length(max=366))
    workdays = fields.List(fields.Date(), load_default=list, validate=validate.Length(max=366))


class CalendarYearResultSchema(Schema):
    year = fields.Integer()
    holidays = fields.List(fields.String())
    workdays = fields.List(fields.String())


class SweepResultSchema(Schema):
    marked = fields.Integer()


class RebuildResultSchema(Schema):
    slots = fields.Integer()
    resident_days = fields.Integer()
