"""Resident profile (实名信息): what is stored is never the full ID number or phone."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from wechatpy.exceptions import WeChatClientException

from miniapp_api.core.errors import NotFound, Unavailable, ValidationFailed, WechatLoginFailed
from miniapp_api.core.stores import mongo
from miniapp_api.identity.resident_auth import (
    hash_id_number,
    hash_last4,
    issue_session,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
)

PUBLIC_FIELDS = ("name", "id_masked", "phone_masked", "created_at", "verified_at")




def wechat_login(code: str) -> dict:
    """Exchange a wx.login() code for the openid (code2Session), then issue our own session."""
    from requests import RequestException

    from miniapp_api.core.wechat_client import wechat_client

    if not current_app.config["WECHAT_APP_ID"] or not current_app.config["WECHAT_APP_SECRET"]:
        raise Unavailable("WeChat login is not configured (WECHAT_APP_ID / WECHAT_APP_SECRET)", None)
    try:
        result = wechat_client().wxa.code_to_session(code)
    except WeChatClientException as exc:
        current_app.logger.info("code2Session refused: %s %s", exc.errcode, exc.errmsg)
        raise WechatLoginFailed(f"微信登录失败（{exc.errcode}: {exc.errmsg}），请重新进入小程序", "code") from None
    except RequestException:
        current_app.logger.warning("code2Session unreachable", exc_info=True)
        raise Unavailable("微信服务暂时不可用，请稍后重试", None) from None
    openid = result.get("openid") if isinstance(result, dict) else None
    if not openid:
        raise WechatLoginFailed("微信登录失败（未返回 openid）", "code")
    return issue_session(openid, unionid=result.get("unionid"))


def profile(resident_id: str) -> dict:
    doc = mongo()["residents"].find_one({"_id": resident_id})
    if doc is None:
        raise NotFound("resident not found", "Authorization")
    out = {"resident_id": doc["_id"], **{k: doc.get(k) for k in PUBLIC_FIELDS}}
    out["verified"] = bool(doc.get("id_hash"))
    return out


def update_profile(resident_id: str, body: dict) -> dict:
    """Set name / ID number / phone (any subset). The ID is validated and kept as hashes + mask."""
    changes: dict = {}
    if "name" in body:
        name = body["name"].strip()
        if not 1 <= len(name) <= 50:
            raise ValidationFailed("name must be 1–50 characters", "name")
        changes["name"] = name
    if "id_number" in body:
        id_number = validate_id_number(body["id_number"])
        changes.update(id_hash=hash_id_number(id_number), id_masked=mask_id_number(id_number),
                       id_last4_hash=hash_last4(id_number), verified_at=dt.datetime.now(dt.UTC))
    if "phone" in body:
        phone = validate_phone(body["phone"])
        changes.update(phone_masked=mask_phone(phone), phone_last4=hash_last4(phone),
                       phone_hash=hash_id_number(phone))
    if not changes:
        raise ValidationFailed("nothing to update: send name, id_number or phone", None)
    mongo()["residents"].update_one({"_id": resident_id}, {"$set": changes})
    return profile(resident_id)
