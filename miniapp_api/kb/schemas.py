"""Schemas of knowledge-base search and its staff side (synonyms, unanswered questions)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from miniapp_api.kb.fields import FIELDS


class KbSearchArgs(Schema):
    q = fields.String(required=True, validate=validate.Length(1, 500))
    k = fields.Integer(load_default=5, validate=validate.Range(1, 20))
    log = fields.Boolean(load_default=True, metadata={
        "description": "count an unanswered question for staff (false: the bot's NLU asking whether it names an item)"})


class KbResultSchema(Schema):
    item_code = fields.String()
    item_name = fields.String()
    field = fields.String(allow_none=True, validate=validate.OneOf(FIELDS))
    answer = fields.String()
    score = fields.Float()
    hall_id = fields.String(metadata={"description": "field 'hall': the hall answered about (empty: all halls); "
                                                    "item_code is then empty"})


class KbSearchSchema(Schema):
    status = fields.String(validate=validate.OneOf(("answered", "clarify", "unanswerable")))
    field = fields.String(allow_none=True)
    results = fields.List(fields.Nested(KbResultSchema))


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
