from __future__ import annotations

import base64
import hashlib
import os
import time

import pytest
import responses

from tests.conversation.chat.fakes import CHAT_CONFIG
from tests.factories import seeded_app

TOKEN = "wechat-test-token"
APP_ID = "wx1234567890abcdef"
AES_KEY = base64.b64encode(os.urandom(32)).decode().rstrip("=")  # 43 characters, as WeChat issues them
OPENID = "oAbCdEfGhIjKlMnOpQrStUvWxYz0"


@pytest.fixture
def app(app_config):
    app_config.update(CHAT_CONFIG, WECHAT_MP_TOKEN=TOKEN, WECHAT_MP_AES_KEY=AES_KEY, WECHAT_MP_APP_ID=APP_ID)
    return seeded_app(app_config)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def signed_args(token: str = TOKEN, age_seconds: int = 0, **extra) -> dict:
    """Query arguments WeChat adds to every callback: signature = sha1(sorted(token, timestamp, nonce))."""
    timestamp, nonce = str(int(time.time()) - age_seconds), os.urandom(4).hex()
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": timestamp, "nonce": nonce, **extra}


def text_xml(content: str, msg_id: int = 1234567890123456, openid: str = OPENID) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_jiangchuan]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def event_xml(event: str, openid: str = OPENID) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_jiangchuan]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event></xml>")


def image_xml(openid: str = OPENID) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_jiangchuan]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[image]]></MsgType>"
            "<PicUrl><![CDATA[http://mmbiz.qpic.cn/x.jpg]]></PicUrl><MediaId><![CDATA[media_id]]></MediaId>"
            "<MsgId>1234567890123457</MsgId></xml>")
