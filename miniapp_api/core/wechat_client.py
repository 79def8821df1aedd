"""The wechatpy client factories: the mini-program's, and the official account's (公众号).

The access token lives in Redis through wechatpy's RedisStorage under our key prefix, so every
worker shares one token instead of each fetching its own (WeChat limits token fetches per day).
"""

from __future__ import annotations

from flask import current_app
from wechatpy import WeChatClient
from wechatpy.session.redisstorage import RedisStorage

from miniapp_api.core.stores import rds, rkey


def _client(app_id: str, secret: str, token_prefix: str, timeout: float) -> WeChatClient:
    return WeChatClient(app_id, secret, session=RedisStorage(rds(), prefix=rkey(token_prefix)), timeout=timeout)


def wechat_client() -> WeChatClient:
    """The mini-program's client."""
    cfg = current_app.config
    return _client(cfg["WECHAT_APP_ID"], cfg["WECHAT_APP_SECRET"], "wechat", cfg.get("WECHAT_TIMEOUT", 5))


# A follower's message must be answered within WeChat's 5 s: the unionid lookup gets a short leash.
MP_USER_INFO_TIMEOUT = 1.5


def mp_client() -> WeChatClient:
    """The official account's client (its own access token, also shared through Redis)."""
    cfg = current_app.config
    return _client(cfg["WECHAT_MP_APP_ID"], cfg["WECHAT_MP_APP_SECRET"], "wechat_mp", MP_USER_INFO_TIMEOUT)


def follower_unionid(openid: str) -> str | None:
    """The follower's unionid (user/info), or None: not configured, not bound, or WeChat failed."""
    cfg = current_app.config
    if not cfg["WECHAT_MP_APP_ID"] or not cfg["WECHAT_MP_APP_SECRET"]:
        return None
    try:
        info = mp_client().user.get(openid)
    except Exception:  # WeChat errors, network, wechatpy's own token-retry loops: chat on, unlinked
        current_app.logger.warning("user/info for a follower failed; chatting as a separate resident", exc_info=True)
        return None
    return info.get("unionid") if isinstance(info, dict) else None
