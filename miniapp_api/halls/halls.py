"""Service halls (服务大厅): categories of service (queue prefixes), windows, slot times, capacity.

Halls are data in Mongo ``halls``; staff (admin) replace a hall through the API. The demo city has
the city centre hall ``jc-main`` (seeded from guides/README.md's floor plan, every catalogue item in
exactly one category) and two district halls (``jc-east``, ``jc-west``) serving a subset of items
with their own hours and seats: 全城通办, an item is bookable at every hall that lists it. A hall's
``opening`` is the one source of its hours (halls/facts.py derives the text and each day's periods);
``location`` (lat/lon) and ``district`` find the nearest hall.

Every booking and queue call reads its hall, a large document (the demo hall has ~80 windows), and
the in-memory store copies it field by field on each read under its global lock. So each worker
keeps the halls it read, tagged with the "halls" version token (shared_versions), which
``replace_hall`` renews; a hall changed in MongoDB any other way is seen after the next staff edit.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from flask import current_app
from pymongo.database import Database

from miniapp_api.core import shared_versions
from miniapp_api.core.errors import NotFound, ValidationFailed
from miniapp_api.core.stores import mongo
from miniapp_api.halls.facts import DAY_KINDS, check_opening, hours_text, opening_of, slot_in_periods

log = logging.getLogger(__name__)
SLOT_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


def _windows(prefix: str, first: int, last: int, categories: list[str]) -> list[dict]:
    return [{"no": f"{prefix}{n:02d}", "categories": categories} for n in range(first, last + 1)]


def _items(prefix: str, *numbers: int) -> list[str]:
    return [f"{prefix}-{n:03d}" for n in numbers]


# (code, name, items, capacity per slot) — the code is also the queue-number prefix (A001…).
# YJS-00x: 一件事 bundles booked as one appointment at the 一件事 windows (A01–A06, D01–D20).
_DEMO_CATEGORIES = [
    ("A", "综合受理（一窗受理）", [*_items("GR", 13, 14, 15), *_items("YJS", 2, 3, 4, 5)], 6),
    ("B", "公安户政", _items("GR", 1, 2, 3, 4, 5, 9), 12),
    ("C", "出入境", _items("GR", 6, 7), 12),
    ("D", "交警车驾管", _items("GR", 8), 4),
    ("E", "人力资源和社会保障", _items("GR", 17, 18, 19, 20, 21, 22, 23, 24), 12),
    ("F", "医疗保障", _items("GR", 25, 26), 6),
    ("G", "住房公积金", _items("GR", 27, 28), 6),
    ("H", "民政·残联·卫健·教育·司法", _items("GR", 10, 11, 12, 16, 32, 34), 8),
    ("J", "不动产登记", _items("GR", 29, 30, 31), 16),
    ("K", "水电气联合报装", _items("GR", 35, 36, 37), 4),
    ("L", "住房和城乡建设", _items("GR", 33), 4),
    ("M", "企业开办专区", [*_items("QY", 1, 2, 3, 4, 5, 6, 7, 8), "YJS-001"], 16),
    ("N", "工程建设项目审批专区", _items("QY", 18, 19, 20, 21, 22, 23, 24), 8),
    ("P", "其他许可", _items("QY", 9, 10, 11, 12, 13, 14, 15, 16, 17, 25, 26, 27), 8),
]
_WEEKDAYS = ["09:00-12:00", "13:30-17:30"]
_MAIN_SLOTS = ["09:00-10:00", "10:00-11:00", "11:00-12:00", "13:30-14:30", "14:30-15:30", "15:30-16:30",
               "16:30-17:30"]


def _categories(rows: list[tuple]) -> tuple[list[dict], dict[str, int]]:
    return [{"code": c, "name": n, "items": items} for c, n, items, _ in rows], {c: cap for c, _, _, cap in rows}


def _hall(hall_id: str, rows: list[tuple], windows: list[dict], **facts) -> dict:
    categories, capacity = _categories(rows)
    return {"_id": hall_id, **facts, "categories": categories, "windows": windows, "capacity": capacity}


DEMO_HALL = _hall(
    "jc-main", _DEMO_CATEGORIES,
    _windows("A", 1, 4, ["A"]) + _windows("A", 5, 6, ["A", "H"])  # A05–A06 also help 民政 at peaks
    + _windows("A", 7, 12, ["B"]) + _windows("A", 13, 18, ["C"]) + _windows("A", 19, 20, ["D"])
    + _windows("B", 1, 12, ["E"]) + _windows("B", 13, 18, ["F"]) + _windows("B", 19, 24, ["G"])
    + _windows("B", 25, 34, ["H"]) + _windows("C", 1, 16, ["J"]) + _windows("C", 17, 20, ["K"])
    + _windows("C", 21, 24, ["L"]) + _windows("D", 1, 20, ["M"]) + _windows("D", 21, 30, ["N"])
    + _windows("D", 31, 40, ["P"]),
    name="江川市市民服务中心", address="江川市新城区市民大道188号", phone="0576-12345", district="新城区",
    location={"lat": 29.8603, "lon": 121.5601}, parking="地下停车场（B1–B2），办事群众免费停车2小时",
    transport="地铁1号线市民中心站B口，公交5路、18路市民中心站",
    opening={"weekdays": _WEEKDAYS, "saturday": [], "sunday": []}, slot_times=_MAIN_SLOTS,
)

# District halls (区分中心) serve the items residents need most, with fewer windows and seats.
# 东区 opens on Saturday mornings for 户政 and 社保/医保 business people cannot do on a working day.
EAST_HALL = _hall(
    "jc-east",
    [("A", "综合受理（一窗受理）", [*_items("GR", 13, 14, 15), "YJS-005"], 3),
     ("B", "公安户政", _items("GR", 1, 2, 3, 4, 5, 9), 6),
     ("E", "人力资源和社会保障", _items("GR", 17, 18, 19, 20, 21, 22, 23, 24), 4),
     ("F", "医疗保障", _items("GR", 25, 26), 3),
     ("G", "住房公积金", _items("GR", 27, 28), 2)],
    _windows("A", 1, 3, ["A"]) + _windows("A", 4, 7, ["B"]) + _windows("A", 8, 10, ["E"])
    + _windows("A", 11, 12, ["F"]) + _windows("A", 13, 13, ["G", "A"]),
    name="江川市市民服务中心东区分中心", address="江川市老城区和平路66号", phone="0576-12346", district="老城区",
    location={"lat": 29.8755, "lon": 121.6302}, parking="分中心东侧露天停车场，办事群众免费停车1小时",
    transport="公交2路、9路和平路站",
    opening={"weekdays": _WEEKDAYS, "saturday": ["09:00-12:00"], "sunday": []}, slot_times=_MAIN_SLOTS,
)

# 西区 sits in the development zone: companies, vehicles and passports, 8:30 to 17:00.
WEST_HALL = _hall(
    "jc-west",
    [("A", "综合受理（一窗受理）", _items("GR", 13, 14, 15), 3),
     ("C", "出入境", _items("GR", 6, 7), 6),
     ("D", "交警车驾管", _items("GR", 8), 4),
     ("M", "企业开办专区", _items("QY", 1, 2, 3, 4, 5, 6, 7, 8), 6)],
    _windows("A", 1, 2, ["A"]) + _windows("A", 3, 6, ["C"]) + _windows("A", 7, 8, ["D"])
    + _windows("B", 1, 6, ["M"]),
    name="江川市市民服务中心西区分中心", address="江川市经开区通港路18号", phone="0576-12347", district="经开区",
    location={"lat": 29.8451, "lon": 121.4798}, parking="园区服务大楼地面停车场，免费",
    transport="地铁2号线经开区站A口",
    opening={"weekdays": ["08:30-12:00", "14:00-17:00"], "saturday": [], "sunday": []},
    slot_times=["08:30-09:30", "09:30-10:30", "10:30-12:00", "14:00-15:00", "15:00-16:00", "16:00-17:00"],
)

DEMO_HALLS = (DEMO_HALL, EAST_HALL, WEST_HALL)
# Fields a hall stored before they existed gets from its seed (a real MongoDB keeps halls across
# releases); a field already there — a staff edit — is never touched.
NEW_FIELDS = ("district", "location", "parking", "transport", "opening")


def seed_demo_hall(db: Database) -> bool:
    """Insert the demo halls that do not exist; give existing ones only the fields they lack.
    Staff edits are never overwritten. True when a hall was inserted."""
    inserted = False
    for hall in DEMO_HALLS:
        result = db["halls"].update_one({"_id": hall["_id"]}, {"$setOnInsert": hall}, upsert=True)
        inserted |= result.upserted_id is not None
        for field in NEW_FIELDS:
            db["halls"].update_one({"_id": hall["_id"], field: {"$exists": False}}, {"$set": {field: hall[field]}})
    return inserted


def list_halls() -> list[dict]:
    return [public_hall(h) for h in mongo()["halls"].find().sort("_id", 1)]


def get_hall(hall_id: str) -> dict:
    """The hall document, shared by every request of this worker: read it, never change it."""
    version = shared_versions.current("halls")
    cache: dict[str, tuple[str, dict]] = current_app.extensions.setdefault("hall_cache", {})
    entry = cache.get(hall_id)
    if entry is not None and entry[0] == version:
        return entry[1]
    hall = mongo()["halls"].find_one({"_id": hall_id})
    if hall is None:  # not remembered: a hall created later must be found at once
        raise NotFound(f"unknown hall {hall_id!r}", "hall_id", code="unknown_hall")
    cache[hall_id] = (version, hall)
    return hall


def public_hall(hall: dict) -> dict:
    """The hall as clients see it; ``hours`` is always the text generated from ``opening``."""
    out = {k: v for k, v in hall.items() if k != "_id"}
    out["hall_id"] = hall["_id"]
    out["hours"] = hours_text(hall)  # a copy typed before opening existed is never shown
    return out


def category_of_item(hall: dict, item_code: str) -> dict:
    for category in hall["categories"]:
        if item_code in category["items"]:
            return category
    raise NotFound(f"事项 {item_code} 不在 {hall['name']} 的预约范围内", "item_code", code="unknown_item")


def category_by_code(hall: dict, code: str) -> dict:
    for category in hall["categories"]:
        if category["code"] == code:
            return category
    raise NotFound(f"{hall['name']} 没有类别 {code!r}", "category", code="unknown_category")


def slot_bounds(slot: str) -> tuple[dt.time, dt.time]:
    start, end = slot.split("-")
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


def check_hall(hall: dict) -> None:
    """Consistency a schema cannot express: unique codes, one category per item, known references."""
    codes = [c["code"] for c in hall["categories"]]
    if len(set(codes)) != len(codes):
        raise ValidationFailed("category codes must be unique", "categories")
    seen: dict[str, str] = {}
    for category in hall["categories"]:
        for item in category["items"]:
            if item in seen:
                message = f"item {item} is in categories {seen[item]} and {category['code']}"
                raise ValidationFailed(message, "categories")
            seen[item] = category["code"]
    numbers = [w["no"] for w in hall["windows"]]
    if len(set(numbers)) != len(numbers):
        raise ValidationFailed("window numbers must be unique", "windows")
    for window in hall["windows"]:
        unknown = set(window["categories"]) - set(codes)
        if unknown:
            raise ValidationFailed(f"window {window['no']} serves unknown category {sorted(unknown)[0]}", "windows")
    for slot in hall["slot_times"]:
        if not SLOT_RE.match(slot) or slot_bounds(slot)[0] >= slot_bounds(slot)[1]:
            raise ValidationFailed(f"slot {slot!r} must look like 09:00-10:00", "slot_times")
    if "opening" in hall:
        check_opening(hall["opening"])
    opening = opening_of(hall)
    periods = sorted({p for kind in DAY_KINDS for p in opening[kind]})
    for slot in hall["slot_times"]:
        if not slot_in_periods(slot, periods):  # a slot outside every opening period could never be booked
            raise ValidationFailed(f"slot {slot} lies outside the opening periods", "slot_times")
    missing = set(codes) - set(hall["capacity"])
    if missing:
        raise ValidationFailed(f"capacity missing for category {sorted(missing)[0]}", "capacity")
    extra = set(hall["capacity"]) - set(codes)
    if extra:
        raise ValidationFailed(f"capacity for unknown category {sorted(extra)[0]}", "capacity")


def replace_hall(hall_id: str, body: dict) -> dict:
    """Create or replace a hall (staff). Existing bookings keep their seats; new capacity applies."""
    doc = {"_id": hall_id, **{k: v for k, v in body.items() if k not in ("hall_id", "hours")}}
    check_hall(doc)
    if body.get("hours") and body["hours"] != hours_text(doc):  # a GET's hours sent back unchanged is fine
        raise ValidationFailed(f"hours are generated from opening ({hours_text(doc)}); edit opening instead", "hours")
    mongo()["halls"].replace_one({"_id": hall_id}, doc, upsert=True)
    shared_versions.bump("halls")  # after the write: a worker that sees the new token reads the new hall
    return public_hall(doc)

