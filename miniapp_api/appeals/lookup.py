"""Looking an appeal up by its number and the last 4 digits of the contact left with it.

Guessing is limited per target and per guesser (core.guess_limit): failures per appeal number, per
client address, per chat session and per resident, so neither many addresses on one appeal nor one
address on many appeals gets far. Appeal numbers are no longer a daily sequence (service.next_appeal_no),
so a valid number is itself hard to guess. A caller who is not the appeal's owner — the signed-in
resident who filed it, or the chat conversation it was filed from — gets its status and timeline but not
the complaint text: a number and four digits are not proof enough for what the resident wrote.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from miniapp_api.appeals import service
from miniapp_api.appeals.views import resident_view
from miniapp_api.core.errors import NotFound, TooManyRequests
from miniapp_api.core.guess_limit import decide
from miniapp_api.core.stores import rkey

EXCERPT = 8  # characters of the complaint shown to a non-owner, enough to recognise it


class AppealLookupThrottled(TooManyRequests):
    code = "lookup_rate_limited"

    def __init__(self, retry_after: int):
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(f"查询失败次数过多，请 {minutes} 分钟后再试", "contact_last4", retry_after=retry_after)


def _keys(appeal_no: str, who: dict) -> list[str]:
    keys = [rkey("appeal_lookup", "appeal", appeal_no.upper()[:32])]
    for kind in ("ip", "session", "resident_id"):
        if who.get(kind):
            keys.append(rkey("appeal_lookup", kind, str(who[kind])))
    return keys


def guarded_lookup(appeal_no: str, contact_last4: str, who: dict) -> dict:
    """The appeal's document if the digits match, counting failures; 404 (one answer for unknown number and
    wrong digits) or 429 once a counter is full."""
    cfg = current_app.config
    keys = _keys(appeal_no, who)
    limits = [int(cfg["APPEAL_LOOKUP_MAX_FAILURES"])] * len(keys)
    window = int(cfg["APPEAL_LOOKUP_WINDOW_SECONDS"])
    wait, _ = decide(keys, limits, window, failed=False)
    if wait:
        raise AppealLookupThrottled(wait)
    try:
        return service.lookup_appeal(appeal_no, contact_last4)
    except NotFound:
        wait, _ = decide(keys, limits, window, failed=True)
        if wait:
            raise AppealLookupThrottled(wait) from None
        raise


def owns(doc: dict, who: dict) -> bool:
    """The signed-in resident who filed it, or the chat conversation it was filed from."""
    if who.get("resident_id") and doc.get("resident_id") == who["resident_id"]:
        return True
    return bool(who.get("session")) and doc.get("session_id") == who["session"]


def lookup_view(doc: dict, who: dict, today: dt.date) -> dict:
    """The resident view; for a non-owner without the complaint's text and place."""
    view = resident_view(doc, today)
    if not owns(doc, who):
        what = str(view.get("what") or "")
        view["what"] = what[:EXCERPT] + ("…" if len(what) > EXCERPT else "")
        view["where"] = None
        view["text_hidden"] = True
    return view
