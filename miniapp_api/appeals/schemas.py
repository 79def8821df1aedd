"""Schemas of appeals (投诉/诉求): filing, the resident's and the staff's views, steps, figures."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from miniapp_api.appeals.rules import MAX_EXTENSION_DAYS, RATINGS, STATUSES
from miniapp_api.core.schemas import SESSION_ID, not_blank
from miniapp_api.core.vocabulary import APPEAL_NO_PATTERN

REASON = [validate.Length(1, 2000), not_blank]


class AppealCreateSchema(Schema):
    what = fields.String(required=True, validate=[validate.Length(1, 1000), not_blank],
                         metadata={"description": "what happened"})
    where = fields.String(required=True, validate=[validate.Length(1, 200), not_blank],
                          metadata={"description": "where: street, building, hall, window"})
    contact = fields.String(required=True, validate=[validate.Length(7, 50), not_blank],
                            metadata={"description": "a phone number to call back"})
    session_id = fields.String(load_default=None, allow_none=True, validate=SESSION_ID)
    type = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 40),
                         metadata={"description": "咨询 / 求助 / 投诉 / 建议 (code, label or the resident's words); "
                                                  "投诉 when missing"})
    channel = fields.String(load_default="bot", validate=validate.OneOf(("bot", "wechat", "hotline", "miniapp", "api")))


class TimelineEntrySchema(Schema):
    status = fields.String()
    label = fields.String()
    action = fields.String()
    at = fields.String()
    who = fields.String(metadata={"description": "12345热线中心, the department, 诉求人 or 系统"})
    by = fields.String(allow_none=True, metadata={"description": "staff only: the account that took the step"})
    note = fields.String(metadata={"description": "reason, reply or comment; only for those who may see the text"})


class _Common(Schema):
    appeal_no = fields.String(metadata={"example": "TS2026112800012"})
    type = fields.String(metadata={"example": "complaint"})
    type_label = fields.String(metadata={"example": "投诉"})
    status = fields.String(metadata={"enum": list(STATUSES)})
    status_label = fields.String()
    department = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)
    created_at = fields.String()
    received_on = fields.String()
    due_on = fields.String(allow_none=True)
    lamp = fields.String(metadata={"enum": ["green", "yellow", "red", "none"]})
    working_days_left = fields.Integer(allow_none=True)
    overdue_working_days = fields.Integer()
    merged_into = fields.String(allow_none=True)
    rating = fields.String(allow_none=True, metadata={"enum": list(RATINGS)})
    timeline = fields.List(fields.Nested(TimelineEntrySchema))


class AppealSchema(_Common):
    """The resident's own appeal."""

    what = fields.String()
    where = fields.String()
    reply = fields.String(allow_none=True)
    replied_at = fields.String(allow_none=True)
    rate_until = fields.String(metadata={"description": "while replied: the end of the 7 rating days"})
    may_reopen = fields.Boolean(metadata={"description": "不满意 would reopen it (once)"})
    text_hidden = fields.Boolean(metadata={"description": "looked up by number and digits, not by its owner: "
                                                          "the complaint's text is cut short and its place left out"})


class AppealStaffSchema(_Common):
    private = fields.Boolean(metadata={"description": "whether the caller may see text and contact"})
    what = fields.String()
    where = fields.String()
    contact = fields.String()
    reply = fields.String(allow_none=True)
    suggested = fields.Dict()
    pending_extension = fields.Dict(allow_none=True)
    duplicates = fields.List(fields.String())
    returns = fields.Integer()
    extensions = fields.Integer()
    reopens = fields.Integer()
    allowed_actions = fields.List(fields.String())


class AppealLookupArgs(Schema):
    contact_last4 = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{4}$", error="4 digits"))


class AppealRatingSchema(Schema):
    rating = fields.String(required=True, validate=validate.OneOf(tuple(RATINGS)),
                           metadata={"description": "satisfied 满意 / basic 基本满意 / unsatisfied 不满意"})
    comment = fields.String(load_default="", validate=validate.Length(0, 500))
    contact_last4 = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{4}$", error="4 digits"),
                                  metadata={"description": "when not signed in: the last 4 digits of the contact"})


class AppealStepSchema(Schema):
    department = fields.String(validate=validate.Length(1, 50), metadata={"description": "dispatch: to whom"})
    reason = fields.String(validate=REASON, metadata={"description": "reason, note or (reply) the reply text"})
    days = fields.Integer(validate=validate.Range(1, MAX_EXTENSION_DAYS), metadata={"description": "extension days"})
    into = fields.String(validate=validate.Regexp(rf"^{APPEAL_NO_PATTERN}$", error="an appeal number"),
                         metadata={"description": "merge: the appeal this one joins"})


class StaffAppealListArgs(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    department = fields.String(validate=validate.Length(1, 50))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))


class FiguresArgs(Schema):
    from_ = fields.Date(required=True, data_key="from", metadata={"description": "first day of receipt"})
    to = fields.Date(required=True, metadata={"description": "last day of receipt (inclusive)"})


class KeywordTableSchema(Schema):
    departments = fields.Dict(keys=fields.String(validate=validate.Length(1, 50)),
                              values=fields.Dict(keys=fields.String(validate=validate.Length(1, 20)),
                                                 values=fields.Float()),
                              required=True, validate=validate.Length(min=1, max=200))  # fmt: skip


class DepartmentBindingSchema(Schema):
    departments = fields.List(fields.String(validate=validate.Length(1, 50)), required=True,
                              validate=validate.Length(1, 30),
                              metadata={"description": "the clerk's departments (承办部门)"})  # fmt: skip
