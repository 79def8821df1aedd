"""Schemas of resident login and profile."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class WechatLoginSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 256),
                         metadata={"description": "the code from wx.login() in the mini-program"})


class DevLoginSchema(Schema):
    openid = fields.String(required=True, validate=validate.Length(1, 128))


class SessionSchema(Schema):
    token = fields.String()
    resident_id = fields.String()
    expires_in = fields.Integer()


class ProfileUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(1, 50))
    id_number = fields.String(validate=validate.Length(1, 32), load_only=True,
                              metadata={"description": "18-digit ID; stored only hashed and masked"})
    phone = fields.String(validate=validate.Length(1, 20), load_only=True)
    address = fields.String(validate=validate.Length(1, 200), metadata={"description": "prefills application forms"})


class ProfileSchema(Schema):
    resident_id = fields.String()
    name = fields.String(allow_none=True)
    id_masked = fields.String(allow_none=True, metadata={"example": "1101**********1234"})
    phone_masked = fields.String(allow_none=True, metadata={"example": "138****5678"})
    address = fields.String(allow_none=True)
    verified = fields.Boolean()
    created_at = fields.DateTime(allow_none=True)
    verified_at = fields.DateTime(allow_none=True)


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, validate=validate.Length(1, 128), load_only=True)


class TokenSchema(Schema):
    token = fields.String()
    role = fields.String()
    expires_in = fields.Integer()


class StaffCreateSchema(LoginSchema):
    role = fields.String(
        required=True,
        validate=validate.OneOf(("editor", "publisher", "admin", "agent", "backoffice", "dispatcher", "department")),
    )
    departments = fields.List(fields.String(validate=validate.Length(1, 50)), load_default=list,
                              validate=validate.Length(max=30),
                              metadata={"description": "role department: the departments whose appeals it handles"})


class StaffUpdateSchema(Schema):
    active = fields.Boolean(metadata={"description": "false disables the account and ends its tokens"})
    role = fields.String(validate=validate.OneOf(("editor", "publisher", "admin", "agent", "backoffice", "dispatcher",
                                                   "department")))  # fmt: skip
    departments = fields.List(fields.String(validate=validate.Length(1, 50)), validate=validate.Length(max=30))
