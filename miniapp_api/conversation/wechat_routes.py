"""WeChat official account (公众号) server at /wechat, following wechatpy's Flask echo example.

GET: URL verification (echo ``echostr`` when the signature is right). POST: a message or event in
plain XML or, with ``encrypt_type=aes`` (安全模式), encrypted with the EncodingAESKey. Text goes to
the bot (Rasa within WECHAT_RASA_TIMEOUT, else the knowledge base) so the passive reply leaves
well inside WeChat's 5-second limit. Badly signed requests get a 403 JSON error.
"""

from __future__ import annotations

import hashlib
import json
import time

from flask import Response, current_app, request
from flask_smorest import Blueprint
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from miniapp_api.conversation.chat import chat_turn
from miniapp_api.core.errors import Forbidden, Unavailable, ValidationFailed
from miniapp_api.core.stores import rds, rkey
from miniapp_api.core.wechat_client import follower_unionid
from miniapp_api.identity.resident_auth import find_or_create_resident

blp = Blueprint("wechat", __name__, description="WeChat official account server (公众号消息)")

WELCOME = (
    "欢迎关注江川市政务服务！我是智能客服，您可以直接发文字问我，例如：\n"
    "1. 办护照要带什么材料\n"
    "2. 营业执照办理要多久\n"
    "3. 帮我预约明天上午办身份证\n"
    "4. 查一下我的办件进度\n"
    "5. 我要投诉 / 转人工\n"
    "也可在“江川政务”小程序预约、取号、查进度。"
)
ONLY_TEXT = "您好，目前智能客服只能看懂文字消息，请用文字描述您要办理的事项，例如“办护照要带什么”。"
FALLBACK_TAG = "\n（智能客服繁忙，以上内容直接来自办事指南）"
MAX_REPLY_BYTES = 2000  # WeChat truncates longer passive text replies
REPLY_CACHE_SECONDS = 60  # WeChat retries an unanswered message up to 3 times within 15 s
CHOICES_SECONDS = 600
MAX_CLOCK_SKEW_SECONDS = 300  # WeChat's servers keep good time; a signed request older than this is a replay
RETRY_SECONDS = 20  # WeChat retries an unanswered message 3 times within 15 s; a retry may reuse the query


def _crypto() -> WeChatCrypto:
    cfg = current_app.config
    if not cfg["WECHAT_MP_AES_KEY"] or not cfg["WECHAT_MP_APP_ID"]:
        raise Unavailable("安全模式 needs WECHAT_MP_AES_KEY and WECHAT_MP_APP_ID", code="wechat_not_configured")
    return WeChatCrypto(cfg["WECHAT_MP_TOKEN"], cfg["WECHAT_MP_AES_KEY"], cfg["WECHAT_MP_APP_ID"])


@blp.route("/wechat", methods=["GET", "POST"])
@blp.doc(responses={"403": {"description": "missing or wrong signature"}})
def wechat():
    """WeChat server callback (signature, echostr, plain and AES-encrypted XML messages)."""
    token = current_app.config["WECHAT_MP_TOKEN"]
    if not token:  # an empty token would let anyone compute a valid signature
        raise Unavailable("the WeChat official account is not configured (WECHAT_MP_TOKEN)",
                          code="wechat_not_configured")
    args = request.args
    timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
    try:
        check_signature(token, args.get("signature", ""), timestamp, nonce)
    except InvalidSignatureException:
        raise Forbidden("missing or wrong WeChat signature", "signature", code="invalid_signature") from None
    # The signature covers the timestamp but never expires: a captured request could be replayed.
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        raise Forbidden("stale or missing WeChat timestamp", "timestamp", code="stale_timestamp")
    _use_nonce(args.get("signature", ""), timestamp, nonce, request.get_data())
    if request.method == "GET":
        return Response(args.get("echostr", ""), mimetype="text/plain")

    crypto = None if args.get("encrypt_type", "raw") == "raw" else _crypto()
    body = request.get_data()
    if crypto is not None:
        try:
            body = crypto.decrypt_message(body, args.get("msg_signature", ""), timestamp, nonce)
        except (InvalidSignatureException, InvalidAppIdException):
            raise Forbidden("wrong msg_signature or AppID of an encrypted message", "msg_signature",
                            code="invalid_signature") from None  # fmt: skip
        except Exception:  # not XML, no <Encrypt>, bad base64 or padding
            raise ValidationFailed("the encrypted message cannot be decrypted", "body") from None
    try:
        msg = parse_message(body)
    except Exception:
        msg = None
    if msg is None:
        raise ValidationFailed("the body is not a WeChat XML message", "body")

    text = _answer(msg)
    if text is None:
        return Response("success", mimetype="text/plain")  # WeChat's "no reply" answer
    xml = create_reply(text, msg).render()
    if crypto is not None:
        xml = crypto.encrypt_message(xml, nonce, timestamp)
    return Response(xml, mimetype="application/xml")


def _use_nonce(signature: str, timestamp: str, nonce: str, body: bytes) -> None:
    """A signed query string is good for one request while its timestamp is fresh: plain-mode signatures do not
    cover the body, so a captured one could otherwise carry any message. WeChat's own retries of the same
    message (same body, within RETRY_SECONDS) pass; anything else with a used nonce is 403 replayed_request.
    Redis: ``wechat:nonce:<sha256(signature:timestamp:nonce)>`` → "<sha256(body)> <first seen>", kept for
    twice the clock-skew window (longer than any timestamp it could still match)."""
    key = rkey("wechat", "nonce", hashlib.sha256(f"{signature}:{timestamp}:{nonce}".encode()).hexdigest())
    digest, now = hashlib.sha256(body).hexdigest(), time.time()
    if rds().set(key, f"{digest} {now:.0f}", nx=True, ex=2 * MAX_CLOCK_SKEW_SECONDS):
        return
    seen = (rds().get(key) or "").split()
    if len(seen) == 2 and seen[0] == digest and now - float(seen[1]) <= RETRY_SECONDS:
        return
    raise Forbidden("this signed request was already used", "nonce", code="replayed_request")


def _answer(msg) -> str | None:
    """The reply text for one message or event (None: nothing to say)."""
    if msg.type == "event":
        return WELCOME if msg.event in ("subscribe", "subscribe_scan") else None
    content = msg.content if msg.type == "text" else getattr(msg, "recognition", None)  # voice → text
    if not content or not content.strip():
        return ONLY_TEXT
    cache_key = rkey("wechat", "reply", msg.source, str(msg.id)) if msg.id else None
    cached = rds().get(cache_key) if cache_key else None
    if cached is not None:  # a retry of a message we already answered: same reply, no second bot turn
        return cached
    text = _bot_reply(msg.source, content.strip()[:500])
    if cache_key:
        rds().set(cache_key, text, ex=REPLY_CACHE_SECONDS)
    return text


def _bot_reply(openid: str, content: str) -> str:
    choices_key = rkey("wechat", "choices", openid)
    if content.isdigit():  # "2" picks the second option offered last time (WeChat has no buttons)
        options = json.loads(rds().get(choices_key) or "[]")
        if 1 <= int(content) <= len(options):
            content = options[int(content) - 1]
    # The follower is known from WeChat's signature; no client address (WeChat's servers send for everyone).
    turn = chat_turn(f"wx-{openid}", content, _follower(openid),
                     timeout=current_app.config["WECHAT_RASA_TIMEOUT"], channel="wechat")  # fmt: skip
    parts, options = [], []
    for reply in turn["replies"]:
        lines = [reply["text"]] if reply["text"] else []
        for button in reply["buttons"]:
            options.append(button["payload"] or button["title"])
            lines.append(f"{len(options)}. {button['title']}")
        if reply["buttons"]:
            lines.append("（回复序号即可选择）")
        parts.append("\n".join(lines))
    if options:
        rds().set(choices_key, json.dumps(options, ensure_ascii=False), ex=CHOICES_SECONDS)
    text = "\n\n".join(p for p in parts if p) or "抱歉，我没有理解您的意思，请换个说法，或发送“转人工”。"
    if turn["source"] == "kb_fallback":
        text += FALLBACK_TAG
    return _truncate(text)


def _truncate(text: str) -> str:
    if len(text.encode()) <= MAX_REPLY_BYTES:
        return text
    tail = "…（完整内容请在“江川政务”小程序查看）"
    budget = MAX_REPLY_BYTES - len(tail.encode())
    return text.encode()[:budget].decode(errors="ignore") + tail


def _follower(openid: str) -> dict:
    """The resident behind this verified follower ({"resident_id","openid"}), remembered for a day; the first
    time links the follower to their mini-program resident when WeChat tells the unionid."""
    key = rkey("wechat", "resident", openid)
    resident_id = rds().get(key)
    if not resident_id:
        resident_id = find_or_create_resident(openid, unionid=follower_unionid(openid), app="mp")
        rds().set(key, resident_id, ex=24 * 3600)
    return {"resident_id": resident_id, "openid": openid}
