"""Aliases generated from official item names by rules read from a data file
(``guides/kb/alias_rules.yaml``), so that an imported catalogue needs no hand-written aliases.

Each alias carries the rule that made it, because staff review generated aliases before they are
published. The rule families: bracketed parts and book-title marks removed, administrative endings
dropped, situation words (办理项) rewritten the way residents say them, certificate short forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SEPARATORS = "、，,；;：: "
BRACKETS = re.compile(r"[（）()《》〈〉]")
# Joining words left dangling once situation words are removed ("证书损毁或者遗失的换发" → "证书").
CONNECTORS = re.compile(r"(?:或者|或|和|及|与|的|并)+$|^(?:或者|或|和|及|与|的|并)+")
MULTI_SEP = re.compile(r"[、，,；;]{2,}")


class AliasRuleError(ValueError):
    """The rules file is malformed; ``where`` names the entry."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where


@dataclass(frozen=True)
class Alias:
    text: str
    rule: str  # which rule made it, for staff review


@dataclass
class AliasRules:
    strip: list[tuple[re.Pattern, str]] = field(default_factory=list)
    suffixes: list[str] = field(default_factory=list)
    situations: list[tuple[list[str], list[str]]] = field(default_factory=list)
    short_forms: dict[str, list[str]] = field(default_factory=dict)
    max_per_item: int = 16
    min_core: int = 3

    # -- loading ----------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> AliasRules:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict) -> AliasRules:
        if not isinstance(data, dict):
            raise AliasRuleError("file", "must be a mapping of rule families")
        rules = cls(max_per_item=_int(data, "max_per_item", 16), min_core=_int(data, "min_core", 3))
        for i, entry in enumerate(data.get("strip") or []):
            where = f"strip[{i}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("pattern"), str):
                raise AliasRuleError(where, "needs a pattern")
            try:
                rules.strip.append((re.compile(entry["pattern"]), str(entry.get("why", entry["pattern"]))))
            except re.error as exc:
                raise AliasRuleError(where, f"bad pattern: {exc}") from exc
        rules.suffixes = sorted(_words(data.get("suffixes") or [], "suffixes"), key=len, reverse=True)
        for i, entry in enumerate(data.get("situations") or []):
            where = f"situations[{i}]"
            if not isinstance(entry, dict):
                raise AliasRuleError(where, "needs official and spoken")
            official = sorted(_words(entry.get("official") or [], f"{where}.official"), key=len, reverse=True)
            spoken = _words(entry.get("spoken") or [], f"{where}.spoken")
            if not official or not spoken:
                raise AliasRuleError(where, "needs official and spoken words")
            for s in spoken:
                if s.count("{x}") != 1:
                    raise AliasRuleError(f"{where}.spoken", f"{s!r} must contain {{x}} once")
            rules.situations.append((official, spoken))
        forms = data.get("short_forms") or {}
        if not isinstance(forms, dict):
            raise AliasRuleError("short_forms", "must map a long form to its short forms")
        for long, shorts in forms.items():
            shorts = shorts if isinstance(shorts, list) else [shorts]
            rules.short_forms[str(long)] = _words(shorts, f"short_forms.{long}")
        return rules

    # -- generating -------------------------------------------------------------------------
    def plain(self, name: str) -> str:
        """The name without the parts residents never say."""
        out = name
        for pattern, _why in self.strip:
            out = pattern.sub("", out)
        return _tidy(out)

    def core(self, text: str) -> str:
        """``text`` without an administrative ending, if enough of it remains."""
        for suffix in self.suffixes:
            if text.endswith(suffix) and len(text) - len(suffix) >= self.min_core:
                # 养殖证的审核 → 养殖证: a dangling 的 is never part of what residents say
                return _tidy(text[: -len(suffix)]).removesuffix("的")
        return text

    def generate(self, name: str) -> list[Alias]:
        out: dict[str, str] = {}

        def add(text: str, rule: str) -> None:
            text = _tidy(text)
            if len(text) >= 2 and text != name and text not in out:
                out[text] = rule

        def add_with_short_forms(text: str, rule: str) -> None:
            # The short form first: residents say 残疾证, not 残疾人证.
            for long, shorts in self.short_forms.items():
                if long in text:
                    for short in shorts:
                        add(text.replace(long, short), f"{rule}; short form {long} → {short}")
            add(text, rule)

        plain = self.plain(name)
        add_with_short_forms(plain, "plain name")
        core = self.core(plain)
        if core != plain:
            add_with_short_forms(core, "administrative ending dropped")
        all_official = [w for official, _ in self.situations for w in official]
        # The situation may sit in the brackets the plain name drops: 无线电频率使用许可（遗失补办）.
        bare = BRACKETS.sub("", name)
        for official, spoken in self.situations:
            word = next((w for w in official if w in bare), None)
            if word is None:
                continue
            thing = plain.replace(word, "")
            for other in sorted(all_official, key=len, reverse=True):
                thing = thing.replace(other, "")
            thing = self.core(_tidy(CONNECTORS.sub("", thing)))
            if len(thing) < 2:
                continue
            for template in spoken:
                add_with_short_forms(template.replace("{x}", thing), f"situation {word} → {template}")
        return [Alias(text, rule) for text, rule in list(out.items())[: self.max_per_item]]

    def aliases(self, name: str) -> list[str]:
        return [a.text for a in self.generate(name)]


def _tidy(text: str) -> str:
    return MULTI_SEP.sub("、", text).strip(SEPARATORS)


def _int(data: dict, key: str, default: int) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or value < 1:
        raise AliasRuleError(key, "must be a positive integer")
    return value


def _words(values, where: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise AliasRuleError(where, "must be a list of non-empty words")
    return [v.strip() for v in values]
