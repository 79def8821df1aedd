"""Cleaning the values of an export or spreadsheet row, and the row issues and result every
catalogue importer returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Exports write "no value" as null, "" or 无 (sometimes padded with spaces).
EMPTY = frozenset({"", "无", "暂无", "/", "-", "null", "None"})
WS_RE = re.compile(r"\s+")
DAYS_RE = re.compile(r"^\s*(\d{1,4})\s*[(（]?\s*(工作日|自然日)\s*[)）]?\s*$")
# Numbered clauses inside one conditions text: 1、 1. （一） (1) 一、 — the marker is dropped.
CLAUSE_MARK = re.compile(
    r"(?:(?<![\d.])\d{1,2}[、．.](?!\d)|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)"
)
AREA = r"(?:\((?:86)?0?\d{2,3}\)\s*|0\d{2,3}\s*[-－–—]+\s*)"
# Local numbers with an optional area code and extension, 5-digit service lines (12345, 95598),
# 400/800 numbers and mobiles. A malformed number (9 digits) is reported, not guessed.
PHONE_RE = re.compile(
    rf"(?<![\d-]){AREA}?(?:\d{{3,4}} ?\d{{4}}|[19]\d{{4}})(?:\s*(?:转|-|－|–)\s*\d{{1,5}})*(?!\d)"
    r"|(?<!\d)[48]00[- ]?\d{3,4}[- ]?\d{3,4}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)"
)
# Elements a resident may ask about; what a source leaves empty is listed as missing.
ELEMENTS = ("conditions", "materials", "time_limit", "fee", "location", "contact", "process", "basis")


@dataclass(frozen=True)
class RowIssue:
    line: int
    field: str
    message: str
    fatal: bool = False

    def __str__(self) -> str:
        what = "row skipped" if self.fatal else "field left empty"
        return f"line {self.line}, {self.field}: {self.message} ({what})"


@dataclass
class ImportResult:
    guides: list[dict] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    lines: int = 0  # rows read (non-blank lines of an export, data rows of a sheet)

    @property
    def skipped(self) -> int:
        return len({i.line for i in self.issues if i.fatal})


def text(value) -> str | None:
    """A trimmed single-spaced string, or None for a source's ways of saying nothing."""
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise ValueError(f"expected text, got {type(value).__name__}")
    out = WS_RE.sub(" ", str(value)).strip()
    return None if out in EMPTY else out


def text_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):  # a single value written without the list
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"expected a list of text, got {type(value).__name__}")
    out: list[str] = []
    for v in value:
        t = text(v)
        if t and t not in out:
            out.append(t)
    return out


def days(value) -> tuple[int, str] | None:
    """("20(工作日)" or "20 工作日") → (20, "工作日"); None when empty; ValueError when unreadable."""
    raw = text(value)
    if raw is None:
        return None
    m = DAYS_RE.match(raw)
    if not m:
        raise ValueError(f"time limit {raw!r} is not 'N(工作日)'")
    return int(m.group(1)), m.group(2)


def conditions_of(value: str | None) -> list[str]:
    """One conditions text split into its numbered clauses (markers dropped)."""
    if not value:
        return []
    parts = CLAUSE_MARK.split(value)
    return [p.strip(" ;；，,") for p in parts if len(p.strip(" ;；，,")) > 1]


def phones_of(value: str | None) -> list[str]:
    """Every phone number in a free-text contact field, normalised ("020-8923 2806" → "020-89232806")."""
    if not value:
        return []
    out: list[str] = []
    for m in PHONE_RE.finditer(value):
        number = re.sub(r"[-－–—]+", "-", WS_RE.sub("", m.group(0)))
        if number not in out:
            out.append(number)
    return out


def unwrap(value: str) -> str:
    """Remove brackets around the whole text ("(（个人）)" → "个人"), never a closing one of
    its own ("跨市转所（执业机构变更）" stays whole)."""
    value = value.strip()
    while value[:1] in ("(", "（") and value[-1:] in (")", "）") and balanced(value[1:-1]):
        value = value[1:-1].strip()
    return value


def balanced(value: str) -> bool:
    depth = 0
    for ch in value:
        depth += ch in "(（"
        depth -= ch in ")）"
        if depth < 0:
            return False
    return depth == 0


def missing_elements(guide: dict) -> list[str]:
    """The resident-facing elements a guide does not publish."""
    contact = guide.get("contact") or {}
    present = {
        "conditions": bool(guide.get("conditions")),
        "materials": bool(guide.get("materials")),
        "time_limit": bool(guide.get("time_limit")),
        "fee": guide.get("fee") is not None,
        "location": bool(guide.get("location")),
        "contact": bool(contact.get("consult") or contact.get("complain")),
        "process": bool(guide.get("process")),
        "basis": bool(guide.get("basis")),
    }
    return [e for e in ELEMENTS if not present[e]]


