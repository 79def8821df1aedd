"""A reply reaches the resident: a subscribe message, and a message the chat shows on the next turn.

The subscribe message goes through the notify area (queued, retried by its worker) when the appeal
is linked to a signed-in resident. When the appeal came from a chat session (mini-program chat or
the WeChat official account, whose sessions are ``wx-<openid>``) the reply is also stored for that
session; the chat turn puts it before the bot's answer (``take_messages``), because a passive
WeChat reply can only answer a message the resident sends. Appeals merged into this one (并案)
get the same reply.
"""

from __future__ import annotations

import datetime as dt
import logging

from pymongo import ReturnDocument

from miniapp_api.appeals import rules
from miniapp_api.core.stores import mongo
from miniapp_api.notify import service as notify

log = logging.getLogger(__name__)
MESSAGES = "appeal_messages"
MAX_SHOWN = 5  # messages put before one chat turn; the rest wait for the next


def _text(appeal: dict, reply: dict) -> str:
    merged = f"（已与 {reply['_id']} 并案办理）" if appeal["_id"] != reply["_id"] else ""
    department = reply.get("replied_by") or "承办单位"
    return (f"【诉求答复】您的诉求 {appeal['_id']}{merged} 已由{department}答复：{reply['reply']}\n"
            "请在 7 天内评价（满意 / 基本满意 / 不满意）：在“江川政务”小程序“我的诉求”中评价，"
            "不满意的可重新办理一次。")


def _tell(appeal: dict, reply: dict) -> None:
    text = _text(appeal, reply)
    if appeal.get("resident_id"):
        notify.enqueue("appeal_reply", appeal["resident_id"], {
            "appeal_no": appeal["_id"], "department": reply.get("replied_by"), "reply": reply["reply"],
            "status_label": rules.STATUS_LABELS[reply["status"]], "at": reply["replied_at"].isoformat()})  # fmt: skip
    if appeal.get("session_id"):
        mongo()[MESSAGES].insert_one({"session_id": appeal["session_id"], "appeal_no": appeal["_id"], "text": text,
                                      "created_at": reply["replied_at"], "shown_at": None})  # fmt: skip


def deliver_reply(appeal: dict) -> None:
    """Tell the resident of ``appeal`` (just replied) and of every appeal merged into it."""
    _tell(appeal, appeal)
    for number in appeal.get("duplicates") or []:
        duplicate = mongo()["appeals"].find_one({"_id": number}, {"resident_id": 1, "session_id": 1})
        if duplicate:
            _tell(duplicate, appeal)


def take_messages(session_id: str, now: dt.datetime | None = None) -> list[str]:
    """The stored replies of a chat session not shown yet, oldest first; each is shown once."""
    now = now or dt.datetime.now(dt.UTC)
    out = []
    for _ in range(MAX_SHOWN):
        doc = mongo()[MESSAGES].find_one_and_update(
            {"session_id": session_id, "shown_at": None}, {"$set": {"shown_at": now}},
            sort=[("created_at", 1)], return_document=ReturnDocument.AFTER)  # fmt: skip
        if doc is None:
            break
        out.append(doc["text"])
    return out


def messages_of(session_id: str, limit: int = 20) -> list[dict]:
    """Every stored reply of a session, newest first (the session's history shows them)."""
    rows = mongo()[MESSAGES].find({"session_id": session_id}, {"_id": 0}).sort("created_at", -1).limit(limit)
    return [{"appeal_no": r["appeal_no"], "text": r["text"], "at": r["created_at"].isoformat(),
             "shown": r["shown_at"] is not None} for r in rows]  # fmt: skip
