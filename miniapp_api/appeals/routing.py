"""Suggested department (承办单位) for an appeal, from its text.

Three sources, added up per department:
- a keyword table staff edit (``guides/appeals/department_keywords.yaml``): each keyword found in
  the text adds its weight; where a longer keyword covers a shorter one at the same place only the
  longer counts ("停车位" is not also "停车");
- an optional item hook: a function from text to ``(department, confidence 0..1)`` or None. The app
  plugs in the knowledge base (the item a question is about → the department on its guide); here it
  is just a callable so that this module stays pure;
- an optional ``Similarity``: each department's documents (example appeals, its guides' names,
  aliases and FAQ questions) as one TF-IDF vector of character pairs; the text's cosine with each
  adds ``SIMILARITY_WEIGHT`` × cosine. Keywords only fire on the words someone listed; the examples
  carry the rest of how residents put a matter (place and matter words: 楼顶, 河里, 交房, 拖欠…).

The dispatcher always decides; a suggestion carries the words it rests on so they can see why.
This module also scores how alike two appeals are, to offer duplicates for merging (并案).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "guides" / "appeals" / "department_keywords.yaml"
ITEM_WEIGHT = 3.0  # a confident KB item match counts like one "nearly certain" keyword
# A text identical to a department's document would count like one "nearly certain" keyword. Chosen
# by leave-one-out on the labelled set (3: 98.7 %, 6: 97.4 %, 10: 96.1 %, 15: 92.1 % with the KB
# floor at 12); the held-out sets played no part in it.
SIMILARITY_WEIGHT = 3.0
MAX_WEIGHT = 10
PUNCTUATION = frozenset("，。！？、,.!?；;：:（）()“”\"'")

ItemHook = Callable[[str], "tuple[str, float] | None"]


@dataclass(frozen=True)
class Suggestion:
    department: str | None
    score: float
    reasons: tuple[str, ...]  # the keywords (and "事项:…" for the item hook) behind the score
    alternatives: tuple[tuple[str, float], ...] = ()  # the runners-up, best first

    def public(self) -> dict:
        return {"department": self.department, "score": round(self.score, 2), "reasons": list(self.reasons),
                "alternatives": [{"department": d, "score": round(s, 2)} for d, s in self.alternatives]}  # fmt: skip


def parse_table(data: dict) -> dict[str, dict[str, float]]:
    """Validate ``{"departments": {name: {keyword: weight}}}``; ValueError names the bad entry."""
    rows = (data or {}).get("departments")
    if not isinstance(rows, dict) or not rows:
        raise ValueError("expected a top-level 'departments' mapping")
    table: dict[str, dict[str, float]] = {}
    for department, words in rows.items():
        if not isinstance(department, str) or not department.strip():
            raise ValueError(f"bad department name {department!r}")
        if not isinstance(words, dict) or not words:
            raise ValueError(f"{department}: expected keyword: weight pairs")
        for word, weight in words.items():
            if not isinstance(word, str) or not word.strip():
                raise ValueError(f"{department}: empty keyword")
            if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= MAX_WEIGHT:
                raise ValueError(f"{department}: weight of {word!r} must be in (0, {MAX_WEIGHT}]")
        table[department.strip()] = {str(w).strip(): float(v) for w, v in words.items()}
    return table


def load_table(path: str | Path = DEFAULT_FILE) -> dict[str, dict[str, float]]:
    return parse_table(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


class Similarity:
    """TF-IDF cosine of character pairs between a text and each department's documents."""

    def __init__(self, documents: dict[str, list[str]]) -> None:
        counts = {d: Counter(g for text in texts for g in set(_pairs(text))) for d, texts in documents.items() if texts}
        df: Counter[str] = Counter()
        for grams in counts.values():
            df.update(grams.keys())
        n = len(counts)
        # log(1 + N/df): a pair every department uses ("我们", "小区") weighs little, a rare one much
        self._idf = {g: math.log(1 + n / k) for g, k in df.items()}
        self._vectors = {d: _unit({g: (1 + math.log(k)) * self._idf[g] for g, k in grams.items()})
                         for d, grams in counts.items()}  # fmt: skip

    @property
    def departments(self) -> tuple[str, ...]:
        return tuple(self._vectors)

    def scores(self, text: str) -> dict[str, float]:
        """Department → cosine (0..1) with ``text``; departments sharing nothing are left out."""
        query = _unit({g: (1 + math.log(k)) * self._idf[g] for g, k in Counter(_pairs(text)).items() if g in self._idf})
        out = {}
        for department, vector in self._vectors.items():
            score = sum(w * vector.get(g, 0.0) for g, w in query.items())
            if score > 0:
                out[department] = score
        return out


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(x * x for x in vector.values()))
    return {k: x / norm for k, x in vector.items()} if norm else {}


class Router:
    def __init__(self, table: dict[str, dict[str, float]], item_hook: ItemHook | None = None,
                 similarity: Similarity | None = None) -> None:  # fmt: skip
        self.departments = tuple(table)
        self.item_hook = item_hook
        self.similarity = similarity
        # keyword → [(department, weight)]: one keyword may point to several departments
        self._words: dict[str, list[tuple[str, float]]] = {}
        for department, words in table.items():
            for word, weight in words.items():
                self._words.setdefault(word, []).append((department, weight))
        # longest first, so a longer keyword claims its characters before the shorter ones inside it
        self._ordered = sorted(self._words, key=len, reverse=True)

    def matches(self, text: str) -> list[tuple[str, int]]:
        """(keyword, position) of every counted keyword occurrence, longest claims first."""
        taken = [False] * len(text)
        found: list[tuple[str, int]] = []
        for word in self._ordered:
            start = text.find(word)
            while start >= 0:
                end = start + len(word)
                if not any(taken[start:end]):
                    found.append((word, start))
                    taken[start:end] = [True] * len(word)
                start = text.find(word, start + 1)
        return sorted(found, key=lambda m: m[1])

    def suggest(self, text: str) -> Suggestion:
        scores: dict[str, float] = {}
        reasons: dict[str, list[str]] = {}
        for word, _ in self.matches(text or ""):
            for department, weight in self._words[word]:
                scores[department] = scores.get(department, 0.0) + weight
                reasons.setdefault(department, []).append(word)
        if self.item_hook is not None and text:
            hit = self.item_hook(text)
            if hit is not None and hit[0]:
                department, confidence = hit[0], max(0.0, min(1.0, float(hit[1])))
                scores[department] = scores.get(department, 0.0) + ITEM_WEIGHT * confidence
                reasons.setdefault(department, []).append("事项")
        if self.similarity is not None and text:
            for department, cosine in self.similarity.scores(text).items():
                scores[department] = scores.get(department, 0.0) + SIMILARITY_WEIGHT * cosine
                reasons.setdefault(department, []).append("相似诉求")
        if not scores:
            return Suggestion(None, 0.0, ())
        order = {d: i for i, d in enumerate(self.departments)}
        # ties go to the department listed first in the table, so the answer never depends on dict order
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)), kv[0]))
        best, score = ranked[0]
        return Suggestion(best, score, tuple(reasons[best]), tuple(ranked[1:4]))


def _pairs(text: str) -> list[str]:
    chars = [c for c in text or "" if not c.isspace() and c not in PUNCTUATION]
    return [a + b for a, b in zip(chars, chars[1:], strict=False)]


def _bigrams(text: str) -> set[str]:
    return set(_pairs(text))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams (0..1): how alike two appeals' texts are."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)
