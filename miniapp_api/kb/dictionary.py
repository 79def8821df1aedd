"""The jieba user dictionary generated from the guides.

The same file is loaded by the API's tokenizer and by the Rasa bot's JiebaTokenizer, whose
``dictionary_path`` is a folder: the file is written as ``<folder>/userdict.txt``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

NAME_FREQ = 50_000  # item names and aliases: always kept whole
TERM_FREQ = 20_000  # domain terms and synonym canonical forms
DICT_FILE = "userdict.txt"


def dictionary_words(guides: list[dict], synonyms: dict[str, str], domain_terms: list[str]) -> dict[str, int]:
    """Word → frequency. Normalised forms (synonyms applied) are added by the caller."""
    words: dict[str, int] = {}
    for term in [*domain_terms, *synonyms.values(), *synonyms.keys()]:
        words[term] = TERM_FREQ
    for g in guides:
        for m in g.get("materials", []):
            if len(m["name"]) <= 10:
                words.setdefault(m["name"], TERM_FREQ)
        for title in [g["name"], *g["aliases"]]:
            words[title] = NAME_FREQ
    return {w.replace(" ", ""): f for w, f in words.items() if len(w.replace(" ", "")) >= 2}


def write_dictionary(words: dict[str, int], folder: str | Path) -> Path:
    """Atomically replace ``folder/userdict.txt`` (the bot may be reading it)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / DICT_FILE
    lines = [f"{w} {f}\n" for w, f in sorted(words.items())]
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".userdict", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.writelines(lines)
    os.replace(tmp, target)
    return target
