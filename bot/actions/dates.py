"""Understanding the dates and times residents type: 明天, 下周三, 12月3日, 上午, 9点, 09:00-10:00."""

from __future__ import annotations

import re
from datetime import date, timedelta

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
            "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}  # fmt: skip
RELATIVE = {"今天": 0, "今日": 0, "明天": 1, "明儿": 1, "明日": 1, "后天": 2, "大后天": 3}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})[日号]?")
_WEEKDAY = re.compile(r"(下下|下)?个?(?:周|星期|礼拜)([一二三四五六日天1-7])")
_RANGE = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-~到至]\s*(\d{1,2})[:：](\d{2})")
_CLOCK = re.compile(r"(上午|早上|中午|下午)?\s*(\d{1,2})(?:[:：](\d{2})|点(半)?)")


def today() -> date:
    """The hall's today, from the API's clock (so DEV_CLOCK moves "明天" too)."""
    from actions.vocabulary import hall_today  # the API client is not needed to parse a given date

    return hall_today()


def parse_date(text: str | None, base: date | None = None) -> date | None:
    """The calendar date meant by ``text`` (relative to ``base``, default today), or None."""
    if not text:
        return None
    base = base or today()
    text = str(text).strip()
    if m := _ISO.search(text):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    for word in sorted(RELATIVE, key=len, reverse=True):  # 大后天 before 后天
        if word in text:
            return base + timedelta(days=RELATIVE[word])
    if m := _MONTH_DAY.search(text):
        try:
            day = date(base.year, int(m[1]), int(m[2]))
        except ValueError:
            return None
        # 12月3日 said in December of the year before means next year's.
        return day if day >= base else day.replace(year=base.year + 1)
    if m := _WEEKDAY.search(text):
        target = WEEKDAYS[m[2]]
        if m[1]:  # 下周三: that weekday in next (or the one after next) calendar week
            monday = base - timedelta(days=base.weekday()) + timedelta(weeks=len(m[1]))
            return monday + timedelta(days=target)
        return base + timedelta(days=(target - base.weekday()) % 7)  # 周三: the coming one (today if today)
    return None


def _start_minutes(slot: str) -> int:
    h, m = slot.split("-")[0].split(":")
    return int(h) * 60 + int(m)


def _end_minutes(slot: str) -> int:
    h, m = slot.split("-")[1].split(":")
    return int(h) * 60 + int(m)


def pick_slot(text: str | None, slots: list[dict]) -> tuple[str | None, str | None]:
    """Choose a bookable slot for ``text`` among the API's ``slots``.

    Returns (slot, problem): problem is "full" when the asked time exists but has no places left,
    "unknown" when ``text`` names no time we can match.
    """
    if not text:
        return None, "unknown"
    text = str(text)
    open_slots = [s for s in slots if s.get("left", 0) > 0]
    if m := _RANGE.search(text):
        wanted = f"{int(m[1]):02d}:{m[2]}-{int(m[3]):02d}:{m[4]}"
        match = [s for s in slots if s["slot"] == wanted]
        if not match:
            return None, "unknown"
        return (wanted, None) if match[0].get("left", 0) > 0 else (None, "full")
    if m := _CLOCK.search(text):
        hour = int(m[2])
        if m[1] in ("下午",) and hour < 12:
            hour += 12
        elif m[1] is None and 1 <= hour <= 6:
            hour += 12  # 2点 at a service hall means 14:00
        minute = int(m[3]) if m[3] else (30 if m[4] else 0)
        at = hour * 60 + minute
        covering = [s for s in slots if _start_minutes(s["slot"]) <= at < _end_minutes(s["slot"])]
        if not covering:
            return None, "unknown"
        return (covering[0]["slot"], None) if covering[0].get("left", 0) > 0 else (None, "full")
    for word, (lo, hi) in {"上午": (0, 12 * 60), "早上": (0, 12 * 60), "中午": (11 * 60, 14 * 60),
                           "下午": (12 * 60, 24 * 60)}.items():  # fmt: skip
        if word in text:
            part = [s for s in slots if lo <= _start_minutes(s["slot"]) < hi]
            if not part:
                return None, "unknown"
            free = [s for s in part if s.get("left", 0) > 0]
            return (free[0]["slot"], None) if free else (None, "full")
    if text.strip() in {s["slot"] for s in open_slots}:
        return text.strip(), None
    return None, "unknown"


def is_slot_label(value: str | None) -> bool:
    return bool(value and re.fullmatch(r"\d{2}:\d{2}-\d{2}:\d{2}", str(value)))
