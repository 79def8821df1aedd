"""Service halls (服务大厅): categories of service (queue prefixes), windows, slot times, capacity.

Halls are data in Mongo ``halls``; staff (admin) replace a hall through the API. The demo hall
``jc-main`` is seeded on first start from guides/README.md's floor plan, with every catalogue item
mapped to exactly one category.

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

log = logging.getLogger(__name__)
SLOT_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


def _windows(prefix: str, first: int, last: int, categories: list[str]) -> list[dict]:
    return [{"no": f"{prefix}{n:02d}", "categories": categories} for n in range(first, last + 1)]


def _items(prefix: str, *numbers: int) -> list[str]:
    return [f"{prefix}-{n:03d}" for n in numbers]


# (code, name, items, capacity per slot) — the code is also the queue-number prefix (A001…).
_DEMO_CATEGORIES = [
    ("A", "综合受理（一窗受理）", _items("GR", 13, 14, 15), 6),
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
    ("M", "企业开办专区", _items("QY", 1, 2, 3, 4, 5, 6, 7, 8), 16),
    ("N", "工程建设项目审批专区", _items("QY", 18, 19, 20, 21, 22, 23, 24), 8),
    ("P", "其他许可", _items("QY", 9, 10, 11, 12, 13, 14, 15, 16, 17, 25, 26, 27), 8),
]

DEMO_HALL = {
    "_id": "jc-main",
    "name": "江川市市民服务中心",
    "address": "江川市新城区市民大道188号",
    "hours": "周一至周五 9:00–12:00、13:30–17:30；法定节假日休息，调休上班日正常上班",
    "phone": "0576-12345",
    "categories": [{"code": c, "name": n, "items": items} for c, n, items, _ in _DEMO_CATEGORIES],
    "windows": (
        _windows("A", 1, 4, ["A"]) + _windows("A", 5, 6, ["A", "H"])  # A05–A06 also help 民政 at peaks
        + _windows("A", 7, 12, ["B"]) + _windows("A", 13, 18, ["C"]) + _windows("A", 19, 20, ["D"])
        + _windows("B", 1, 12, ["E"]) + _windows("B", 13, 18, ["F"]) + _windows("B", 19, 24, ["G"])
        + _windows("B", 25, 34, ["H"]) + _windows("C", 1, 16, ["J"]) + _windows("C", 17, 20, ["K"])
        + _windows("C", 21, 24, ["L"]) + _windows("D", 1, 20, ["M"]) + _windows("D", 21, 30, ["N"])
        + _windows("D", 31, 40, ["P"])
    ),
    "slot_times": ["09:00-10:00", "10:00-11:00", "11:00-12:00", "13:30-14:30", "14:30-15:30",
                   "15:30-16:30", "16:30-17:30"],
    "capacity": {c: cap for c, _, _, cap in _DEMO_CATEGORIES},
}


def seed_demo_hall(db: Database) -> bool:
    """Insert the demo hall unless it exists (staff edits are never overwritten)."""
    result = db["halls"].update_one({"_id": DEMO_HALL["_id"]}, {"$setOnInsert": DEMO_HALL}, upsert=True)
    return result.upserted_id is not None


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
    out = {k: v for k, v in hall.items() if k != "_id"}
    out["hall_id"] = hall["_id"]
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
    missing = set(codes) - set(hall["capacity"])
    if missing:
        raise ValidationFailed(f"capacity missing for category {sorted(missing)[0]}", "capacity")
    extra = set(hall["capacity"]) - set(codes)
    if extra:
        raise ValidationFailed(f"capacity for unknown category {sorted(extra)[0]}", "capacity")


def replace_hall(hall_id: str, body: dict) -> dict:
    """Create or replace a hall (staff). Existing bookings keep their seats; new capacity applies."""
    doc = {"_id": hall_id, **{k: v for k, v in body.items() if k != "hall_id"}}
    check_hall(doc)
    mongo()["halls"].replace_one({"_id": hall_id}, doc, upsert=True)
    shared_versions.bump("halls")  # after the write: a worker that sees the new token reads the new hall
    return public_hall(doc)

