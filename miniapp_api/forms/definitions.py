"""Form definitions: built from data (guides/forms/blocks.yaml, items.yaml) and the published guide.

A definition is ``{"code", "kind": "item"|"bundle", "title", "items": [codes], "fields": [field…]}``;
each field carries its ``section``. An item gets its audience's blocks, then its own fields from
items.yaml (or the default fields, whose material checklist comes from the guide), then the booking
block. A bundle gets the union of its items' fields, each key once, in first-seen order.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import yaml
from flask import current_app

from miniapp_api.core.errors import NotFound, ValidationFailed
from miniapp_api.forms.checks import TYPES
from miniapp_api.guides.catalogue import published_guide

SOURCES = (
    "profile.name",
    "profile.id_number",
    "profile.phone",
    "profile.address",
    "item.name",
    "item.code",
    "item.department",
    "booking.hall_name",
    "booking.hall_address",
    "booking.date",
    "booking.slot",
)


def _folder() -> Path:
    return Path(current_app.config["GUIDES_DIR"]) / "forms"


def form_data() -> dict:
    """blocks.yaml and items.yaml, read again when either file changed (staff edit data, not code)."""
    folder = _folder()
    stamps = tuple((folder / n).stat().st_mtime_ns for n in ("blocks.yaml", "items.yaml"))
    return _load(str(folder), stamps)


@functools.lru_cache(maxsize=4)
def _load(folder: str, _stamps: tuple) -> dict:
    blocks = yaml.safe_load(Path(folder, "blocks.yaml").read_text(encoding="utf-8"))
    items = yaml.safe_load(Path(folder, "items.yaml").read_text(encoding="utf-8"))["items"] or {}
    data = {**blocks, "items": items}
    check_data(data)
    return data


def check_data(data: dict) -> None:
    """Every field well formed (type, source, options), so a bad edit fails loudly, not at a resident."""
    fields = [f for b in data["blocks"].values() for f in b["fields"]] + list(data["default_extra"])
    fields += [f for entry in data["items"].values() for f in (entry or {}).get("fields", [])]
    for field in fields:
        where = f"form field {field.get('key')!r}"
        if not field.get("key") or not field.get("label"):
            raise ValueError(f"{where}: key and label are required")
        if field.get("type") not in TYPES:
            raise ValueError(f"{where}: unknown type {field.get('type')!r}")
        if field.get("source") and field["source"] not in SOURCES:
            raise ValueError(f"{where}: unknown source {field['source']!r}")
        if field["type"] in ("choice", "multichoice") and not (field.get("options") or field.get("options_from")):
            raise ValueError(f"{where}: a {field['type']} needs options")
    for audience, names in data["audiences"].items():
        unknown = set(names) - set(data["blocks"])
        if unknown:
            raise ValueError(f"audience {audience}: unknown blocks {sorted(unknown)}")


def _block_fields(data: dict, name: str) -> list[dict]:
    block = data["blocks"][name]
    return [{**f, "section": block["section"], "required": bool(f.get("required"))} for f in block["fields"]]


def _own_fields(data: dict, guide: dict) -> list[dict]:
    entry = data["items"].get(guide["code"])
    if entry is not None:
        extra = copy.deepcopy(entry.get("fields", []))
    else:
        extra = copy.deepcopy(data["default_extra"])
        for field in extra:
            if field.get("options_from") == "guide.materials":
                field["options"] = [m["name"] for m in guide.get("materials") or [] if m.get("name")]
                del field["options_from"]
        extra = [f for f in extra if f["type"] not in ("choice", "multichoice") or f.get("options")]
    return [{**f, "section": "办理信息", "required": bool(f.get("required"))} for f in extra]


def _item_fields(data: dict, guide: dict) -> list[dict]:
    fields = [
        f
        for name in data["audiences"].get(guide.get("audience"), data["audiences"]["个人"])
        for f in _block_fields(data, name)
    ]
    omit = set((data["items"].get(guide["code"]) or {}).get("omit", []))
    return [f for f in fields if f["key"] not in omit] + _own_fields(data, guide)


def _merge(field_lists: list[list[dict]]) -> list[dict]:
    """Each key once, in first-seen order; required if any item requires it."""
    merged: dict[str, dict] = {}
    for fields in field_lists:
        for field in fields:
            if field["key"] in merged:
                merged[field["key"]]["required"] |= field["required"]
            else:
                merged[field["key"]] = dict(field)
    return list(merged.values())


def definition(code: str) -> dict:
    """The form of the item or bundle ``code`` (published), or NotFound naming ``code``."""
    if not isinstance(code, str) or len(code) > 40:
        raise ValidationFailed("code must be an item or bundle code", "code")
    guide = published_guide(code)
    if guide is None:
        raise NotFound(f"no published item or bundle {code}", "code", code="unknown_item")
    data = form_data()
    trailing = [f for name in data.get("trailing", []) for f in _block_fields(data, name)]
    if guide.get("items"):  # a bundle (一件事): one form for all its items
        parts = [published_guide(c) for c in guide["items"]]
        parts = [p for p in parts if p is not None]
        lists = [_item_fields(data, p) for p in parts]
        own = data["items"].get(guide["code"]) or {}
        lists.append([{**f, "section": "办理信息", "required": bool(f.get("required"))} for f in own.get("fields", [])])
        omit = set(own.get("omit", []))
        fields = [f for f in _merge(lists) if f["key"] not in omit]
        kind, items = "bundle", [p["code"] for p in parts]
    else:
        fields, kind, items = _item_fields(data, guide), "item", [guide["code"]]
    fields = _merge([fields, trailing])
    return {
        "code": guide["code"],
        "kind": kind,
        "title": f"{guide['name']}申请表",
        "name": guide["name"],
        "department": guide.get("department", ""),
        "items": items,
        "fields": fields,
    }
