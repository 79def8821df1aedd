"""The one wechatpy client factory (mini-program app id / secret from config).

The access token lives in Redis through wechatpy's RedisStorage under our key prefix, so every
worker shares one token instead of each fetching its own (WeChat limits token fetches per day).
"""

from __future__ import annotations

from flask import current_app
from wechatpy import WeChatClient
from wechatpy.session.redisstorage import RedisStorage

from miniapp_api.stores import rds, rkey


def wechat_client() -> WeChatClient:
    cfg = current_app.config
    storage = RedisStorage(rds(), prefix=rkey("wechat"))
    return WeChatClient(
        cfg["WECHAT_APP_ID"], cfg["WECHAT_APP_SECRET"], session=storage, timeout=cfg.get("WECHAT_TIMEOUT", 5)
    )
