"""Request and response schemas of the API (they validate requests and generate OpenAPI)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from miniapp_api.kb.fields import FIELDS
from miniapp_api.schemas.guide import AUDIENCES, GuideSchema


class ErrorBody(Schema):
    code = fields.String()
    message = fields.String()
    field = fields.String(allow_none=True)


class ErrorResponseSchema(Schema):
    error = fields.Nested(ErrorBody)


class KbSearchArgs(Schema):
    q = fields.String(required=True, validate=validate.Length(1, 500))
    k = fields.Integer(load_default=5, validate=validate.Range(1, 20))


class KbResultSchema(Schema):
    item_code = fields.String()
    item_name = fields.String()
    field = fields.String(allow_none=True, validate=validate.OneOf(FIELDS))
    answer = fields.String()
    score = fields.Float()


class KbSearchSchema(Schema):
    status = fields.String(validate=validate.OneOf(("answered", "clarify", "unanswerable")))
    field = fields.String(allow_none=True)
    results = fields.List(fields.Nested(KbResultSchema))


class GuideListArgs(Schema):
    audience = fields.String(validate=validate.OneOf(AUDIENCES))
    department = fields.String(validate=validate.Length(1, 50))
    theme = fields.String(validate=validate.Length(1, 50))
    q = fields.String(validate=validate.Length(1, 100), metadata={"description": "free text"})
    kind = fields.String(validate=validate.OneOf(("item", "bundle")))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class GuideSummarySchema(Schema):
    code = fields.String()
    name = fields.String()
    department = fields.String()
    audience = fields.String()
    theme = fields.String()
    online_level = fields.String()
    visits = fields.Integer()
    promised_days = fields.Integer()


class GuidePageSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    items = fields.List(fields.Nested(GuideSummarySchema))


class MergedMaterialSchema(Schema):
    name = fields.String()
    form = fields.String()
    copies = fields.Integer()
    required = fields.Boolean()
    tolerance = fields.Boolean()
    notes = fields.List(fields.String())
    for_items = fields.List(fields.String())


class BundleSchema(Schema):
    guide = fields.Nested(GuideSchema)
    items = fields.List(fields.Nested(GuideSummarySchema))
    materials = fields.List(fields.Nested(MergedMaterialSchema))
    materials_before_merge = fields.Integer()
    total_promised_days = fields.Integer()
    sum_of_item_promised_days = fields.Integer()
    total_visits = fields.Integer()


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, validate=validate.Length(1, 128), load_only=True)


class TokenSchema(Schema):
    token = fields.String()
    role = fields.String()
    expires_in = fields.Integer()


class StaffCreateSchema(LoginSchema):
    role = fields.String(
        required=True, validate=validate.OneOf(("editor", "publisher", "admin", "agent", "backoffice"))
    )


class NoteSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(0, 500))


class RollbackSchema(NoteSchema):
    edition = fields.Integer(required=True, validate=validate.Range(min=1))


class SynonymGroupSchema(Schema):
    canonical = fields.String(required=True, validate=validate.Length(1, 30))
    variants = fields.List(
        fields.String(validate=validate.Length(1, 30)), required=True, validate=validate.Length(1, 50)
    )


class SynonymsSchema(Schema):
    groups = fields.List(fields.Nested(SynonymGroupSchema), required=True, validate=validate.Length(max=5000))


class UnansweredSchema(Schema):
    question = fields.String()
    status = fields.String()
    count = fields.Integer()
