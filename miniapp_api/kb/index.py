"""The knowledge-base index: item matching plus BM25 passages, built from the guides.

Item matching scores each guide's *title* (name + aliases) against the question: IDF-weighted
word overlap, character-bigram overlap (typos, partial names) and whole-alias phrase hits found
with one Aho–Corasick pass. Passages (one per (item, field) and per FAQ) are scored with BM25
impacts precomputed at build time, so a query only touches the postings of its own terms.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import ahocorasick
import numpy as np

from miniapp_api.kb.answers import compose, field_text
from miniapp_api.kb.families import family_answer
from miniapp_api.kb.fields import detect_field
from miniapp_api.kb.postings import Postings
from miniapp_api.kb.situations import factors, item_mask
from miniapp_api.kb.text import TextPipeline

PASSAGE_FIELDS = ("conditions", "materials", "process", "time_limit", "fee", "location", "basis", "online")
WORD_WEIGHT = 1.0
BIGRAM_WEIGHT = 0.35
PHRASE_WEIGHT = 0.6  # per character of the longest alias found verbatim
PASSAGE_WEIGHT = 0.25
COVER_WEIGHT = 8.0  # for a title the question says completely
COVER_FLOOR = 0.3  # share of a title that must be said before coverage counts
IMPORTED_TRUST = 0.9  # score factor of imported records
BM25_K1, BM25_B = 1.2, 0.75
MIN_SCORE = 5.0  # below this no item fits (real matches score 8+, chit-chat under 3.5)
CLARIFY_RATIO = 0.86  # runners-up this close to the best make the question ambiguous ...
CLARIFY_MARGIN = 0.5  # ... unless the best leads by more than this (one distinguishing word: 丢 vs 到期)
BUNDLE_BOOST = 0.5  # share of its matched members' scores a bundle gains when asked "together"
# Words that ask for several things in one go: the cue for a 一件事 bundle.
TOGETHER = re.compile(r"一起|一件事|一次办|一次性|一次|同时|一并|一块|打包|联办|都要办|都办")
FAQ_COVERAGE = 0.8
SITUATION_WEIGHT = 0.4  # words only a record's situation says: they tell family members apart, not items
SITUATION_TIE = 0.5  # family members closer than this fit the question equally (nothing names the situation)
NAMING_WEIGHT = 0.5  # title weight of neutral words that name items (预约, 查询, 投诉; text.NAMING_WORDS)
TITLE_B = 0.15  # title length normalisation (many aliases), as BM25's b
SUBWORD_SHARE = 0.5  # weight of a question word inside a longer word of the same question (当事 in 当事人)


def _subword_factors(feats: set[str]) -> dict[str, float]:
    """Search-mode segmentation says 当事人 as 当事 + 当事人 and 个体工商户 as five words: a word
    inside a longer word of the same question counts SUBWORD_SHARE, so that one long word does not
    outweigh several different words the question says (律师 + 会见 + 看守所)."""
    words = [f for f in feats if f[0] not in "~=" and len(f) > 1]
    longer = [w for w in words if len(w) > 2]
    return {f: SUBWORD_SHARE if f in words and any(f != w and f in w for w in longer) else 1.0 for f in feats}


@dataclass
class Result:
    item_code: str
    item_name: str
    field: str | None
    answer: str
    score: float

    def as_dict(self) -> dict:
        return {
            "item_code": self.item_code, "item_name": self.item_name, "field": self.field,
            "answer": self.answer, "score": round(self.score, 3),
        }  # fmt: skip


@dataclass
class Outcome:
    status: str  # answered | clarify | unanswerable
    field: str | None
    results: list[Result] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"status": self.status, "field": self.field, "results": [r.as_dict() for r in self.results]}


class KnowledgeIndex:
    """Immutable once built; a publish builds a new one and swaps it in."""

    def __init__(self, guides: list[dict], pipeline: TextPipeline) -> None:
        started = time.perf_counter()
        self.pipeline = pipeline
        self.guides = sorted(guides, key=lambda g: g["code"])
        self.by_code = {g["code"]: g for g in self.guides}
        self._row_of = {g["code"]: row for row, g in enumerate(self.guides)}
        # Item families: records sharing a name (an imported item's situations, departments, levels).
        family_ids: dict[str, int] = {}
        self._family_of = np.fromiter(
            (family_ids.setdefault(g["name"], len(family_ids)) for g in self.guides), dtype=np.int32,
            count=len(self.guides),
        )  # fmt: skip
        self._family_rows: list[list[int]] = [[] for _ in family_ids]
        for row, fam in enumerate(self._family_of):
            self._family_rows[fam].append(row)
        self._bundle_rows = [row for row, g in enumerate(self.guides) if g.get("items")]
        # The city's own (hand-written, complete) guide wins a near tie with an imported record.
        self._trust = np.asarray([IMPORTED_TRUST if g.get("import") else 1.0 for g in self.guides], dtype=np.float32)
        self._situation_masks = np.asarray([item_mask(g) for g in self.guides], dtype=np.int64)
        self._build_titles()
        self._build_passages()
        self.build_seconds = time.perf_counter() - started

    # -- building -----------------------------------------------------------------------
    def _title_features(self, norm: str) -> set[str]:
        feats = set(self.pipeline.text_terms(norm))
        feats.update("~" + b for b in self.pipeline.bigrams(norm))
        feats.update(self.pipeline.naming_terms(norm))
        return feats

    def _build_titles(self) -> None:
        n = len(self.guides)
        item_feats: list[set[str]] = []
        situation_only: list[set[str]] = []  # words only a record's situation says
        self._automaton = ahocorasick.Automaton()
        phrases: dict[str, list[int]] = defaultdict(list)
        title_feats: list[tuple[int, set[str]]] = []
        for row, g in enumerate(self.guides):
            feats: set[str] = set()
            # A record's situation (办理项) tells it apart from the rest of its family; said alone
            # ("外国人", "内地居民") it names no item, so it is a title only together with the name.
            situation = [f"{g['name']}{g['situation']}"] if g.get("situation") else []
            named: set[str] = set()  # what the name and aliases say
            for title in [g["name"], *g["aliases"], *situation]:
                phrase = self.pipeline.normalize(title)
                one = self._title_features(phrase)
                if title not in situation:
                    named |= one
                feats |= one
                if one:
                    title_feats.append((row, one))
                if len(phrase) >= 2:
                    phrases[phrase].append(row)
            item_feats.append(feats)
            situation_only.append(feats - named)
        for phrase, rows in phrases.items():
            self._automaton.add_word(phrase, (len(phrase), sorted(set(rows))))
        if phrases:
            self._automaton.make_automaton()
        df = Counter(f for feats in item_feats for f in feats)
        self.title_idf = {t: math.log(1 + n / c) for t, c in df.items()}
        # Bigrams and one-character words (开, 丢) are weak evidence on their own.
        weight = {t: idf * (BIGRAM_WEIGHT if t[0] == "~" or len(t) == 1 else
                            NAMING_WEIGHT if t[0] == "=" else WORD_WEIGHT)
                  for t, idf in self.title_idf.items()}  # fmt: skip
        # Title coverage: how much of one title (the name or one alias) the question says. A question
        # naming "导游" and "考试" covers 全国导游考试查询 better than 教师资格考试成绩查询, whose
        # distinctive "教师" it never mentions, even if it shares more common words with the latter.
        self._cover = Postings()
        totals = []
        for t, (_row, feats) in enumerate(title_feats):
            fl = [f for f in feats if f[0] != "~"]  # words only: shared bigrams ("进度") say too little
            w = [weight[f] for f in fl]
            self._cover.add(fl, t, w)
            totals.append(sum(w) or 1.0)
        self._cover.freeze()
        self._title_total = np.asarray(totals, dtype=np.float32)
        self._title_item = np.asarray([row for row, _ in title_feats], dtype=np.int32)
        self._titles = Postings()
        # Length normalisation (as BM25's b): an item with a dozen aliases owns many more words than
        # an imported record with its name only, and must not win on words every question has.
        sizes = np.asarray([len(f) for f in item_feats], dtype=np.float64)
        damp = 1.0 / (1 - TITLE_B + TITLE_B * sizes / max(sizes.mean(), 1.0)) if n else sizes
        for row, (feats, own) in enumerate(zip(item_feats, situation_only, strict=True)):
            feats_list = list(feats)
            share = [SITUATION_WEIGHT if f in own else 1.0 for f in feats_list]
            self._titles.add(
                feats_list, row, [weight[f] * damp[row] * k for f, k in zip(feats_list, share, strict=True)]
            )
        self._titles.freeze()

    def _passage_texts(self, g: dict) -> list[tuple[str | None, int | None, str]]:
        out: list[tuple[str | None, int | None, str]] = [
            (f, None, field_text(g, f)) for f in PASSAGE_FIELDS if f != "materials" or g.get("materials")
        ]
        out += [("faq", i, f"{faq['q']} {faq['a']}") for i, faq in enumerate(g["faqs"])]
        return out

    def _build_passages(self) -> None:
        """BM25 impacts per (term, passage). Identical passage texts (the same national
        materials list in many districts' editions) are tokenised and weighted once."""
        self.passages: list[tuple[int, str, int | None]] = []  # (item row, field, faq index)
        text_ids: dict[str, int] = {}
        passage_text: list[int] = []
        for row, g in enumerate(self.guides):
            for fld, faq, text in self._passage_texts(g):
                self.passages.append((row, fld, faq))
                passage_text.append(text_ids.setdefault(text, len(text_ids)))
        docs = [Counter(self.pipeline.text_terms(text)) for text in text_ids]
        text_of = np.asarray(passage_text, dtype=np.int32)
        copies = np.bincount(text_of, minlength=len(docs))  # passages sharing each text
        n = max(len(self.passages), 1)
        lengths = np.asarray([sum(d.values()) for d in docs], dtype=np.float64)
        avgdl = float((lengths * copies).sum()) / n or 1.0
        df: Counter = Counter()
        for doc, c in zip(docs, copies, strict=True):
            for term in doc:
                df[term] += int(c)
        idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        pids_of_text = np.split(np.argsort(text_of, kind="stable"), np.cumsum(copies)[:-1])
        self._bm25 = Postings()
        for doc, dl, pids in zip(docs, lengths, pids_of_text, strict=True):
            if not doc:
                continue
            terms = list(doc)
            tf = np.fromiter(doc.values(), dtype=np.float64, count=len(terms))
            term_idf = np.fromiter((idf[t] for t in terms), dtype=np.float64, count=len(terms))
            norm = BM25_K1 * (1 - BM25_B + BM25_B * dl / avgdl)
            impacts = term_idf * tf * (BM25_K1 + 1) / (tf + norm)
            ids = self._bm25.ids(terms)
            self._bm25.add_block(np.tile(ids, len(pids)), np.repeat(pids, len(terms)), np.tile(impacts, len(pids)))
        self._bm25.freeze()
        self._passage_item = np.asarray([p[0] for p in self.passages], dtype=np.int32)

    # -- querying -----------------------------------------------------------------------
    def item_scores(self, norm: str, terms: list[str]) -> np.ndarray:
        return self._scores(norm, terms)[0]

    def _scores(self, norm: str, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(ranking scores, coverage part): coverage re-ranks candidates, it never makes a question
        answerable on its own (a short alias is easily "covered" by one word of chit-chat)."""
        scores = np.zeros(len(self.guides), dtype=np.float32)
        feats = set(terms) | {"~" + b for b in self.pipeline.bigrams(norm)}
        naming = set(self.pipeline.naming_terms(norm))
        self._titles.accumulate_weighted(_subword_factors(feats | naming), scores)
        if naming:  # they favour an item, never make one fit: counted like coverage (see search)
            named = np.zeros(len(self.guides), dtype=np.float32)
            self._titles.accumulate(naming, named)
        feats |= naming
        covered = np.zeros(len(self._title_total), dtype=np.float32)
        self._cover.accumulate(feats, covered)
        coverage = np.zeros(len(self.guides), dtype=np.float32)
        np.maximum.at(coverage, self._title_item, covered / self._title_total)
        # a title said only in small part counts nothing; said fully it adds COVER_WEIGHT
        coverage = COVER_WEIGHT * np.clip((coverage - COVER_FLOOR) / (1 - COVER_FLOOR), 0, None)
        scores += coverage
        if len(self._automaton):
            best: dict[int, int] = {}
            for _end, (length, rows) in self._automaton.iter(norm):
                for row in rows:
                    best[row] = max(best.get(row, 0), length)
            for row, length in best.items():
                scores[row] += PHRASE_WEIGHT * length
        pscores = np.zeros(len(self.passages), dtype=np.float32)
        self._bm25.accumulate(set(terms), pscores)
        touched = np.nonzero(pscores)[0]
        if touched.size:
            best_passage = np.zeros(len(self.guides), dtype=np.float32)
            np.maximum.at(best_passage, self._passage_item[touched], pscores[touched])
            scores += PASSAGE_WEIGHT * best_passage
        scores *= self._trust
        if self._situation_masks.any():
            scores *= factors(self._situation_masks, norm)
        return scores, coverage + named if naming else coverage

    def _faq_match(self, guide: dict, terms: set[str]) -> dict | None:
        best, best_cov = None, 0.0
        for faq in guide["faqs"]:
            q_terms = set(self.pipeline.content_terms(self.pipeline.normalize(faq["q"])))
            total = sum(self.title_idf.get(t, 3.0) for t in q_terms)
            if len(q_terms) < 2 or not total:
                continue
            cov = sum(self.title_idf.get(t, 3.0) for t in q_terms & terms) / total
            if cov > best_cov:
                best, best_cov = faq, cov
        return best if best_cov >= FAQ_COVERAGE else None

    def _weigh_bundles(self, norm: str, rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Asked to do things together, a bundle wins; otherwise its matching item is the answer.

        Adjusts ``scores`` in place for the candidate rows and returns them re-sorted.
        """
        together = TOGETHER.search(norm) is not None
        for row in rows:
            members = self.guides[row]["items"]
            if not members:
                continue
            matched = [float(scores[self._row_of[c]]) for c in members if c in self._row_of]
            matched = sorted((m for m in matched if m >= MIN_SCORE), reverse=True)
            if together and matched:
                scores[row] += BUNDLE_BOOST * sum(matched)
            elif matched and scores[row] >= matched[0] * CLARIFY_RATIO:
                scores[row] = matched[0] * CLARIFY_RATIO * 0.99  # the single item is the better answer
        return rows[np.argsort(-scores[rows], kind="stable")]

    def _family_best(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per family: the best member's score and row."""
        fam_scores = np.full(len(self._family_rows), -np.inf, dtype=np.float32)
        np.maximum.at(fam_scores, self._family_of, scores)
        best_row = np.zeros(len(self._family_rows), dtype=np.int32)
        order = np.argsort(scores, kind="stable")  # ascending: the best member of a family is written last
        best_row[self._family_of[order]] = order
        return fam_scores, best_row

    def _members(self, row: int, scores: np.ndarray) -> list[dict]:
        """The records of ``row``'s family that fit the question as well as the best one."""
        rows = self._family_rows[self._family_of[row]]
        best = float(scores[row])
        return [self.guides[r] for r in rows if best - float(scores[r]) < SITUATION_TIE]

    def search(self, question: str, k: int = 5) -> Outcome:
        norm = self.pipeline.normalize(question)
        terms = self.pipeline.content_terms(norm)
        fld = detect_field(norm)
        if not self.guides:
            return Outcome("unanswerable", fld)
        if not terms:  # only field words and fillers ("查询办件进度"): nothing names an item
            return Outcome("unanswerable", fld)
        scores, coverage = self._scores(norm, terms)
        fam_scores, best_row = self._family_best(scores)
        top = min(max(k, 5), len(fam_scores))
        fams = np.argpartition(-fam_scores, top - 1)[:top]
        rows = best_row[fams[np.argsort(-fam_scores[fams], kind="stable")]]  # one row per family
        if float((scores - coverage).max()) < MIN_SCORE:
            return Outcome("unanswerable", fld)
        if TOGETHER.search(norm):  # asked to do things together: every bundle is a candidate
            extra = [r for r in self._bundle_rows if r not in set(rows.tolist())]
            rows = np.concatenate([rows, np.asarray(extra, dtype=np.int32)])
        rows = self._weigh_bundles(norm, rows, scores)
        best = float(scores[rows[0]])
        close = [r for r in rows if scores[r] >= CLARIFY_RATIO * best and best - scores[r] < CLARIFY_MARGIN]
        status = "clarify" if len(close) > 1 else "answered"
        results = []
        for rank, row in enumerate(rows[:k]):
            guide = self.guides[row]
            faq = self._faq_match(guide, set(terms)) if rank == 0 and status == "answered" else None
            use_field = "faq" if faq else fld
            if rank == 0 and status == "answered" and not faq:
                answer = family_answer(self._members(row, scores), use_field)
            else:
                answer = compose(guide, use_field, faq)
            results.append(Result(guide["code"], guide["name"], use_field, answer, float(scores[row])))
        if status == "clarify":
            results = results[: len(close)]
        return Outcome(status, fld, results)
