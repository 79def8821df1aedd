"""Personal data in free text: mask ID and phone numbers before a question is logged or stored.

Residents type their 身份证号 and phone numbers into questions ("我的身份证110101…怎么换"); what staff
read in the unanswered log, the agent feedback and the chat logs must not hold them. ``mask_pii``
replaces each with a tag (``[身份证号]``, ``[手机号]``, ``[电话]``): nothing of the number is kept, not
even the last four characters, because those are the case-lookup second factor.

Matching sees through full-width and other Unicode digits (``１３８…``), full-width ``Ｘ`` and the
spaces or hyphens people put between groups; the text is first mapped character for character to
ASCII, so offsets stay the same and the rest of the text is returned untouched.

Validation is the other way round: an ID number, phone or lookup factor must be ASCII digits
(``is_ascii_digits``), because Python's ``\\d`` and ``str.isdigit`` also accept ``１２３４``.
"""

from __future__ import annotations

import logging
import re
import unicodedata

ID_TAG, MOBILE_TAG, LANDLINE_TAG = "[身份证号]", "[手机号]", "[电话]"

_SEP = r"[ \-]?"  # after folding, every space-like or dash-like character is one of these
_PATTERNS = (
    # 18-character ID (6 region + 8 birth date + 3 + check digit or X), then the old 15-digit one
    (re.compile(rf"(?<![0-9])[1-9][0-9]{{5}}{_SEP}(?:19|20)[0-9]{{6}}{_SEP}[0-9]{{3}}[0-9Xx](?![0-9A-Za-z])"), ID_TAG),
    (re.compile(rf"(?<![0-9])[1-9][0-9]{{5}}{_SEP}[0-9]{{6}}{_SEP}[0-9]{{3}}(?![0-9])"), ID_TAG),
    # mobile: optional +86 / 0086 / 86, then 1[3-9]x xxxx xxxx in any grouping of 3-4-4
    (re.compile(rf"(?<![0-9])(?:(?:\+|00)?86{_SEP})?1[3-9][0-9]{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}(?![0-9])"), MOBILE_TAG),
    # landline: area code 0xx / 0xxx (optionally in brackets, with +86) and a 7–8 digit local number
    (re.compile(rf"(?<![0-9])(?:(?:\+|00)?86{_SEP})?(?:\(0[1-9][0-9]{{1,2}}\)|0[1-9][0-9]{{1,2}}){_SEP}"
                rf"(?:[2-9][0-9]{{6,7}}|[2-9][0-9]{{2}}{_SEP}[0-9]{{4}}|[2-9][0-9]{{3}}{_SEP}[0-9]{{3,4}})(?![0-9])"),
     LANDLINE_TAG),  # fmt: skip
)
_ASCII_DIGITS_RE = re.compile(r"[0-9]+")
_HINT_RE = re.compile(r"\d")  # Unicode digits: text without any digit needs no work


_FOLD_CACHE_MAX = 20_000


class _FoldToAscii(dict):
    """``str.translate`` table, filled on demand: every Unicode decimal digit → its ASCII digit, X-likes → X,
    space- and dash-likes → " " / "-", brackets → ASCII; one character for one, so offsets are kept."""

    _FIXED = {"Ｘ": "X", "ｘ": "x", "（": "(", "）": ")", "＋": "+", "\u3000": " ", "\u00a0": " ", "\t": " "}

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        if char in self._FIXED:
            folded = self._FIXED[char]
        elif (digit := unicodedata.decimal(char, None)) is not None:
            folded = str(digit)
        elif unicodedata.category(char) == "Pd":  # ‐ ‑ – — － …
            folded = "-"
        elif len(self) < _FOLD_CACHE_MAX:
            folded = char  # remembered too, so common characters cost one dict hit next time
        else:
            raise LookupError(char)  # keep the character, do not grow the table without bound
        self[codepoint] = folded
        return folded


_FOLD = _FoldToAscii()


def fold_digits(text: str) -> str:
    """``text`` with Unicode digits, full-width X, spaces and dashes mapped 1:1 to ASCII."""
    return text.translate(_FOLD)


def find_pii(text: str) -> list[tuple[int, int, str]]:
    """Spans (start, end, tag) of ID and phone numbers in ``text``, left to right, not overlapping."""
    if not text or not _HINT_RE.search(text):
        return []
    folded = fold_digits(text)
    spans: list[tuple[int, int, str]] = []
    for pattern, tag in _PATTERNS:  # IDs first: a phone-like run inside an ID is part of the ID
        for match in pattern.finditer(folded):
            start, end = match.span()
            if not any(start < s_end and s_start < end for s_start, s_end, _ in spans):
                spans.append((start, end, tag))
    return sorted(spans)


def mask_pii(text: str) -> str:
    """``text`` with every ID and phone number replaced by its tag; everything else unchanged."""
    spans = find_pii(text)
    if not spans:
        return text
    out, last = [], 0
    for start, end, tag in spans:
        out += [text[last:start], tag]
        last = end
    out.append(text[last:])
    return "".join(out)


def contains_pii(text: str) -> bool:
    return bool(find_pii(text))


def is_ascii_digits(value: object, length: int | None = None) -> bool:
    """True for a non-empty string of ASCII 0–9 only (of ``length`` if given); ``１２３４`` is not."""
    if not isinstance(value, str) or not _ASCII_DIGITS_RE.fullmatch(value):
        return False
    return length is None or len(value) == length


class PiiLogFilter(logging.Filter):
    """Masks the formatted message of every record it sees (attach to a handler or logger).

    A safety net for log lines that carry resident text; the code should still mask before it logs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_pii(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
