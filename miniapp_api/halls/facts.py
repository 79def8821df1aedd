"""A hall's public facts, derived from its data: opening periods on a day, the hours text, the facts list.

The hall document's ``opening`` is the one source of opening hours (hall_schema.md): booking slots,
queue open-day checks, guide views and KB answers all derive from it, so no two places can disagree.
Pure functions over a hall dict and a working-day calendar (halls/workdays.py): no I/O, no app context.
"""

from __future__ import annotations

import datetime as dt
import re

import chinese_calendar

from miniapp_api.core.errors import ScheduleUnknown, ValidationFailed

PERIOD_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
DAY_KINDS = ("weekdays", "saturday", "sunday")
HOLIDAY_RULE = "法定节假日休息，调休上班日正常上班"
_DAY_LABEL = {"weekdays": "周一至周五", "saturday": "周六", "sunday": "周日"}
WEEKDAY_NAMES = "一二三四五六日"
_SOLAR_FESTIVALS = {(1, 1): "元旦", (5, 1): "劳动节", (10, 1): "国庆节"}
# chinese_calendar's holiday names → what residents call them.
FESTIVALS = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}  # fmt: skip


def opening_of(hall: dict) -> dict[str, list[str]]:
    """The hall's weekly opening rule, always with the three day kinds.

    A hall stored before ``opening`` existed has only ``slot_times``: its weekday periods are its slots
    joined where one ends as the next begins (the hall opened exactly when it took bookings).
    """
    opening = hall.get("opening")
    if opening:
        return {kind: list(opening.get(kind) or []) for kind in DAY_KINDS}
    return {"weekdays": _join_slots(hall.get("slot_times") or []), "saturday": [], "sunday": []}


def _join_slots(slots: list[str]) -> list[str]:
    periods: list[list[str]] = []
    for slot in sorted(slots):
        start, end = slot.split("-")
        if periods and periods[-1][1] == start:
            periods[-1][1] = end
        else:
            periods.append([start, end])
    return [f"{s}-{e}" for s, e in periods]


def is_statutory_holiday(calendar, day: dt.date) -> bool:
    """A 法定节假日 day, weekend days inside the holiday included (a Saturday in 国庆 is a holiday).

    A staff-loaded schedule for the year decides alone; otherwise the library's holiday table.
    """
    schedules = getattr(calendar, "schedules", {})
    if day.year in schedules:
        holidays, _workdays = schedules[day.year]
        return day in holidays
    return calendar.holiday_name(day) is not None and not calendar.is_workday(day)


def day_kind(hall: dict, day: dt.date, calendar) -> str | None:
    """Which opening rule applies on ``day``: "weekdays", "saturday", "sunday", or None when closed all day.

    Raises ScheduleUnknown (via the calendar) for a year nobody has a holiday schedule for: a hall
    never claims to be open on a day whose holidays are unknown.
    """
    if calendar.is_workday(day):
        return "weekdays"  # Mon–Fri working days and 调休 Saturdays/Sundays alike
    if day.weekday() < 5 or is_statutory_holiday(calendar, day):
        return None  # a weekday that is not a working day is a holiday; weekend days inside one too
    return "saturday" if day.weekday() == 5 else "sunday"


def open_periods(hall: dict, day: dt.date, calendar) -> list[str]:
    """The periods ("09:00-12:00") the hall is open on ``day``; [] when it is closed."""
    kind = day_kind(hall, day, calendar)
    return opening_of(hall)[kind] if kind else []


def slot_in_periods(slot: str, periods: list[str]) -> bool:
    """Whether a booking slot ("09:00-10:00") lies wholly inside one of the open periods."""
    start, end = slot.split("-")
    for period in periods:
        p_start, p_end = period.split("-")
        if p_start <= start and end <= p_end:  # "HH:MM" strings order like times
            return True
    return False


def open_slots(hall: dict, day: dt.date, calendar) -> list[str]:
    """The hall's slot_times that fall inside its open periods on ``day`` (slot_times ∩ open periods)."""
    periods = open_periods(hall, day, calendar)
    return [s for s in hall.get("slot_times") or [] if slot_in_periods(s, periods)]


def _time_text(hhmm: str) -> str:
    hour, minute = hhmm.split(":")
    return f"{int(hour)}:{minute}"


def periods_text(periods: list[str]) -> str:
    """["09:00-12:00", "13:30-17:30"] → "9:00–12:00、13:30–17:30"."""
    return "、".join("–".join(_time_text(t) for t in p.split("-")) for p in periods)


def hours_text(hall: dict, holiday_rule: bool = True) -> str:
    """The hours as residents read them, e.g. "周一至周五 9:00–12:00、13:30–17:30；周六 9:00–12:00；…"
    (``holiday_rule`` False: without the closing "法定节假日休息…", for a line listing several halls)."""
    opening = opening_of(hall)
    parts: list[str] = []
    if opening["saturday"] and opening["saturday"] == opening["sunday"]:
        groups = [("weekdays", "周一至周五"), ("saturday", "周六、周日")]
    else:
        groups = [(kind, _DAY_LABEL[kind]) for kind in DAY_KINDS]
    for kind, label in groups:
        if opening[kind]:
            parts.append(f"{label} {periods_text(opening[kind])}")
    closed = [_DAY_LABEL[k] for k in ("saturday", "sunday") if not opening[k]]
    if len(closed) == 2:
        parts.append("周六、周日休息")
    elif closed:
        parts.append(f"{closed[0]}休息")
    if holiday_rule:
        parts.append(HOLIDAY_RULE)
    return "；".join(parts)


def public_facts(hall: dict) -> dict:
    """What a resident may be told about a hall (guide views, KB answers, the bot)."""
    return {
        "hall_id": hall["_id"] if "_id" in hall else hall.get("hall_id"),
        "name": hall.get("name", ""),
        "address": hall.get("address", ""),
        "district": hall.get("district", ""),
        "phone": hall.get("phone", ""),
        "parking": hall.get("parking", ""),
        "transport": hall.get("transport", ""),
        "hours": hours_text(hall),
    }


def check_opening(opening: dict) -> None:
    """Validate an ``opening`` block (staff hall edits): known day kinds, ordered non-overlapping periods."""
    if not isinstance(opening, dict):
        raise ValidationFailed("opening must be an object with weekdays/saturday/sunday", "opening")
    unknown = set(opening) - set(DAY_KINDS)
    if unknown:
        raise ValidationFailed(f"opening has unknown day kind {sorted(unknown)[0]!r}", "opening")
    for kind in DAY_KINDS:
        periods = opening.get(kind) or []
        if not isinstance(periods, list):
            raise ValidationFailed(f"opening.{kind} must be a list of periods", f"opening.{kind}")
        last_end = ""
        for period in periods:
            if not isinstance(period, str) or not PERIOD_RE.match(period):
                raise ValidationFailed(f"period {period!r} must look like 09:00-12:00", f"opening.{kind}")
            start, end = period.split("-")
            if start >= end or start < last_end:
                raise ValidationFailed(f"periods of {kind} must be ordered and not overlap", f"opening.{kind}")
            last_end = end


def serves(hall: dict, code: str) -> bool:
    """Whether the hall takes item (or bundle) ``code``: one of its categories lists it."""
    return any(code in category.get("items", ()) for category in hall.get("categories") or ())


def located(location: dict | None, halls: dict[str, dict], code: str | None = None) -> dict | None:
    """A guide's location as residents see it: a ``hall_id`` location gets the hall's name (+ zone),
    address, hours, phone, district, parking and transport from ``halls`` (by id), and ``also_at``:
    the other halls that take item ``code`` (全城通办). A free-text location (a place that is not one
    of our halls, an imported guide) is returned as it is.

    A hall that no longer exists leaves the facts out rather than guessing them (answers then say
    "办公时间未公布" and give the item's phone).
    """
    if not location or not location.get("hall_id"):
        return location
    hall = halls.get(location["hall_id"])
    if hall is None:
        return {**location, "hall": location.get("zone") or location["hall_id"]}
    facts = public_facts(hall)
    out = {**location, "hall": facts["name"] + (location.get("zone") or ""), "address": facts["address"],
           "hours": facts["hours"], "hall_phone": facts["phone"]}  # fmt: skip
    out.update({k: facts[k] for k in ("district", "parking", "transport") if facts[k]})
    if code:
        own = location["hall_id"]
        others = [h for hid, h in sorted(halls.items()) if hid != own and serves(h, code)]
        if others:
            out["also_at"] = [{"hall_id": h["_id"], "name": h.get("name", ""), "address": h.get("address", ""),
                               "hours": hours_text(h, holiday_rule=False)} for h in others]  # fmt: skip
    return out


def with_hall_facts(guides: list[dict], halls: dict[str, dict]) -> list[dict]:
    """Every guide with its location filled from ``halls``; guides without a hall_id are the same objects."""
    out = []
    for guide in guides:
        location = guide.get("location")
        if location and location.get("hall_id"):
            guide = {**guide, "location": located(location, halls, guide.get("code"))}
        out.append(guide)
    return out


def festival(day: dt.date) -> str | None:
    """The festival a holiday or 调休 day belongs to ("国庆节"), when the library's table knows it."""
    try:
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return FESTIVALS.get(name or "", name) if name else None


def holiday_spans(calendar, start: dt.date, days: int = 400) -> list[dict]:
    """The statutory holidays from ``start`` on, as runs of days, each with its 调休 weekend workdays:
    [{"name": "国庆节" | None, "start": date, "end": date, "workdays": [date, ...]}].

    Stops at the first year nobody has a schedule for (an unknown year is not guessed).
    A staff-loaded year's holidays come without names unless the library knows that year too.
    """
    spans: list[dict] = []
    extra_workdays: list[dt.date] = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        try:
            holiday = is_statutory_holiday(calendar, day)
            workday = calendar.is_workday(day)
        except ScheduleUnknown:
            break
        if holiday:
            if spans and spans[-1]["end"] == day - dt.timedelta(days=1):
                spans[-1]["end"] = day
            else:
                spans.append({"name": festival(day), "start": day, "end": day, "workdays": []})
            if spans[-1]["name"] is None:  # a staff-loaded year: the solar festivals are known by date
                spans[-1]["name"] = _SOLAR_FESTIVALS.get((day.month, day.day))
        elif workday and day.weekday() >= 5:
            extra_workdays.append(day)
    for day in extra_workdays:  # each 调休 day belongs to its festival, else to the nearest holiday run
        named = [s for s in spans if s["name"] and s["name"] == festival(day)]
        pool = named or spans
        if pool:
            nearest = min(pool, key=lambda s: min(abs((s["start"] - day).days), abs((s["end"] - day).days)))
            if min(abs((nearest["start"] - day).days), abs((nearest["end"] - day).days)) <= 30:
                nearest["workdays"].append(day)
    return spans


def date_text(day: dt.date, year: bool = False) -> str:
    """2026-10-10 → "10月10日（周六）" (with the year: "2026年10月10日（周六）")."""
    text = f"{day.month}月{day.day}日（周{WEEKDAY_NAMES[day.weekday()]}）"
    return f"{day.year}年{text}" if year else text
