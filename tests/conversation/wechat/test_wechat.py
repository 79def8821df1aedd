"""/wechat: signature check, echo, plain and AES (安全模式) messages, events, other message types."""

from __future__ import annotations

import json

import xmltodict
from wechatpy.crypto import WeChatCrypto

from tests.conversation.chat.fakes import bot_replies, nlu_answers, sent_to_webhook
from tests.conversation.wechat.conftest import (
    AES_KEY,
    APP_ID,
    OPENID,
    TOKEN,
    event_xml,
    image_xml,
    signed_args,
    text_xml,
)


def _content(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)
    return xmltodict.parse(response.data)["xml"]["Content"]


def test_echo_with_a_good_signature(client):
    response = client.get("/wechat", query_string=signed_args(echostr="echo-8812"))
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "echo-8812"


def test_echo_with_a_bad_or_missing_signature_is_403(client):
    for args in (signed_args(token="wrong-token", echostr="x"), {"echostr": "x"}):
        response = client.get("/wechat", query_string=args)
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "invalid_signature"
        assert response.get_json()["error"]["field"] == "signature"


def test_a_correctly_signed_but_old_request_is_refused_as_a_replay(client, rsps):
    assert client.get("/wechat", query_string=signed_args(age_seconds=200, echostr="e")).status_code == 200
    for method in (client.get, client.post):
        response = method("/wechat", query_string=signed_args(age_seconds=400, echostr="e"), data=text_xml("护照"),
                          content_type="text/xml")  # fmt: skip
        assert response.status_code == 403 and response.get_json()["error"]["field"] == "timestamp"
    assert sent_to_webhook(rsps) == []


def test_unsigned_post_is_403(client, rsps):
    response = client.post("/wechat", data=text_xml("护照"), content_type="text/xml")
    assert response.status_code == 403
    assert sent_to_webhook(rsps) == []


def test_plain_text_goes_to_the_bot_with_a_resident_session(app, client, rsps):
    bot_replies(rsps, [{"text": "【普通护照签发】需要准备的材料：居民身份证……"}])
    nlu_answers(rsps, "ask_materials")
    response = client.post("/wechat", query_string=signed_args(), data=text_xml("办护照要带什么"),
                           content_type="text/xml")
    reply = xmltodict.parse(response.data)["xml"]
    assert reply["ToUserName"] == OPENID and reply["MsgType"] == "text"
    assert "普通护照签发" in reply["Content"]
    sent = sent_to_webhook(rsps)[0]
    assert sent["metadata"] == {"channel": "wechat", "signed_in": True}  # no token travels to the bot
    assert OPENID not in sent["sender"]  # the conversation id is derived, not wx-<openid> anyone could name
    with app.app_context():
        from miniapp_api.core.stores import rds, rkey

        assert json.loads(rds().get(rkey("chat", "turn", sent["sender"])))["openid"] == OPENID


def test_the_conversation_is_kept_across_messages(client, rsps):
    bot_replies(rsps, [{"text": "好的"}])
    nlu_answers(rsps, "greet")
    for msg_id in (1, 2):
        client.post("/wechat", query_string=signed_args(), data=text_xml("你好", msg_id=msg_id))
    first, second = sent_to_webhook(rsps)
    assert first["sender"] == second["sender"]  # one follower, one conversation


def test_rasa_down_replies_from_the_knowledge_base(client, rsps):
    response = client.post("/wechat", query_string=signed_args(), data=text_xml("办护照要带什么材料"))
    content = _content(response)
    assert "普通护照签发" in content and "办事指南" in content


def test_a_retried_message_is_answered_once(client, rsps):
    bot_replies(rsps, [{"text": "【普通护照签发】收费标准……"}])
    nlu_answers(rsps, "ask_fee")
    replies = [_content(client.post("/wechat", query_string=signed_args(), data=text_xml("护照多少钱", msg_id=77)))
               for _ in range(3)]
    assert len(set(replies)) == 1
    assert len(sent_to_webhook(rsps)) == 1


def test_buttons_become_numbered_choices_and_a_digit_picks_one(client, rsps):
    bot_replies(rsps, [{"text": "您想办哪一项？", "buttons": [
        {"title": "往来港澳通行证签发", "payload": "往来港澳通行证签发怎么办理"},
        {"title": "烟草专卖零售许可证核发", "payload": "烟草专卖零售许可证核发怎么办理"}]}])
    nlu_answers(rsps, "ask_process")
    content = _content(client.post("/wechat", query_string=signed_args(), data=text_xml("办证", msg_id=10)))
    assert "1. 往来港澳通行证签发" in content and "2. 烟草专卖零售许可证核发" in content
    client.post("/wechat", query_string=signed_args(), data=text_xml("2", msg_id=11))
    assert sent_to_webhook(rsps)[-1]["message"] == "烟草专卖零售许可证核发怎么办理"


def test_aes_encrypted_message(client, rsps):
    bot_replies(rsps, [{"text": "【普通护照签发】收费标准：……"}])
    nlu_answers(rsps, "ask_fee")
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    args = signed_args(encrypt_type="aes")
    encrypted = crypto.encrypt_message(text_xml("护照多少钱"), args["nonce"], args["timestamp"])
    args["msg_signature"] = xmltodict.parse(encrypted)["xml"]["MsgSignature"]
    response = client.post("/wechat", query_string=args, data=encrypted, content_type="text/xml")
    assert response.status_code == 200, response.get_data(as_text=True)
    outer = xmltodict.parse(response.data)["xml"]
    assert "Encrypt" in outer and "Content" not in outer  # the reply is encrypted too
    plain = crypto.decrypt_message(response.data, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])
    assert "普通护照签发" in xmltodict.parse(plain)["xml"]["Content"]
    assert sent_to_webhook(rsps)[0]["message"] == "护照多少钱"


def test_aes_message_with_a_wrong_msg_signature_is_403(client, rsps):
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    args = signed_args(encrypt_type="aes", msg_signature="0" * 40)
    encrypted = crypto.encrypt_message(text_xml("护照多少钱"), args["nonce"], args["timestamp"])
    response = client.post("/wechat", query_string=args, data=encrypted)
    assert response.status_code == 403
    assert sent_to_webhook(rsps) == []


def test_aes_message_for_another_app_id_is_403(client, rsps):
    crypto = WeChatCrypto(TOKEN, AES_KEY, "wxanotherapp0000000")
    args = signed_args(encrypt_type="aes")
    encrypted = crypto.encrypt_message(text_xml("护照多少钱"), args["nonce"], args["timestamp"])
    args["msg_signature"] = xmltodict.parse(encrypted)["xml"]["MsgSignature"]
    assert client.post("/wechat", query_string=args, data=encrypted).status_code == 403


def test_subscribe_event_gets_the_welcome_menu(client, rsps):
    content = _content(client.post("/wechat", query_string=signed_args(), data=event_xml("subscribe")))
    assert "欢迎关注" in content and "护照" in content
    assert sent_to_webhook(rsps) == []


def test_unsubscribe_event_gets_no_reply(client):
    response = client.post("/wechat", query_string=signed_args(), data=event_xml("unsubscribe"))
    assert response.status_code == 200 and response.get_data(as_text=True) == "success"


def test_an_image_gets_a_polite_text(client, rsps):
    content = _content(client.post("/wechat", query_string=signed_args(), data=image_xml()))
    assert "文字" in content
    assert sent_to_webhook(rsps) == []


def test_signed_garbage_is_400(client):
    response = client.post("/wechat", query_string=signed_args(), data=b"not xml at all")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "body"


def test_not_configured_is_503(app, client):
    app.config["WECHAT_MP_TOKEN"] = ""
    response = client.get("/wechat", query_string=signed_args(token="", echostr="x"))
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "wechat_not_configured"
