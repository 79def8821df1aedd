"""Resident profile (实名信息): ID number and phone are stored as keyed hashes, masks and, for printing
application forms (表单自动套打), encrypted with ``FORM_ID_KEY`` — never in plain text."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
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

PUBLIC_FIELDS = ("name", "id_masked", "phone_masked", "address", "created_at", "verified_at")


def _fernet() -> MultiFernet:
    """FORM_ID_KEY: comma-separated Fernet keys, the first encrypts, all decrypt (rotation). Empty outside
    production (startup_checks refuses that there): a key derived from SECRET_KEY."""
    return _fernet_for(current_app.config.get("FORM_ID_KEY") or "", current_app.config["SECRET_KEY"])


@functools.lru_cache(maxsize=4)
def _fernet_for(keys: str, secret: str) -> MultiFernet:
    listed = [k.strip() for k in keys.split(",") if k.strip()]
    if not listed:
        listed = [base64.urlsafe_b64encode(hashlib.sha256(f"form-id-key:{secret}".encode()).digest()).decode()]
    return MultiFernet([Fernet(k) for k in listed])


def seal(value: str) -> str:
    """``value`` encrypted (Fernet) for storage; ``unseal`` gives it back."""
    return _fernet().encrypt(value.encode()).decode()


def unseal(token: str) -> str | None:
    """The plain value of ``seal``'s token, or None when no key on hand opens it (rotated away)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def form_details(resident_id: str) -> dict:
    """Name, ID number, phone and address in plain text, to prefill the resident's own application form.
    Only for the server's use: never logged, never sent back unmasked."""
    doc = mongo()["residents"].find_one({"_id": resident_id}) or {}
    return {"name": doc.get("name"), "address": doc.get("address"),
            "id_number": unseal(doc["id_sealed"]) if doc.get("id_sealed") else None,
            "phone": unseal(doc["phone_sealed"]) if doc.get("phone_sealed") else None}



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
    """Set name / ID number / phone / address (any subset). The ID is validated and kept as hashes + mask
    + encrypted copy (printed on application forms)."""
    changes: dict = {}
    if "name" in body:
        name = body["name"].strip()
        if not 1 <= len(name) <= 50:
            raise ValidationFailed("name must be 1–50 characters", "name")
        changes["name"] = name
    if "id_number" in body:
        id_number = validate_id_number(body["id_number"])
        changes.update(id_hash=hash_id_number(id_number), id_masked=mask_id_number(id_number),
                       id_last4_hash=hash_last4(id_number), verified_at=dt.datetime.now(dt.UTC),
                       id_sealed=seal(id_number))
    if "phone" in body:
        phone = validate_phone(body["phone"])
        changes.update(phone_masked=mask_phone(phone), phone_last4=hash_last4(phone),
                       phone_hash=hash_id_number(phone), phone_sealed=seal(phone))
    if "address" in body:
        address = body["address"].strip()
        if not 1 <= len(address) <= 200:
            raise ValidationFailed("address must be 1–200 characters", "address")
        changes["address"] = address
    if not changes:
        raise ValidationFailed("nothing to update: send name, id_number, phone or address", None)
    mongo()["residents"].update_one({"_id": resident_id}, {"$set": changes})
    return profile(resident_id)
