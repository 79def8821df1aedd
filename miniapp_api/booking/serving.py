"""全城通办: which halls serve an item or a 一件事 bundle, in which category (the queue whose seats a
booking takes), and the nearest hall with a free slot.

A hall serves an item when one of its categories lists it. A bundle (YJS-00x) is served where a
category lists the bundle itself (its 一件事 window) or, failing that, where the hall serves every
item of the bundle: then it takes one seat in the category of the bundle's first item (the lead
item, whose window takes the whole application). Either way the appointment lists the bundle's items.
"""

from __future__ import annotations

import datetime as dt
import math

from miniapp_api.booking.counters import slot_usage
from miniapp_api.booking.rules import ensure_open_day, opens_at, slot_start, window_state
from miniapp_api.core.clock import now_local
from miniapp_api.core.errors import ApiError, NotFound, ValidationFailed
from miniapp_api.core.stores import mongo
from miniapp_api.core.vocabulary import BUNDLE_PREFIX
from miniapp_api.guides.catalogue import published_guide
from miniapp_api.halls.calendar import workday_calendar
from miniapp_api.halls.facts import open_slots, public_facts
from miniapp_api.halls.halls import category_by_code, get_hall

EARTH_RADIUS_KM = 6371.0
SEARCH_DAYS = 21  # calendar days looked at for the earliest free slot (the booking window is shorter)


def bundle_items(code: str) -> list[str] | None:
    """The items of a published bundle, None for anything else."""
    if not code.upper().startswith(BUNDLE_PREFIX):
        return None
    guide = published_guide(code)
    return list(guide.get("items") or []) if guide else None


def _category_listing(hall: dict, code: str) -> dict | None:
    return next((c for c in hall["categories"] if code in c["items"]), None)


def placement(hall: dict, code: str) -> tuple[dict, list[str]]:
    """(category whose seat a booking of ``code`` takes, the items the appointment covers) at ``hall``.

    404 unknown_item when the hall does not serve it (for a bundle: naming the first item it lacks).
    """
    category = _category_listing(hall, code)
    items = bundle_items(code)
    if category is not None:
        return category, items or [code]
    if items:
        missing = [i for i in items if _category_listing(hall, i) is None]
        if not missing:
            return _category_listing(hall, items[0]), items
        raise NotFound(f"{hall['name']} 不能办理一件事 {code} 的全部事项（缺 {missing[0]}），请选择其他大厅",
                       "item_code", code="unknown_item")  # fmt: skip
    raise NotFound(f"事项 {code} 不在 {hall['name']} 的预约范围内", "item_code", code="unknown_item")


def slots_view(hall_id: str, date: dt.date, item_code: str | None, category_code: str | None) -> dict:
    """Seats left per open slot of one day for an item's (or bundle's, or category's) queue at a hall:
    only the hall's slot_times inside its opening periods that day."""
    hall = get_hall(hall_id)
    if item_code:
        category, _items = placement(hall, item_code)
        if category_code and category_code != category["code"]:  # both given: never answer for another queue
            raise ValidationFailed(f"item {item_code} is served in category {category['code']}, not {category_code}",
                                   "category")  # fmt: skip
    elif category_code:
        category = category_by_code(hall, category_code)
    else:
        raise ValidationFailed("give item_code or category", "item_code")
    ensure_open_day(date, hall)
    now = now_local()
    state = window_state(date, now)
    capacity = int(hall["capacity"].get(category["code"], 0))
    slot_times = open_slots(hall, date, workday_calendar())
    used = slot_usage(hall["_id"], category["code"], date, slot_times)
    slots = [
        {
            "slot": s,
            "capacity": capacity,
            "left": max(capacity - u, 0),
            "bookable": state == "open" and slot_start(date, s) > now and u < capacity,
        }
        for s, u in zip(slot_times, used, strict=True)
    ]
    return {
        "hall_id": hall["_id"],
        "date": date.isoformat(),
        "category": category["code"],
        "slots": slots,
        "opens_at": opens_at(date).isoformat() if state == "not_yet_open" else None,
    }


def serving_halls(code: str) -> list[tuple[dict, dict, list[str]]]:
    """(hall, category, items) of every hall that serves ``code``, by hall id."""
    out = []
    for row in mongo()["halls"].find({}, {"_id": 1}).sort("_id", 1):
        hall = get_hall(row["_id"])
        try:
            category, items = placement(hall, code)
        except NotFound:
            continue
        out.append((hall, category, items))
    return out


def halls_for_item(code: str) -> dict:
    rows = serving_halls(code)
    if not rows:
        raise NotFound(f"没有大厅办理 {code}", "item_code", code="unknown_item")
    return {"item_code": code, "halls": [_hall_entry(h, c, items) for h, c, items in rows]}


def _hall_entry(hall: dict, category: dict, items: list[str]) -> dict:
    return {
        **public_facts(hall),
        "location": hall.get("location"),
        "category": category["code"],
        "category_name": category["name"],
        "items": items,
    }


def distance_km(a: dict, b: dict) -> float:
    """Great-circle distance (haversine) between two {lat, lon} points."""
    lat1, lat2 = math.radians(a["lat"]), math.radians(b["lat"])
    dlat, dlon = lat2 - lat1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def earliest_free_slot(hall: dict, category: dict, now: dt.datetime) -> dict | None:
    """The first slot with a seat left that can be booked now, within the booking window."""
    calendar, capacity = workday_calendar(), int(hall["capacity"].get(category["code"], 0))
    for offset in range(SEARCH_DAYS):
        day = now.date() + dt.timedelta(days=offset)
        try:
            slots = open_slots(hall, day, calendar)
            state = window_state(day, now) if slots else "closed"
        except ApiError:  # holiday_schedule_unknown: nothing is bookable beyond the known calendar
            return None
        if state == "not_yet_open":
            return None  # later days are not open either
        if state != "open":
            continue
        used = slot_usage(hall["_id"], category["code"], day, slots)
        for slot, taken in zip(slots, used, strict=True):
            if taken < capacity and slot_start(day, slot) > now:
                return {"date": day.isoformat(), "slot": slot, "left": capacity - taken}
    return None


def nearest_halls(code: str, lat: float | None, lon: float | None, district: str | None) -> dict:
    """Halls serving ``code``, nearest first (by distance from lat/lon, or the resident's district
    first), then by earliest free slot; halls with no free slot in the booking window come last."""
    now, here = now_local(), ({"lat": lat, "lon": lon} if lat is not None and lon is not None else None)
    entries = []
    for hall, category, items in serving_halls(code):
        entry = _hall_entry(hall, category, items)
        where = hall.get("location")
        entry["distance_km"] = round(distance_km(here, where), 1) if here and where else None
        entry["same_district"] = bool(district) and hall.get("district") == district
        entry["earliest"] = earliest_free_slot(hall, category, now)
        entries.append(entry)
    if not entries:
        raise NotFound(f"没有大厅办理 {code}", "item_code", code="unknown_item")

    def order(e: dict) -> tuple:
        far = e["distance_km"] if e["distance_km"] is not None else math.inf
        first = e["earliest"]
        return (
            first is None,
            far if here else (not e["same_district"]),
            (first["date"], first["slot"]) if first else ("", ""),
            e["hall_id"],
        )

    entries.sort(key=order)
    nearest = next((e for e in entries if e["earliest"]), None)
    return {"item_code": code, "halls": entries, "nearest": nearest}
