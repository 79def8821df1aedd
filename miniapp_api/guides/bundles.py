"""一件事 bundles: one application for several items, with one merged material list.

The list asks for each paper once (materials naming the same document of the same person, or names
staff listed as one paper in guides/kb/material_names.yaml) and leaves out the papers the bundle's
own items issue (each item guide's ``issues``): 企业开办一件事 does not ask for the 营业执照 that its
企业设立登记 produces.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from flask import current_app

from miniapp_api.core.errors import NotFound
from miniapp_api.core.vocabulary import BUNDLE_PREFIX
from miniapp_api.guides.catalogue import published_guides
from miniapp_api.kb.service import knowledge_base

_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")
# Papers recognised inside material names, and the people they belong to. Two materials of two
# items are the same paper when they name the same document of the same person.
_DOCS = [
    ("居民身份证", re.compile(r"居民身份证|身份证明")), ("授权委托书", re.compile(r"委托书")),
    ("结婚证", re.compile(r"结婚证")), ("户口簿", re.compile(r"户口簿")),
    ("出生医学证明", re.compile(r"出生医学证明")), ("营业执照", re.compile(r"营业执照")),
    ("不动产权证书", re.compile(r"不动产权证书")), ("社会保障卡", re.compile(r"社会保障卡")),
]  # fmt: skip
_JOINT = {"授权委托书", "结婚证", "户口簿", "出生医学证明", "营业执照", "不动产权证书"}  # one per household/firm
_ROLES = [
    ("法定代表人", re.compile(r"法定代表人|负责人")), ("经办人", re.compile(r"经办人|被委托人|受托人|代理人")),
    ("父母", re.compile(r"父母|夫妻|双方")), ("办税人员", re.compile(r"办税人员")),
    ("股东", re.compile(r"股东")), ("董事监事经理", re.compile(r"董事|监事|经理")),
]  # fmt: skip


MATERIAL_NAMES_FILE = Path("kb") / "material_names.yaml"  # under GUIDES_DIR


def read_material_names(path: Path, normalize) -> dict[str, str]:
    """The name table as {normalised variant: canonical name}."""
    table: dict[str, str] = {}
    for group in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        for name in [group["canonical"], *group.get("variants", [])]:
            table[_BRACKETS.sub("", normalize(name)).strip()] = group["canonical"]
    return table


def material_names() -> dict[str, str]:
    """This worker's copy of the table, read again when staff changed the file."""
    path = Path(current_app.config["GUIDES_DIR"]) / MATERIAL_NAMES_FILE
    mtime = path.stat().st_mtime_ns if path.exists() else None
    cached = current_app.extensions.get("material_names")
    if cached is None or cached[0] != mtime:
        normalize = knowledge_base().current().pipeline.normalize
        cached = (mtime, read_material_names(path, normalize) if mtime is not None else {})
        current_app.extensions["material_names"] = cached
    return cached[1]


def canonical_name(name: str) -> str:
    """The name a material is compared by: normalised, bracketed remarks dropped, then the staff table."""
    text = _BRACKETS.sub("", knowledge_base().current().pipeline.normalize(name)).strip()
    canonical = material_names().get(text)
    return knowledge_base().current().pipeline.normalize(canonical) if canonical else text


def material_keys(name: str) -> set[tuple[str, str]]:
    """(document, person) pairs a material stands for; 身份证 / 居民身份证（原件） share one."""
    text = canonical_name(name)
    docs = [doc for doc, pattern in _DOCS if pattern.search(text)]
    if not docs or "或" in text:  # "户口簿或出生医学证明" is a choice, not both papers
        return {(text, "")}
    roles = [role for role, pattern in _ROLES if pattern.search(text)] or ["申请人"]
    return {(doc, "") if doc in _JOINT else (doc, role) for doc in docs for role in roles}


def summary(g: dict) -> dict:
    # an imported guide may publish no time limit (time_limit None): its promised days are unknown
    return {
        "code": g["code"], "name": g["name"], "department": g["department"], "audience": g["audience"],
        "theme": g["theme"], "online_level": g["online"]["level"], "visits": g["visits"],
        "promised_days": (g.get("time_limit") or {}).get("promised_days"),
    }  # fmt: skip


def issued_papers(guides: list[dict]) -> dict[tuple[str, str], tuple[str, str]]:
    """(document, person) key → (item code, certificate name) for what the guides issue."""
    issued: dict[tuple[str, str], tuple[str, str]] = {}
    for g in guides:
        for name in g.get("issues") or ():
            for key in material_keys(name):
                issued.setdefault(key, (g["code"], name))
    return issued


def split_self_issued(guides: list[dict]) -> tuple[list[dict], list[dict]]:
    """(the guides with only the materials the bundle needs from the resident, the papers left out
    because another item of the bundle issues them). An item still asks for the paper it issues
    itself (存量房转移登记 takes the seller's 不动产权证书 and issues the buyer's)."""
    issued = issued_papers(guides)
    kept_guides: list[dict] = []
    left: dict[str, dict] = {}
    for g in guides:
        kept = []
        for m in g.get("materials", []):
            keys = sorted(material_keys(m["name"]))
            by = next((issued[k] for k in keys if k in issued and issued[k][0] != g["code"]), None)
            if by is None:
                kept.append(m)
                continue
            entry = left.setdefault(m["name"], {"name": m["name"], "for_items": [], "issued_by": by[0],
                                                "issued_as": by[1]})  # fmt: skip
            entry["for_items"].append(g["code"])
        kept_guides.append({**g, "materials": kept})
    return kept_guides, list(left.values())


def merge_materials(guides: list[dict]) -> list[dict]:
    """One entry per paper: materials sharing a (document, person) pair are merged (union–find)."""
    entries: list[dict] = []
    owner: dict[tuple[str, str], int] = {}
    parent: list[int] = []

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for g in guides:
        for m in g.get("materials", []):
            idx = len(entries)
            entries.append({"material": m, "item": g["code"]})
            parent.append(idx)
            for key in material_keys(m["name"]):
                if key in owner:
                    parent[find(idx)] = find(owner[key])
                else:
                    owner[key] = idx
    groups: dict[int, list[dict]] = {}
    for i, entry in enumerate(entries):
        groups.setdefault(find(i), []).append(entry)
    return sorted((_merge_group(group) for group in groups.values()),
                  key=lambda e: (not e["required"], -len(e["for_items"])))


def _merge_group(group: list[dict]) -> dict:
    materials = [e["material"] for e in group]
    forms = {m["form"] for m in materials}
    return {
        "name": max((m["name"] for m in materials), key=len),
        "form": forms.pop() if len(forms) == 1 else "原件及复印件",
        "copies": max(m["copies"] for m in materials),
        "required": any(m["required"] for m in materials),
        # 容缺 only if every item accepts the paper later.
        "tolerance": all(m.get("tolerance", False) for m in materials),
        "notes": list(dict.fromkeys(m["notes"] for m in materials if m.get("notes"))),
        "for_items": list(dict.fromkeys(e["item"] for e in group)),
    }


def bundle_view(code: str) -> dict:
    guides = published_guides()
    bundle = guides.get(code)
    if bundle is None or not code.startswith(BUNDLE_PREFIX):
        raise NotFound(f"no bundle {code}", "code")
    items = [guides[c] for c in bundle["items"] if c in guides]
    parts = [bundle, *items]
    needed, left_out = split_self_issued(parts)
    return {
        "guide": bundle,
        "items": [summary(g) for g in items],
        "materials": merge_materials(needed),
        "left_out": left_out,
        "materials_before_merge": sum(len(g.get("materials", [])) for g in parts),
        "total_promised_days": bundle["time_limit"]["promised_days"],
        "sum_of_item_promised_days": sum(g["time_limit"]["promised_days"] for g in items),
        "total_visits": bundle["visits"],
    }
