"""Side-by-side difference of a draft against the published edition (pure: no Flask).

Each changed top-level field is shown as YAML lines, published on the left and draft on the right,
lined up with difflib so that an unchanged line sits opposite itself and a changed one opposite
its new version.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import yaml

from miniapp_api.guides.guide_form import FIELD_LABELS

ORDER = list(FIELD_LABELS)


@dataclass
class Row:
    left_no: int | None
    left: str
    right_no: int | None
    right: str
    tag: str  # equal | replace | delete | insert


@dataclass
class FieldDiff:
    field: str
    label: str
    rows: list[Row] = field(default_factory=list)


def _tidy(value: object) -> object:
    """Whole floats as integers (the schema loads 120 as 120.0; people wrote 120)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


def _lines(value: object) -> list[str]:
    value = _tidy(value)
    if value is None:
        return []
    if isinstance(value, str | int | float | bool):
        return [str(value)]
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return text.rstrip("\n").splitlines()


def _pair(old: list[str], new: list[str]) -> list[Row]:
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs = zip(range(i1, i2), range(j1, j2), strict=True)
            rows += [Row(i + 1, old[i], j + 1, new[j], "equal") for i, j in pairs]
            continue
        span = max(i2 - i1, j2 - j1)
        for k in range(span):
            i, j = i1 + k, j1 + k
            left = (i + 1, old[i]) if i < i2 else (None, "")
            right = (j + 1, new[j]) if j < j2 else (None, "")
            kind = "replace" if left[0] and right[0] else ("delete" if left[0] else "insert")
            rows.append(Row(left[0], left[1], right[0], right[1], kind))
    return rows


def side_by_side(published: dict | None, draft: dict | None) -> list[FieldDiff]:
    """Changed fields in the guide's usual order, each with its lined-up rows."""
    published, draft = published or {}, draft or {}
    changed = [k for k in set(published) | set(draft) if published.get(k) != draft.get(k)]
    changed.sort(key=lambda k: (ORDER.index(k) if k in ORDER else len(ORDER), k))
    return [FieldDiff(k, FIELD_LABELS.get(k, k), _pair(_lines(published.get(k)), _lines(draft.get(k))))
            for k in changed]
