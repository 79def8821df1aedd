"""Appeal types (咨询 / 求助 / 投诉 / 建议) and their reply time limits, loaded from a data file.

The file (``guides/appeals/types.yaml``) is the single place where a time limit is set, so a
change of policy is an edit of data, not of code. This module is pure: it reads the file it is
given and imports nothing from the app.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "guides" / "appeals" / "types.yaml"
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,29}$")
MAX_DAYS = 60  # a reply limit beyond this is a typo in the file, not a policy


@dataclass(frozen=True)
class AppealType:
    code: str
    label: str
    days: int
    words: tuple[str, ...] = field(default=())
    hint: str = ""

    def public(self) -> dict:
        return {"code": self.code, "label": self.label, "days": self.days, "hint": self.hint}


class AppealTypes:
    """The known types, in file order (the order the bot offers them in)."""

    def __init__(self, types: Iterable[AppealType]) -> None:
        self.types: tuple[AppealType, ...] = tuple(types)
        if not self.types:
            raise ValueError("no appeal types defined")
        self._by_code = {t.code: t for t in self.types}
        self._by_label = {t.label: t for t in self.types}
        if len(self._by_code) != len(self.types) or len(self._by_label) != len(self.types):
            raise ValueError("appeal type codes and labels must be unique")

    def __iter__(self):
        return iter(self.types)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._by_code)

    def get(self, code: str) -> AppealType | None:
        return self._by_code.get(code)

    def days(self, code: str) -> int:
        """Reply limit in working days; KeyError for an unknown code (the caller validated it)."""
        return self._by_code[code].days

    def label(self, code: str | None) -> str:
        kind = self._by_code.get(code or "")
        return kind.label if kind else "未分类"

    def parse(self, text: str | None) -> str | None:
        """The type a resident's answer names: a code, a label, or words of exactly one type.

        None when nothing or more than one type fits ("投诉还是建议我也说不清"), so the bot asks
        again rather than guessing.
        """
        said = (text or "").strip()
        if not said:
            return None
        if said.lower() in self._by_code:
            return said.lower()
        if said in self._by_label:
            return self._by_label[said].code
        hits = {t.code for t in self.types if t.label in said or any(w in said for w in t.words)}
        return hits.pop() if len(hits) == 1 else None


def _one(raw: dict, index: int) -> AppealType:
    if not isinstance(raw, dict):
        raise ValueError(f"type #{index + 1}: expected a mapping")
    code, label, days = raw.get("code"), raw.get("label"), raw.get("days")
    if not isinstance(code, str) or not _CODE_RE.match(code):
        raise ValueError(f"type #{index + 1}: code must be lowercase letters/digits/_ (got {code!r})")
    if not isinstance(label, str) or not label.strip():
        raise ValueError(f"type {code}: label is required")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValueError(f"type {code}: days must be a whole number of working days 1..{MAX_DAYS} (got {days!r})")
    words = raw.get("words") or []
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise ValueError(f"type {code}: words must be a list of non-empty strings")
    return AppealType(code, label.strip(), days, tuple(w.strip() for w in words), str(raw.get("hint") or ""))


def parse_types(data: dict) -> AppealTypes:
    """Validate the parsed YAML (``{"types": [...]}``); ValueError names the bad entry."""
    rows = (data or {}).get("types")
    if not isinstance(rows, list):
        raise ValueError("expected a top-level 'types' list")
    return AppealTypes(_one(raw, i) for i, raw in enumerate(rows))


def load_types(path: str | Path = DEFAULT_FILE) -> AppealTypes:
    return parse_types(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
