"""Schema of a guide imported from a real catalogue (a province's export, our Excel template).

A real catalogue is partial: no fees, no process, sometimes no conditions or materials. Such a
guide is allowed, marked incomplete with the list of what is missing (``missing``), and answered
honestly. It is an item, never a bundle, and its code is a local one (GR/QY-nnn) or a national
item code. Hand-written guides keep every rule of ``GuideSchema``; this schema only relaxes what
an export cannot give.
"""

from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from miniapp_api.catalogue.schema import (
    MATERIAL_FORMS,
    NATIONAL_CODE_RE,
    ONLINE_LEVELS,
    FaqSchema,
    FeeSchema,
    GuideSchema,
    StepSchema,
)

IMPORT_CODE_RE = re.compile(r"^(?:(?:GR|QY)-\d{3})$|" + NATIONAL_CODE_RE)


class ImportedMaterialSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1))
    form = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(MATERIAL_FORMS))
    copies = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=20))
    required = fields.Boolean(allow_none=True, load_default=None)
    notes = fields.String(load_default="")
    tolerance = fields.Boolean(load_default=False)


class ImportedTimeLimitSchema(Schema):
    legal_days = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=3650))
    promised_days = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=3650))
    notes = fields.String(load_default="")


class ImportedOnlineSchema(Schema):
    level = fields.String(required=True, validate=validate.OneOf(ONLINE_LEVELS))
    channel = fields.String(allow_none=True, load_default=None)
    booking = fields.Boolean(load_default=False, metadata={"description": "网上预约"})
    booking_url = fields.String(allow_none=True, load_default=None)
    platform = fields.String(allow_none=True, load_default=None)
    url = fields.String(allow_none=True, load_default=None)


class ImportedLocationSchema(Schema):
    hall = fields.String(allow_none=True, load_default=None)
    window = fields.String(allow_none=True, load_default=None)
    address = fields.String(allow_none=True, load_default=None)
    hours = fields.String(allow_none=True, load_default=None)
    phone = fields.String(allow_none=True, load_default=None)
    offline = fields.Boolean(load_default=True, metadata={"description": "false: no counter, online only"})


class ImportedGuideSchema(GuideSchema):
    code = fields.String(required=True, validate=validate.Regexp(IMPORT_CODE_RE))
    department = fields.String(allow_none=True, load_default=None)
    audience = fields.String(allow_none=True, load_default=None)
    theme = fields.String(allow_none=True, load_default=None)
    aliases = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)
    basis = fields.List(fields.String(), load_default=list)
    conditions = fields.List(fields.String(), load_default=list)
    materials = fields.List(fields.Nested(ImportedMaterialSchema), load_default=list)
    process = fields.List(fields.Nested(StepSchema), load_default=list)
    time_limit = fields.Nested(ImportedTimeLimitSchema, allow_none=True, load_default=None)
    fee = fields.Nested(FeeSchema, allow_none=True, load_default=None)
    visits = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=10))
    online = fields.Nested(ImportedOnlineSchema, required=True)
    location = fields.Nested(ImportedLocationSchema, allow_none=True, load_default=None)
    faqs = fields.List(fields.Nested(FaqSchema), load_default=list, validate=validate.Length(0, 6))

    @validates_schema
    def _bundle_rules(self, data: dict, **_kwargs) -> None:  # replaces GuideSchema's (same name)
        if data.get("items"):
            raise ValidationError("an imported guide is an item, not a bundle", "items")
        if len(set(data["aliases"])) != len(data["aliases"]):
            raise ValidationError("aliases repeat", "aliases")
        t = data.get("time_limit") or {}
        if t.get("legal_days") and t.get("promised_days") is not None and t["promised_days"] > t["legal_days"]:
            raise ValidationError("promised_days must not exceed legal_days", "time_limit")


def is_imported(guide: dict) -> bool:
    """An imported guide carries its import bookkeeping."""
    return bool(guide.get("import"))
