"""Schemas of the handoff conversation: an agent's reply, and what the resident's chat reads back."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from miniapp_api.core.schemas import SESSION_ID, not_blank


class AgentReplySchema(Schema):
    text = fields.String(required=True, validate=[validate.Length(1, 2000), not_blank])


class HandoffMessageSchema(Schema):
    sender = fields.String(metadata={"description": "agent | user"})
    agent = fields.String(allow_none=True)
    text = fields.String()
    at = fields.String()
    push = fields.String(metadata={"description": "WeChat customer-service push: sent | failed:<errcode>"})


class ConversationArgs(Schema):
    session_id = fields.String(required=True, validate=SESSION_ID)


class ConversationStateSchema(Schema):
    handoff_status = fields.String(allow_none=True, metadata={"description": "open | claimed | null"})
    agent = fields.String(allow_none=True)
    messages = fields.List(fields.Nested(HandoffMessageSchema))
