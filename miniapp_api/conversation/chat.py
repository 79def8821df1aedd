"""One chat turn: through the Rasa bot when it answers in time, else straight from the knowledge base.

Both the mini-program (/api/v1/chat) and the WeChat official account (/wechat) use ``chat_turn``.
The answer says which path it took (``source`` rasa | kb_fallback) so a client can tell the
resident that booking and look-ups are unavailable while the bot is down.
"""

from __future__ import annotations

import concurrent.futures
import logging
import re
import time

from flask import current_app

from miniapp_api.appeals.delivery import take_messages
from miniapp_api.conversation import handoffs, rasa_client
from miniapp_api.core.stores import rds, rkey
from miniapp_api.core.vocabulary import CASE_NO_PATTERN, FIELD_INTENTS, KB_INTENTS
from miniapp_api.guides.catalogue import published_guides
from miniapp_api.identity.chat_identity import begin_turn, conversation_id
from miniapp_api.kb.answers import compose
from miniapp_api.kb.index import Outcome
from miniapp_api.kb.service import knowledge_base

log = logging.getLogger(__name__)

# Ordered: the first match wins ("取消预约" is cancel, not book). Used when Rasa's NLU is unreachable.
KEYWORD_INTENTS: list[tuple[str, re.Pattern]] = [
    ("human_handoff", re.compile(r"转人工|人工客服|人工服务|找人工|真人|接线员|找个人")),
    ("complain", re.compile(r"投诉|举报|不满意|态度差|态度不好|推诿|刁难|乱收费|反映问题|吃拿卡要")),
    ("cancel_appointment", re.compile(r"取消.{0,4}预约|不约了|退号|取消.{0,2}号")),
    ("book_appointment", re.compile(r"预约|约个|约一下|帮我约|挂号|取号|排号|订个时间")),
    ("ask_progress",
     re.compile(r"进度|办到哪|到哪一步|办好了没|办好了吗|审批结果|查.{0,3}件|受理编号|" + CASE_NO_PATTERN, re.I)),
    ("greet", re.compile(r"^(你好|您好|在吗|hi|hello|哈喽|早上好|下午好)", re.I)),
    ("thanks", re.compile(r"谢谢|感谢|多谢")),
    ("goodbye", re.compile(r"再见|拜拜|没事了")),
]
FIELD_QUESTIONS = {
    "materials": "需要什么材料", "fee": "多少钱", "time_limit": "要多久", "location": "在哪里办",
    "contact": "咨询电话", "conditions": "办理条件", "process": "怎么办理", "online": "能网上办吗",
}  # fmt: skip
FALLBACK_NOTE = "智能客服暂时无法响应，以下回答直接来自办事指南知识库；预约、进度查询等功能请稍后再试。"
SORRY = "抱歉，没有找到相关的办事指南。您可以换个说法，或拨打 12345 政务服务热线转人工。"
SERVICE_DOWN = {
    "book_appointment": "预约功能暂时不可用，请稍后再试，或在“江川政务”小程序中预约。",
    "cancel_appointment": "取消预约功能暂时不可用，请稍后再试，或在小程序“我的预约”中取消。",
    "ask_progress": "进度查询暂时不可用，请稍后再试，或在小程序“办件查询”中输入受理编号查询。",
    "complain": "投诉登记暂时不可用，您可拨打 12345 政务服务热线反映。",
    "human_handoff": "人工客服请拨打 12345 政务服务热线（工作日 9:00-17:00）。",
    "greet": "您好！我是江川政务服务助手，可以咨询办事材料、费用、时限、地点等。",
    "thanks": "不客气，祝您办事顺利！",
    "goodbye": "再见，祝您办事顺利！",
}


def keyword_intent(text: str) -> str | None:
    for name, pattern in KEYWORD_INTENTS:
        if pattern.search(text):
            return name
    return None


def fallback_intent(text: str, outcome: Outcome) -> tuple[str, float]:
    """Intent without Rasa: service keywords first, then the guide field the KB detected."""
    name = keyword_intent(text)
    if name:
        return name, 0.6
    if outcome.field:
        return FIELD_INTENTS.get(outcome.field, "ask_process"), 0.5
    if outcome.status != "unanswerable":
        return "ask_process", 0.4  # a bare item name: tell them about the item
    return "out_of_scope", 0.3


def _context_key(session_id: str) -> str:
    return rkey("chat", session_id)


def remember_item(session_id: str, item_code: str | None) -> None:
    if item_code:
        rds().set(_context_key(session_id), item_code, ex=current_app.config["CHAT_CONTEXT_TTL"])


def remembered_item(session_id: str) -> str | None:
    return rds().get(_context_key(session_id))


def resolve_item(value: str) -> str | None:
    """An item mention (code, name, alias, 口语) → its code, when the knowledge base is sure."""
    if value.upper() in published_guides():  # the bot's synonym mapper already gives codes
        return value.upper()
    outcome = knowledge_base().search(value, 1, log_unanswered=False)
    return outcome.results[0].item_code if outcome.status == "answered" and outcome.results else None


HANDOFF_FILED = "已为您转接人工客服，请稍候，客服接入后会在这里回复您（也可拨打 12345 政务服务热线）。"
HANDOFF_REASON = "转人工（智能客服不可用时）"


def _file_handoff(session_id: str, text: str, channel: str, openid: str | None) -> str:
    """The bot is down but the resident asked for a person: file the handoff the bot would have filed (an
    open one for the session is updated, not duplicated); the agents' queue sees it live."""
    try:
        handoffs.create_handoff(session_id, HANDOFF_REASON, [{"sender": "user", "text": text}], channel,
                                trusted=True, openid=openid if channel == "wechat" else None)  # fmt: skip
    except Exception:  # MongoDB trouble too: say how to reach a person rather than fail the turn
        log.exception("handoff for session %s could not be filed", session_id)
        return SERVICE_DOWN["human_handoff"]
    return HANDOFF_FILED


def kb_answer(session_id: str, text: str, channel: str = "api", openid: str | None = None) -> dict:
    """Answer from the knowledge base alone (the bot is down), carrying the topic over."""
    outcome = knowledge_base().search(text, 3)
    intent, confidence = fallback_intent(text, outcome)
    turn = {"intent": intent, "confidence": confidence, "item_code": None, "status": outcome.status,
            "source": "kb_fallback", "note": FALLBACK_NOTE}  # fmt: skip
    previous = remembered_item(session_id)
    guides = published_guides()
    if intent == "human_handoff":
        turn.update(replies=[_reply(_file_handoff(session_id, text, channel, openid))], status=None, item_code=previous)
    elif intent in SERVICE_DOWN:
        turn.update(replies=[_reply(SERVICE_DOWN[intent])], status=None, item_code=previous)
    elif outcome.status == "answered":
        top = outcome.results[0]
        turn.update(replies=[_reply(top.answer)], item_code=top.item_code)
    elif outcome.status == "clarify":
        question = FIELD_QUESTIONS.get(outcome.field or "", "怎么办理")
        buttons = [{"title": r.item_name, "payload": f"{r.item_name}{question}"} for r in outcome.results]
        turn.update(replies=[_reply("您想咨询的是以下哪一项？", buttons)])
    elif previous in guides and outcome.field:  # "那要多少钱？" after a question about an item
        turn.update(replies=[_reply(compose(guides[previous], outcome.field))], item_code=previous,
                    status="answered")  # fmt: skip
    else:
        turn.update(replies=[_reply(SORRY)])
    remember_item(session_id, turn["item_code"])
    return turn


def _reply(text: str, buttons: list[dict] | None = None) -> dict:
    return {"text": text, "buttons": buttons or []}


def _replies_and_meta(messages: list[dict]) -> tuple[list[dict], dict]:
    """Rasa messages → replies for the client, plus intent/item_code/status from custom payloads."""
    replies, meta = [], {}
    for m in messages:
        custom = m.get("custom")
        if isinstance(custom, dict):
            meta.update({k: custom[k] for k in ("intent", "item_code", "status") if k in custom})
        if m.get("text") or m.get("buttons") or m.get("image"):
            buttons = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                       for b in m.get("buttons") or [] if isinstance(b, dict)]  # fmt: skip
            reply = _reply(str(m.get("text") or ""), buttons)
            if m.get("image"):
                reply["image"] = str(m["image"])
            replies.append(reply)
    return replies, meta


def chat_turn(session_id: str, text: str, resident: dict | None = None, timeout: float | None = None,
              channel: str = "api", client_ip: str | None = None) -> dict:  # fmt: skip
    """One turn: {"replies","intent","item_code","status","source", "note"?}.

    ``resident``: who this turn's own credentials name ({"resident_id","openid"}), or None. The bot's
    conversation is the session as used by that resident (``conversation_id``), and the bot may act for the
    resident only while this turn's record lives; it is never handed a token (see identity.chat_identity)."""
    cfg = current_app.config
    timeout = timeout if timeout is not None else cfg["CHAT_RASA_TIMEOUT"]
    started = time.monotonic()
    session_id = conversation_id(session_id, (resident or {}).get("resident_id"), channel)
    begin_turn(session_id, resident, client_ip, channel)
    held = handoffs.person_turn(session_id, text)  # a person holds this conversation: the bot stays silent
    if held is not None:
        return with_appeal_replies(session_id, held)
    metadata = {"channel": channel, "signed_in": resident is not None}
    # NLU in parallel, so the intent costs no extra round trip when the bot sends no custom payload.
    parsed = rasa_client.parse_async(text, timeout)
    try:
        messages = rasa_client.send_message(cfg["RASA_URL"], session_id, text, metadata, timeout)
    except rasa_client.RasaUnavailable as exc:
        parsed.cancel()
        log.warning("Rasa unavailable for session %s (%s); answering from the knowledge base", session_id, exc)
        return with_appeal_replies(session_id, kb_answer(session_id, text, channel, (resident or {}).get("openid")))
    if not messages:  # Rasa answered but said nothing: its action server is down or an action failed
        parsed.cancel()
        log.warning("Rasa gave no reply for session %s; answering from the knowledge base", session_id)
        return with_appeal_replies(session_id, kb_answer(session_id, text, channel, (resident or {}).get("openid")))
    replies, meta = _replies_and_meta(messages)
    turn = {"replies": replies, "intent": meta.get("intent"), "confidence": None,
            "item_code": meta.get("item_code"), "status": meta.get("status"), "source": "rasa"}  # fmt: skip
    if turn["intent"] is None or "item_code" not in meta:
        _fill_from_parse(turn, parsed, max(0.2, timeout - (time.monotonic() - started)), session_id)
    else:
        parsed.cancel()
    remember_item(session_id, turn["item_code"])
    return with_appeal_replies(session_id, turn)


def with_appeal_replies(session_id: str, turn: dict) -> dict:
    """Replies to appeals filed in this session come first: a chat can only answer, never call the resident."""
    notices = handoffs.take_agent_messages(session_id) + take_messages(session_id)  # agents' replies too
    if notices:
        turn["replies"] = [_reply(text) for text in notices] + turn["replies"]
    return turn


def _fill_from_parse(turn: dict, parsed: concurrent.futures.Future, wait: float, session_id: str) -> None:
    try:
        nlu = parsed.result(timeout=wait)
    except (rasa_client.RasaUnavailable, concurrent.futures.TimeoutError, concurrent.futures.CancelledError):
        return
    intent = nlu.get("intent") or {}
    turn["intent"] = turn["intent"] or intent.get("name")
    turn["confidence"] = intent.get("confidence")
    if turn["item_code"] is None:
        mention = next((e.get("value") for e in nlu.get("entities") or [] if e.get("entity") == "item"), None)
        code = resolve_item(str(mention)) if mention else None
        if code is None and turn["intent"] in KB_INTENTS and turn["status"] in (None, "answered"):
            code = remembered_item(session_id)  # the topic carries over, as in the bot
        turn["item_code"] = code
    if turn["status"] is None and turn["intent"] in KB_INTENTS:
        clarifying = any(r["buttons"] for r in turn["replies"])
        turn["status"] = "answered" if turn["item_code"] and not clarifying else ("clarify" if clarifying else None)
