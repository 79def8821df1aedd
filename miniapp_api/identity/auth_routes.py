"""Resident login: WeChat mini-program code → our session token (and a dev login behind a flag)."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from miniapp_api.core.errors import NotFound
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.identity.resident_auth import issue_session
from miniapp_api.identity.residents import wechat_login
from miniapp_api.identity.schemas import DevLoginSchema, SessionSchema, WechatLoginSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Resident login (小程序登录)")


@blp.route("/wechat", methods=["POST"])
@blp.arguments(WechatLoginSchema())
@blp.response(200, SessionSchema)
@blp.alt_response(401, schema=ErrorResponseSchema, description="WeChat refused the code")
@blp.alt_response(503, schema=ErrorResponseSchema)
def auth_wechat(body: dict):
    """Exchange the code from wx.login() (via code2Session) for a session token."""
    return wechat_login(body["code"])


@blp.route("/dev", methods=["POST"])
@blp.arguments(DevLoginSchema())
@blp.response(200, SessionSchema)
@blp.alt_response(404, schema=ErrorResponseSchema, description="DEV_LOGIN is off")
def auth_dev(body: dict):
    """Development login with any openid; exists only when DEV_LOGIN is on."""
    if not current_app.config.get("DEV_LOGIN"):
        raise NotFound("not found")
    return issue_session(body["openid"])
