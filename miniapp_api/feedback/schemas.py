"""Schemas of ratings (好差评) and callback tasks (回访)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class RatingCreateSchema(Schema):
    target_type = fields.String(required=True, validate=validate.OneOf(("case", "ticket")))
    target_id = fields.String(required=True, validate=validate.Length(1, 64))
    score = fields.Integer(required=True, strict=True, validate=validate.Range(1, 5))
    comment = fields.String(load_default="", validate=validate.Length(0, 500))
    contact = fields.String(
        validate=validate.Length(1, 20), load_only=True,
        metadata={"description": "phone for the callback (回访) of a low rating; optional"},
    )


class RatingSchema(Schema):
    rating_id = fields.String()
    target_type = fields.String()
    target_id = fields.String()
    score = fields.Integer()
    comment = fields.String()
    created_at = fields.String()
    callback_created = fields.Boolean()


class RatingGroupSchema(Schema):
    target_type = fields.String()
    department = fields.String()
    item_code = fields.String()
    item_name = fields.String()
    count = fields.Integer()
    average = fields.Float()
    low = fields.Integer(metadata={"description": "ratings of 1–2"})


class RatingSummarySchema(Schema):
    count = fields.Integer()
    average = fields.Float(allow_none=True)
    by_target_type = fields.List(fields.Nested(RatingGroupSchema))
    by_department = fields.List(fields.Nested(RatingGroupSchema))
    by_item = fields.List(fields.Nested(RatingGroupSchema))


class CallbackArgs(Schema):
    status = fields.String(validate=validate.OneOf(("open", "done")))


class CallbackSchema(Schema):
    callback_id = fields.String()
    rating_id = fields.String()
    target_type = fields.String()
    target_id = fields.String()
    item_code = fields.String(allow_none=True)
    item_name = fields.String(allow_none=True)
    department = fields.String()
    resident_id = fields.String()
    resident_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    phone_masked = fields.String(allow_none=True)
    score = fields.Integer()
    comment = fields.String()
    status = fields.String()
    created_at = fields.String()
    done_by = fields.String()
    done_at = fields.String()
    result_note = fields.String()


class CallbackListSchema(Schema):
    callbacks = fields.List(fields.Nested(CallbackSchema))


class CallbackDoneSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(0, 500))
