"""Item families: the records of a catalogue that share one item name.

A province publishes one item (事项) as several records: one per situation (办理项, e.g. 专职律师
执业许可 "申请专职执业" / "在外省转入广东省申请执业") and per department or level (省级 and
广州市级). Residents ask about the item, so the knowledge base answers the family: what its
records share, or one question that tells the situations apart — never a choice between
identical names.

Families whose names differ only by a situation word (《残疾人证》注销 / 迁出 / 换领,
无线电频率使用许可（新申请）/（变更）) are *related*: ``related_groups`` finds them with the
situation words of the alias rules.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from miniapp_api.catalogue.importer.aliases import AliasRules

# Guide elements compared across a family's records to say what they share.
COMPARED = ("conditions", "materials", "time_limit", "location", "contact", "online", "courier", "department")
QUESTION_LIST_MAX = 6  # more situations than this are listed for staff, not read out in one question


@dataclass
class Family:
    name: str
    members: list[dict] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        """The family's catalogue code when every record carries the same one."""
        codes = {g.get("catalogue_code") for g in self.members}
        return codes.pop() if len(codes) == 1 else None

    @property
    def situations(self) -> list[str]:
        """Distinct situations (办理项) in the order they first appear."""
        out: list[str] = []
        for g in self.members:
            s = g.get("situation")
            if s and s not in out:
                out.append(s)
        return out

    @property
    def departments(self) -> list[str]:
        out: list[str] = []
        for g in self.members:
            d = g.get("department")
            if d and d not in out:
                out.append(d)
        return out

    def variants(self) -> list[tuple[str | None, str | None, str | None]]:
        """Distinct (situation, department, level) of the records."""
        out: list[tuple[str | None, str | None, str | None]] = []
        for g in self.members:
            key = (g.get("situation"), g.get("department"), g.get("level"))
            if key not in out:
                out.append(key)
        return out

    def shared(self) -> dict:
        """The compared elements whose value is the same in every record (what the family shares)."""
        out = {}
        for name in COMPARED:
            values = {json.dumps(g.get(name), ensure_ascii=False, sort_keys=True) for g in self.members}
            if len(values) == 1:
                out[name] = self.members[0].get(name)
        return out

    def question(self) -> str | None:
        """One question that tells the situations apart, or None when there is nothing to ask."""
        situations = self.situations
        if len(situations) < 2:
            return None
        if len(situations) > QUESTION_LIST_MAX:
            shown = "；".join(f"{i}. {s}" for i, s in enumerate(situations, 1))
            return f"「{self.name}」分 {len(situations)} 种情形：{shown}。请问您是哪一种？"
        return f"「{self.name}」您是{'、'.join(situations[:-1])}还是{situations[-1]}？"

    def member_for(self, situation: str | None = None, level: str | None = None) -> dict | None:
        """The record for a situation (and level, e.g. the city's own), if the family has it."""
        for g in self.members:
            if (situation is None or g.get("situation") == situation) and (level is None or g.get("level") == level):
                return g
        return None


def group_families(guides: list[dict]) -> list[Family]:
    """Families by item name, in the order their first record appears."""
    by_name: dict[str, Family] = {}
    for g in guides:
        by_name.setdefault(g["name"], Family(g["name"])).members.append(g)
    return list(by_name.values())


def base_name(name: str, rules: AliasRules) -> str:
    """The name without brackets, book-title marks and situation words (残疾人证注销 → 残疾人证)."""
    text = rules.plain(name)
    for official, _spoken in rules.situations:
        for word in official:
            text = text.replace(word, "")
    return rules.core(text.strip("、，,；; "))


def related_groups(families: list[Family], rules: AliasRules) -> dict[str, list[Family]]:
    """Families sharing a base name, only where there are at least two of them."""
    groups: dict[str, list[Family]] = defaultdict(list)
    for fam in families:
        groups[base_name(fam.name, rules)].append(fam)
    return {base: fams for base, fams in groups.items() if len(fams) > 1 and len(base) >= 2}
