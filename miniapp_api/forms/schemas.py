"""Schemas of the forms API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class FormFieldSchema(Schema):
    key = fields.String()
    label = fields.String()
    type = fields.String(
        metadata={"description": "text, textarea, id_number, mobile, date, uscc, number, choice, multichoice"}
    )
    required = fields.Boolean()
    section = fields.String()
    source = fields.String(metadata={"description": "what fills it: profile.*, item.*, booking.*"})
    options = fields.List(fields.String())
    min = fields.Float()
    max = fields.Float()
    value = fields.Raw(allow_none=True, metadata={"description": "ID numbers and phones masked"})
    prefilled = fields.Boolean()


class BlankFormSchema(Schema):
    code = fields.String()
    kind = fields.String()
    title = fields.String()
    items = fields.List(fields.String())
    form_fields = fields.List(fields.Nested(FormFieldSchema), attribute="fields", data_key="fields")
    to_fill = fields.List(fields.String(), metadata={"description": "required fields the resident must add"})


class FormSubmitSchema(Schema):
    values = fields.Dict(
        keys=fields.String(validate=validate.Length(1, 64)),
        values=fields.Raw(allow_none=True),
        required=True,
        metadata={"description": "field key → value; a profile-sourced field left out takes the profile's value"},
    )
    appointment_id = fields.String(validate=validate.Length(1, 64), allow_none=True)


class AttachSchema(Schema):
    appointment_id = fields.String(required=True, validate=validate.Length(1, 64))


class FilledFormSchema(Schema):
    form_id = fields.String()
    code = fields.String()
    kind = fields.String()
    title = fields.String()
    items = fields.List(fields.String())
    status = fields.String()
    appointment_id = fields.String(allow_none=True)
    hall_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    form_fields = fields.List(fields.Nested(FormFieldSchema), attribute="fields", data_key="fields")


class WindowFormSchema(FilledFormSchema):
    """``form_for_appointment``'s view: times as ISO text, the PDF's URL."""

    created_at = fields.String()
    updated_at = fields.String()
    pdf_url = fields.String()


class FilledFormListSchema(Schema):
    forms = fields.List(fields.Nested(FilledFormSchema))
