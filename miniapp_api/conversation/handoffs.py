"""Conversations handed over to a person (转人工), with their transcript, and staff claiming them."""

from __future__ import annotations

import datetime as dt
import uuid

from flask import current_app
from pymongo import ReturnDocument

from miniapp_api.core.errors import Conflict, NotFound
from miniapp_api.core.pii import mask_pii
from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.live.publish import publish_quietly


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def ensure_indexes(db) -> None:
    """What a real MongoDB needs: every chat turn asks for the session's claimed handoff (when the Redis flag
    is lost), the queue lists by status and age, messages are read per handoff and per session."""
    db["handoffs"].create_index([("session_id", 1), ("status", 1)])
    db["handoffs"].create_index([("status", 1), ("created_at", -1)])
    db[MESSAGES].create_index([("handoff_id", 1), ("created_at", 1)])
    db[MESSAGES].create_index([("session_id", 1), ("sender", 1), ("shown_at", 1), ("created_at", 1)])


# --- "held" flag: a chat turn must not read MongoDB to learn that nobody holds the conversation -------------
# Redis ``handoff:held:<session_id>`` = handoff id while an agent holds it (set on claim, removed on close).
# ``handoff:held:ready`` says the flags were rebuilt from MongoDB since Redis last lost them; without it the
# first turn rebuilds them (one query over claimed handoffs), so a Redis restart never lets the bot answer a
# conversation a person holds.
HELD_TTL = 7 * 24 * 3600


def _held_key(session_id: str) -> str:
    return rkey("handoff", "held", session_id)


def _ready_key() -> str:
    return rkey("handoff", "held", "ready")


def _set_held(session_id: str, handoff_id: str | None) -> None:
    if handoff_id:
        rds().set(_held_key(session_id), handoff_id, ex=HELD_TTL)
    else:
        rds().delete(_held_key(session_id))


def rebuild_held_flags() -> int:
    """Set the flag of every claimed handoff from MongoDB (after Redis lost them); returns how many."""
    rows = list(mongo()["handoffs"].find({"status": "claimed"}, {"session_id": 1}))
    pipe = rds().pipeline(transaction=False)
    for doc in rows:
        pipe.set(_held_key(doc["session_id"]), doc["_id"], ex=HELD_TTL)
    pipe.set(_ready_key(), "1")
    pipe.execute()
    return len(rows)


def held_handoff_id(session_id: str) -> str | None:
    """The id of the handoff a person holds for ``session_id`` (Redis only, after the first rebuild)."""
    flag, ready = rds().mget([_held_key(session_id), _ready_key()])
    if flag or ready:
        return flag or None
    rebuild_held_flags()
    return rds().get(_held_key(session_id))


def _view(doc: dict) -> dict:
    out = {k: v for k, v in doc.items() if k != "_id"}
    out["handoff_id"] = doc["_id"]
    for key in ("created_at", "updated_at", "claimed_at", "closed_at"):
        if isinstance(out.get(key), dt.datetime):
            out[key] = out[key].isoformat()
    return out


def create_handoff(session_id: str, reason: str, transcript: list[dict], channel: str | None,
                   trusted: bool = False, openid: str | None = None) -> dict:  # fmt: skip
    """Open a handoff; while one is open for the session, update it (repeated failures make one task).

    Only a ``trusted`` caller — the bot in a live turn of this conversation, or its signed-in resident — may
    update an open handoff; anyone else who names the same session gets 409 and changes nothing. ID and
    phone numbers in the transcript are masked: agents read it, and it is kept. ``openid``: the WeChat
    follower of a conversation from the official account (known from the turn), to push the agent's replies."""
    now = _now()
    transcript = [dict(t, text=mask_pii(str(t.get("text", "")))) for t in transcript]
    if not trusted and mongo()["handoffs"].find_one({"session_id": session_id, "status": "open"}, {"_id": 1}):
        raise Conflict("a handoff is already open for this conversation", "session_id", code="handoff_open")
    fields = {"reason": reason, "transcript": transcript, "updated_at": now, **({"openid": openid} if openid else {})}
    doc = mongo()["handoffs"].find_one_and_update(
        {"session_id": session_id, "status": "open"},
        {"$set": fields,
         "$setOnInsert": {"_id": uuid.uuid4().hex, "created_at": now, "channel": channel}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )  # fmt: skip
    _announce({"type": "open", "handoff_id": doc["_id"]})
    return _view(doc)


def list_handoffs(status: str | None, limit: int) -> list[dict]:
    query = {"status": status} if status else {}
    now = _now()
    return [dict(_view(d), waited_seconds=waited_seconds(d, now))
            for d in mongo()["handoffs"].find(query).sort("created_at", -1).limit(limit)]


def claim_handoff(handoff_id: str, username: str) -> dict:
    """Atomically take an open handoff; a second agent gets 409."""
    doc = mongo()["handoffs"].find_one_and_update(
        {"_id": handoff_id, "status": "open"},
        {"$set": {"status": "claimed", "claimed_by": username, "claimed_at": _now()}},
        return_document=ReturnDocument.AFTER,
    )
    if doc is None:
        existing = mongo()["handoffs"].find_one({"_id": handoff_id})
        if existing is None:
            raise NotFound("no such handoff", "handoff_id")
        raise Conflict(f"already {existing['status']} by {existing.get('claimed_by')}", "handoff_id")
    _set_held(doc["session_id"], handoff_id)
    _announce({"type": "claimed", "handoff_id": handoff_id})
    view = _view(doc)
    view["waited_seconds"] = waited_seconds(doc)
    return view


# --- A person holds the conversation: replies, the resident's messages, closing (issue 9) ---------------------
# Messages between the agent and the resident live in ``handoff_messages`` (one document each); an agent's
# message is shown to the resident once, before the next chat turn's replies (``shown_at``), and stays
# readable as history (``conversation_messages``). The bot hears nothing while a handoff is claimed:
# chat_turn asks ``person_turn`` first.
MESSAGES = "handoff_messages"
LIVE_TOPIC = "handoffs"  # staff topic: the agents' queue and the open conversation refresh on it
HELD_NOTE = "人工客服{agent}正在为您服务，请稍候。"
CLOSED_NOTE = "人工客服已结束本次服务，智能助手将继续为您服务。"
MAX_SHOWN = 10


def _announce(event: dict) -> None:
    # The write already happened; a live update is a courtesy (publish_quietly never raises).
    publish_quietly(rds(), current_app.config["REDIS_PREFIX"], LIVE_TOPIC, event)


def waited_seconds(doc: dict, now: dt.datetime | None = None) -> int:
    """How long the resident waited for a person: until the claim, or until now while nobody took it."""
    created = _aware(doc["created_at"])
    end = _aware(doc["claimed_at"]) if doc.get("claimed_at") else (now or _now())
    return max(0, int((end - created).total_seconds()))


def _aware(value: dt.datetime) -> dt.datetime:
    # mongomock and pymongo return naive UTC datetimes
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _add_message(doc: dict, sender: str, text: str, agent: str | None = None) -> dict:
    message = {"_id": uuid.uuid4().hex, "handoff_id": doc["_id"], "session_id": doc["session_id"],
               "sender": sender, "agent": agent, "text": mask_pii(text), "created_at": _now(),
               "shown_at": None if sender == "agent" else _now()}  # fmt: skip
    mongo()[MESSAGES].insert_one(message)
    return message


def _message_view(m: dict) -> dict:
    view = {"sender": m["sender"], "agent": m.get("agent"), "text": m["text"],
            "at": _aware(m["created_at"]).isoformat()}  # fmt: skip
    if m.get("push"):
        view["push"] = m["push"]
    return view


def get_handoff(handoff_id: str) -> dict:
    """A handoff with its messages since the handoff and the waiting time."""
    doc = mongo()["handoffs"].find_one({"_id": handoff_id})
    if doc is None:
        raise NotFound("no such handoff", "handoff_id")
    view = _view(doc)
    view["waited_seconds"] = waited_seconds(doc)
    rows = mongo()[MESSAGES].find({"handoff_id": handoff_id}).sort("created_at", 1)
    view["messages"] = [_message_view(m) for m in rows]
    return view


def _held_by(handoff_id: str, username: str) -> dict:
    doc = mongo()["handoffs"].find_one({"_id": handoff_id})
    if doc is None:
        raise NotFound("no such handoff", "handoff_id")
    if doc["status"] != "claimed" or doc.get("claimed_by") != username:
        raise Conflict(f"this handoff is {doc['status']}" + (f" by {doc['claimed_by']}" if doc.get("claimed_by")
                       else "") + "; claim it first", "handoff_id", code="handoff_not_held")  # fmt: skip
    return doc


def agent_reply(handoff_id: str, username: str, text: str) -> dict:
    """The agent holding the handoff answers; the resident sees it on the next chat turn (or GET)."""
    doc = _held_by(handoff_id, username)
    message = _add_message(doc, "agent", text, agent=username)
    if doc.get("openid"):
        message["push"] = push_to_wechat(doc["openid"], message)
    _announce({"type": "message", "handoff_id": handoff_id})
    return _message_view(message)


def push_to_wechat(openid: str, message: dict) -> str:
    """Send the agent's message to the follower at once (客服消息 message/custom/send), so the resident need
    not write again to see it. WeChat allows it within 48 h of the follower's last message; when it refuses
    (or is unreachable) the message stays unshown and leads the next passive reply instead. Returns
    "sent" or "failed:<errcode>", kept on the message."""
    from miniapp_api.core.wechat_client import mp_client

    cfg = current_app.config
    if not cfg.get("WECHAT_MP_APP_ID") or not cfg.get("WECHAT_MP_APP_SECRET"):
        outcome = "failed:not_configured"
    else:
        try:
            mp_client().message.send_text(openid, f"【人工客服】{message['text']}")
            outcome = "sent"
        except Exception as exc:  # WeChatClientException (45015: 48 h passed), network: fall back to the reply
            outcome = f"failed:{getattr(exc, 'errcode', None) or exc.__class__.__name__}"
            current_app.logger.warning("customer-service push for handoff %s failed: %s", message["handoff_id"],
                                       outcome)  # fmt: skip
    update: dict = {"push": outcome}
    if outcome == "sent":
        update["shown_at"] = _now()  # delivered in WeChat: not repeated in the next passive reply
    mongo()[MESSAGES].update_one({"_id": message["_id"]}, {"$set": update})
    return outcome


def close_handoff(handoff_id: str, username: str) -> dict:
    """The agent ends it; the bot answers the conversation's next turn again."""
    doc = _held_by(handoff_id, username)
    closed = mongo()["handoffs"].find_one_and_update(
        {"_id": handoff_id, "status": "claimed"}, {"$set": {"status": "closed", "closed_at": _now()}},
        return_document=ReturnDocument.AFTER)  # fmt: skip
    if closed is None:  # closed by a concurrent request of the same agent
        raise Conflict("this handoff is already closed", "handoff_id", code="handoff_not_held")
    _set_held(doc["session_id"], None)
    _add_message(doc, "agent", CLOSED_NOTE, agent=username)
    _announce({"type": "closed", "handoff_id": handoff_id})
    return get_handoff(handoff_id)


def person_turn(session_id: str, text: str) -> dict | None:
    """The chat turn while a person holds ``session_id``: the resident's words go to the agent and the
    bot is not asked (None when no handoff is claimed: the bot answers as usual). Redis answers the common case
    (nobody holds it) without a MongoDB read."""
    if held_handoff_id(session_id) is None:
        return None
    doc = mongo()["handoffs"].find_one({"session_id": session_id, "status": "claimed"})
    if doc is None:  # closed meanwhile by another worker: the flag is stale
        _set_held(session_id, None)
        return None
    _add_message(doc, "user", text)
    _announce({"type": "message", "handoff_id": doc["_id"]})
    replies = [] if _has_unshown(session_id) else [{"text": HELD_NOTE.format(agent=doc.get("claimed_by") or ""),
                                                    "buttons": []}]  # fmt: skip
    return {"replies": replies, "intent": "human_handoff", "confidence": None, "item_code": None,
            "status": "held", "source": "agent"}  # fmt: skip


def _has_unshown(session_id: str) -> bool:
    return mongo()[MESSAGES].find_one({"session_id": session_id, "sender": "agent", "shown_at": None}) is not None


def take_agent_messages(session_id: str) -> list[str]:
    """The agent's messages the resident has not seen, oldest first; each is shown once."""
    out = []
    for _ in range(MAX_SHOWN):
        doc = mongo()[MESSAGES].find_one_and_update(
            {"session_id": session_id, "sender": "agent", "shown_at": None}, {"$set": {"shown_at": _now()}},
            sort=[("created_at", 1)], return_document=ReturnDocument.AFTER)  # fmt: skip
        if doc is None:
            break
        out.append(f"【人工客服】{doc['text']}")
    return out


def conversation_state(session_id: str, limit: int = 50) -> dict:
    """What the resident's chat page shows without sending a turn: who holds the conversation and the
    messages exchanged with agents (newest ``limit``, oldest first). Reading does not mark them shown."""
    held = mongo()["handoffs"].find_one({"session_id": session_id, "status": {"$in": ["open", "claimed"]}},
                                        sort=[("created_at", -1)])  # fmt: skip
    rows = list(mongo()[MESSAGES].find({"session_id": session_id}).sort("created_at", -1).limit(limit))
    return {"handoff_status": held["status"] if held else None,
            "agent": held.get("claimed_by") if held else None,
            "messages": [_message_view(m) for m in reversed(rows)]}  # fmt: skip
