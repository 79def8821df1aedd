"""Who a chat turn speaks for, and who is asking when the bot calls the API.

Chat channels (``/api/v1/chat``, ``/wechat``) name a conversation with a session id the client chooses.
The conversation the bot keeps (its Rasa tracker) is not that id but ``conversation_id(session, resident,
channel)``: a keyed hash of the id *and* the resident signed in for the turn. A session id used without
that resident's credentials therefore reaches another, empty conversation — knowing someone's session id
(or ``wx-<openid>``) gives nothing.

The bot never holds a resident's token. While the API runs a turn, it keeps a short-lived *turn record*
``chat:turn:<conversation>`` → {resident_id, openid, ip, channel}, written from that turn's own
credentials. The action server calls the API with the service token ``BOT_API_TOKEN`` and the conversation
id (headers ``X-Bot-Token``, ``X-Chat-Conversation``); the API then acts for the resident of the live turn
record, or for nobody. Trackers hold no bearer token: the message metadata only says ``signed_in``.

``requester()`` gives the lookups (cases, appeals) who is guessing: the end user's address and session as
the channel saw them, not the action server's loopback address that every chat user shares.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from flask import current_app, request

from miniapp_api.core.errors import Unauthorized
from miniapp_api.core.stores import rds, rkey

BOT_TOKEN_HEADER = "X-Bot-Token"
CONVERSATION_HEADER = "X-Chat-Conversation"


def conversation_id(session_id: str, resident_id: str | None, channel: str) -> str:
    """The bot's conversation for ``session_id`` as used by ``resident_id`` (None: anonymous) on ``channel``."""
    key = current_app.config["SECRET_KEY"].encode()
    owner = resident_id or "-"
    digest = hmac.new(key, f"chat|{channel}|{owner}|{session_id}".encode(), hashlib.sha256).hexdigest()
    return f"{'wx' if channel == 'wechat' else 'c'}-{digest[:40]}"  # the prefix still tells the channel


def begin_turn(conversation: str, resident: dict | None, client_ip: str | None, channel: str) -> None:
    """Record who this turn is for, until CHAT_TURN_TTL seconds pass (longer than any turn runs)."""
    record = {"resident_id": (resident or {}).get("resident_id"), "openid": (resident or {}).get("openid"),
              "ip": client_ip, "channel": channel}  # fmt: skip
    rds().set(rkey("chat", "turn", conversation), json.dumps(record), ex=int(current_app.config["CHAT_TURN_TTL"]))


def _bot_token_ok(given: str) -> bool:
    expected = current_app.config.get("BOT_API_TOKEN") or ""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def bot_turn() -> dict | None:
    """The live turn record named by a bot call (None when the request is not one).

    Unauthorized when it claims to be the bot with a wrong token, or names a conversation with no live turn."""
    conversation = request.headers.get(CONVERSATION_HEADER)
    if conversation is None:
        return None
    if not _bot_token_ok(request.headers.get(BOT_TOKEN_HEADER, "")):
        raise Unauthorized("bot calls need the service token (X-Bot-Token)", BOT_TOKEN_HEADER,
                           code="bot_token_invalid")  # fmt: skip
    raw = rds().get(rkey("chat", "turn", conversation))
    if raw is None:
        raise Unauthorized("no chat turn is under way in this conversation", CONVERSATION_HEADER,
                           code="turn_expired")  # fmt: skip
    return {**json.loads(raw), "conversation": conversation}


def requester(resident_id: str | None = None) -> dict:
    """Who is asking: {"ip", "session", "resident_id"}. A bot call names the end user of its live turn;
    any other request is its client address plus ``resident_id`` if the caller is signed in."""
    turn = bot_turn()
    if turn is not None:
        return {"ip": turn.get("ip"), "session": turn["conversation"], "resident_id": turn.get("resident_id")}
    return {"ip": request.remote_addr or "unknown", "session": None, "resident_id": resident_id}


def caller_conversation(session_id: str | None, resident_id: str | None, channel: str = "api") -> str | None:
    """The conversation a request speaks of: a bot call's own, else the client's session id as this caller
    uses it (the same id ``/chat`` gives the bot), so records kept per conversation stay with their owner."""
    turn = bot_turn()
    if turn is not None:
        return turn["conversation"]
    return conversation_id(session_id, resident_id, channel) if session_id else None
