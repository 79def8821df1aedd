"""Schemas of the guide pages, bundles and the edition workflow (they validate requests and generate OpenAPI)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from miniapp_api.catalogue.schema import AUDIENCES, GuideSchema


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


class LeftOutMaterialSchema(Schema):
    name = fields.String()
    for_items = fields.List(fields.String())
    issued_by = fields.String(metadata={"description": "the bundle's item that issues this paper"})
    issued_as = fields.String()


class BundleSchema(Schema):
    guide = fields.Nested(GuideSchema)
    items = fields.List(fields.Nested(GuideSummarySchema))
    materials = fields.List(fields.Nested(MergedMaterialSchema))
    left_out = fields.List(fields.Nested(LeftOutMaterialSchema),
                           metadata={"description": "papers not asked for: another item of the bundle issues them"})
    materials_before_merge = fields.Integer()
    total_promised_days = fields.Integer()
    sum_of_item_promised_days = fields.Integer()
    total_visits = fields.Integer()


class RejectSchema(Schema):
    comment = fields.String(load_default="", validate=validate.Length(max=1000),
                            metadata={"description": "what the editors must change (required, not blank)"})


class NoteSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(0, 500))


class RollbackSchema(NoteSchema):
    edition = fields.Integer(required=True, validate=validate.Range(min=1))


