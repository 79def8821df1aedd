"""一件事 bundles: one application for several items, with one merged material list."""

from __future__ import annotations

import re

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


def material_keys(name: str) -> set[tuple[str, str]]:
    """(document, person) pairs a material stands for; 身份证 / 居民身份证（原件） share one."""
    text = _BRACKETS.sub("", knowledge_base().current().pipeline.normalize(name)).strip()
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
    return {
        "guide": bundle,
        "items": [summary(g) for g in items],
        "materials": merge_materials(parts),
        "materials_before_merge": sum(len(g.get("materials", [])) for g in parts),
        "total_promised_days": bundle["time_limit"]["promised_days"],
        "sum_of_item_promised_days": sum(g["time_limit"]["promised_days"] for g in items),
        "total_visits": bundle["visits"],
    }
