"""The API's facts as the bot uses them: code patterns, halls, the booking horizon, the hall's clock.

All of them come from ``GET /api/v1/meta`` (cached by the client for a minute), never typed here, so a
DEV_CLOCK on the API moves the bot's "明天" too. Any of these may raise ``ApiUnavailable``.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime

from actions.api_client import api


@functools.lru_cache(maxsize=16)
def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


def _pattern(name: str) -> re.Pattern:
    return _compile(api().meta.get()["patterns"][name])


def find_case_number(text: str | None) -> str | None:
    m = _compile(rf"(?<![A-Za-z0-9]){_pattern('case_no').pattern}(?![0-9])").search(str(text or "").replace(" ", ""))
    return m[0].upper() if m else None


def find_factor(text: str | None) -> str | None:
    m = re.search(rf"(?<![0-9]){_pattern('factor').pattern}(?![0-9])", str(text or "").strip(), re.I)
    return m[0].upper() if m else None


def is_item_code(value: str | None) -> bool:
    return bool(value and _pattern("item_code").fullmatch(str(value)))


def hall_now() -> datetime:
    return api().meta.now()


def hall_today() -> date:
    return hall_now().date()


def default_hall() -> str:
    return api().meta.get()["default_hall"]


def hall_name(hall_id: str) -> str:
    for hall in api().meta.get()["halls"]:
        if hall["hall_id"] == hall_id:
            return hall["name"]
    return hall_id


def last_bookable_date() -> date | None:
    """The latest date the API takes bookings for now (its working-day horizon), if known."""
    last = api().meta.get()["booking"].get("last_bookable_date")
    return date.fromisoformat(last) if last else None


def hall_time(moment: str | None) -> str:
    """An API timestamp (ISO, any offset) as the hall's local "YYYY-MM-DD HH:MM"."""
    if not moment:
        return ""
    try:
        parsed = datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
    except ValueError:
        return str(moment)[:16].replace("T", " ")
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(hall_now().tzinfo)
    return parsed.strftime("%Y-%m-%d %H:%M")
