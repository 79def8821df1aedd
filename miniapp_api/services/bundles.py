"""一件事 bundles: one application for several items, with one merged material list."""

from __future__ import annotations

import re

from miniapp_api.errors import NotFound
from miniapp_api.kb.service import knowledge_base

_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")
_FORM_WORDS = re.compile(r"(原件|复印件|及复印件|电子版|扫描件)$")


def material_key(name: str) -> str:
    """Names that mean the same paper merge: 身份证 / 居民身份证（原件） → one key."""
    pipeline = knowledge_base().current().pipeline
    key = _BRACKETS.sub("", pipeline.normalize(name))
    return _FORM_WORDS.sub("", key).strip()


def summary(g: dict) -> dict:
    return {
        "code": g["code"], "name": g["name"], "department": g["department"], "audience": g["audience"],
        "theme": g["theme"], "online_level": g["online"]["level"], "visits": g["visits"],
        "promised_days": g["time_limit"]["promised_days"],
    }  # fmt: skip


def merge_materials(guides: list[dict]) -> list[dict]:
    merged: dict[str, dict] = {}
    for g in guides:
        for m in g.get("materials", []):
            key = material_key(m["name"])
            entry = merged.get(key)
            if entry is None:
                merged[key] = {
                    "name": m["name"], "form": m["form"], "copies": m["copies"], "required": m["required"],
                    "tolerance": m.get("tolerance", False), "notes": [], "for_items": [],
                }  # fmt: skip
                entry = merged[key]
            else:
                entry["copies"] = max(entry["copies"], m["copies"])
                entry["required"] = entry["required"] or m["required"]
                # 容缺 only if every item accepts the paper later.
                entry["tolerance"] = entry["tolerance"] and m.get("tolerance", False)
                if entry["form"] != m["form"]:
                    entry["form"] = "原件及复印件"
                if len(m["name"]) > len(entry["name"]):
                    entry["name"] = m["name"]
            if m.get("notes") and m["notes"] not in entry["notes"]:
                entry["notes"].append(m["notes"])
            if g["code"] not in entry["for_items"]:
                entry["for_items"].append(g["code"])
    return sorted(merged.values(), key=lambda e: (not e["required"], -len(e["for_items"])))


def bundle_view(code: str) -> dict:
    guides = knowledge_base().guides()
    bundle = guides.get(code)
    if bundle is None or not code.startswith("YJS-"):
        raise NotFound(f"no bundle {code}", "code")
    items = [guides[c] for c in bundle["items"] if c in guides]
    parts = [bundle, *items]
    return {
        "guide": bundle,
        "items": [summary(g) for g in items],
        "materials": merge_materials(parts),
        "materials_before_merge": sum(len(g.get("materials", [])) for g in parts),
        "total_promised_days": bundle["time_limit"]["promised_days"],
        "sum_of_item_promised_days": sum(g["time_limit"]["promised_days"] for g in items),
        "total_visits": bundle["visits"],
    }
