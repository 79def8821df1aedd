"""Schemas of case progress (办件进度), the back office and supervision."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from miniapp_api.booking.schemas import DeliverySchema
from miniapp_api.cases.delivery import DELIVERY_LABELS
from miniapp_api.cases.rules import STATUSES

CHANNELS = ("window", "online", "mini_program", "self_service", "mail")
LAMPS = ("green", "yellow", "red", "none")


class ApplicantSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 50))
    id_number = fields.String(
        required=True, validate=validate.Length(1, 32), load_only=True,
        metadata={"description": "18-digit ID number; stored only as hashes + masked form"},
    )  # fmt: skip
    phone = fields.String(validate=validate.Length(1, 20), load_only=True)
    resident_id = fields.String(
        validate=validate.Length(1, 64),
        metadata={"description": "link to a mini-program resident (they see it in GET /cases)"},
    )


class CaseCreateSchema(Schema):
    item_code = fields.String(required=True, validate=validate.Length(1, 20))
    applicant = fields.Nested(ApplicantSchema, required=True)
    channel = fields.String(load_default="window", validate=validate.OneOf(CHANNELS))
    note = fields.String(load_default="", validate=validate.Length(0, 500))
    at = fields.AwareDateTime(metadata={"description": "when it was submitted (ISO 8601 with offset); default now"})
    appointment_id = fields.String(validate=validate.Length(1, 64), metadata={
        "description": "the appointment it comes from: its delivery choice and resident carry over"})
    delivery = fields.Nested(DeliverySchema, metadata={"description": "pickup (default) or post with an address"})


class DeliveryEventSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(tuple(DELIVERY_LABELS)),
                           metadata={"description": "sent (with tracking_no) or delivered"})
    tracking_no = fields.String(validate=validate.Length(1, 20), metadata={"example": "1234567890123"})
    note = fields.String(load_default="", validate=validate.Length(0, 200))


class CaseEventSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    note = fields.String(load_default="", validate=validate.Length(0, 500))
    at = fields.AwareDateTime(metadata={"description": "when it happened (ISO 8601 with offset); default now"})


class LookupArgs(Schema):
    case_no = fields.String(required=True, validate=validate.Length(1, 32), metadata={"example": "JC2026112800001"})
    factor = fields.String(
        validate=validate.Length(1, 8),
        metadata={"description": "last 4 characters of the applicant's ID number or phone "
                                 "(not needed by the signed-in applicant)"},
    )


class CaseTimelineEntrySchema(Schema):
    status = fields.String()
    label = fields.String()
    at = fields.String()
    note = fields.String()
    by = fields.String()


class CaseViewSchema(Schema):
    case_no = fields.String()
    item_code = fields.String()
    item_name = fields.String()
    department = fields.String()
    channel = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    status_label = fields.String()
    timeline = fields.List(fields.Nested(CaseTimelineEntrySchema))
    accepted_on = fields.String(allow_none=True)
    promised_days = fields.Integer()
    deadline = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD, last working day of the promise"})
    lamp = fields.String(validate=validate.OneOf(LAMPS))
    working_days_left = fields.Integer(allow_none=True, metadata={"description": "today included if a working day"})
    overdue_working_days = fields.Integer()
    paused = fields.Boolean()
    paused_days = fields.Integer()
    provisional = fields.Boolean(metadata={"description": "a year on the way has no holiday schedule yet"})
    note = fields.String(allow_none=True)
    finished_on_time = fields.Boolean()
    applicant = fields.Dict(metadata={"description": "back office only: name and masked ID / phone"})
    delivery = fields.Dict(allow_none=True, metadata={
        "description": "method pickup/post; for post: status (待寄出/已寄出/已签收) and tracking_no; the address "
                       "only to the applicant (phone masked) and the back office"})


class CaseListSchema(Schema):
    cases = fields.List(fields.Nested(CaseViewSchema))


class DepartmentLampsSchema(Schema):
    department = fields.String()
    green = fields.Integer()
    yellow = fields.Integer()
    red = fields.Integer()
    none = fields.Integer(metadata={"description": "open but not accepted yet"})
    open = fields.Integer()
    closed = fields.Integer()
    closed_late = fields.Integer()


class OverdueCaseSchema(Schema):
    case_no = fields.String()
    item_code = fields.String()
    item_name = fields.String()
    department = fields.String()
    status = fields.String()
    deadline = fields.String()
    overdue_working_days = fields.Integer()


class SupervisionArgs(Schema):
    department = fields.String(validate=validate.Length(1, 50))


class SupervisionSchema(Schema):
    today = fields.String()
    by_department = fields.List(fields.Nested(DepartmentLampsSchema))
    totals = fields.Dict()
    overdue = fields.List(fields.Nested(OverdueCaseSchema))
    provisional = fields.Boolean()
