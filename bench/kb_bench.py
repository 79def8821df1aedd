"""Knowledge-base benchmark: accuracy on question sets, latency and build time, against a plain
jieba + rank_bm25 baseline measured in the same run.

    python -m bench.kb_bench            # full run (catalogue + 10,000 synthetic items)
    python -m bench.kb_bench --items 2000
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

from bench.synthetic import synthetic_guides
from miniapp_api.catalogue.files import read_guides
from miniapp_api.core.config import Config
from miniapp_api.kb.service import make_index
from miniapp_api.kb.text import TextPipeline

ROOT = Path(__file__).resolve().parent.parent
QUESTION_SETS = {
    "dev (shared/eval)": ROOT.parent / "shared" / "eval" / "dev_questions.yaml",
    "colloquial (tests/kb)": ROOT / "tests" / "kb" / "colloquial_questions.yaml",
    # written later as held-out sets for the bot; the first one's misses informed KB synonyms and field cues
    "held-out 1 (bot/tests)": ROOT / "bot" / "tests" / "heldout_colloquial.yaml",
    "held-out 2 (bot/tests)": ROOT / "bot" / "tests" / "heldout_colloquial_2.yaml",
}


class Bm25Baseline:
    """The plain approach: jieba tokens, rank_bm25 over one document per (item, field) passage."""

    def __init__(self, index) -> None:
        import jieba
        from rank_bm25 import BM25Okapi

        started = time.perf_counter()
        self.tok = jieba.Tokenizer()
        self.tok.initialize()
        self.meta, docs = [], []
        for row, guide in enumerate(index.guides):
            for fld, _faq, text in index._passage_texts(guide):
                self.meta.append((row, fld))
                docs.append(self.tok.lcut(f"{guide['name']} {' '.join(guide['aliases'])} {text}"))
        self.bm25 = BM25Okapi(docs)
        self.guides = index.guides
        self.build_seconds = time.perf_counter() - started

    def search(self, question: str):
        scores = self.bm25.get_scores(self.tok.lcut(question))
        best_per_item: dict[int, float] = {}
        best_field: dict[int, str] = {}
        for i, s in enumerate(scores):
            row, fld = self.meta[i]
            if s > best_per_item.get(row, 0.0):
                best_per_item[row], best_field[row] = s, fld
        ranked = sorted(best_per_item, key=lambda r: -best_per_item[r])
        codes = [self.guides[r]["code"] for r in ranked]
        status = "answered" if codes else "unanswerable"
        return status, codes, best_field.get(ranked[0]) if ranked else None


def ours(index):
    def search(question: str):
        out = index.search(question, k=5)
        codes = [r.item_code for r in out.results]
        fld = out.results[0].field if out.results else out.field
        return out.status, codes, (out.field if fld == "faq" else fld)

    return search


def accuracy(search, questions: list[dict]) -> dict:
    top1 = top3 = fields = n_item = n_field = no_item = no_item_ok = 0
    misses = []
    for q in questions:
        status, codes, fld = search(q["q"])
        if q.get("item"):
            n_item += 1
            hit1 = status == "answered" and codes[:1] == [q["item"]]
            top1 += hit1
            top3 += q["item"] in codes[:3]
            if not hit1:
                misses.append(f"{q['q']} → {status} {codes[:3]} (want {q['item']})")
        else:
            no_item += 1
            no_item_ok += status in ("unanswerable", "clarify")
        if q.get("field"):
            n_field += 1
            fields += fld == q["field"]
    pct = lambda a, b: 100.0 * a / b if b else float("nan")  # noqa: E731
    return {"top1": pct(top1, n_item), "top3": pct(top3, n_item), "field": pct(fields, n_field),
            "no_item_ok": pct(no_item_ok, no_item), "n": len(questions), "misses": misses}  # fmt: skip


def latency(search, questions: list[str], rounds: int) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            search(q)
            samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def build(guides, groups, cfg):
    started = time.perf_counter()
    index, _ = make_index(guides, groups, cfg.DOMAIN_TERMS_FILE, TextPipeline())
    return index, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--no-catalogue", action="store_true", help="skip the real-catalogue section")
    args = parser.parse_args(argv)
    cfg = Config()
    guides, errors = read_guides(Path(cfg.GUIDES_DIR))
    if errors:
        print(f"{len(errors)} guide errors, e.g. {errors[0]}", file=sys.stderr)
    groups = yaml.safe_load(Path(cfg.SYNONYMS_FILE).read_text(encoding="utf-8"))
    print("building catalogue index …", flush=True)
    index, build_s = build(guides, groups, cfg)
    baseline = Bm25Baseline(index)
    print(f"\n== catalogue: {len(guides)} guides, {len(index.passages)} passages ==")
    print(f"index build: ours {build_s * 1000:.0f} ms, baseline {baseline.build_seconds * 1000:.0f} ms")
    all_questions: list[str] = []
    for label, path in QUESTION_SETS.items():
        if not path.exists():
            print(f"({label}: {path} not found, skipped)")
            continue
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))
        all_questions += [q["q"] for q in questions]
        print(f"\n-- {label}: {len(questions)} questions --")
        print(f"{'':10}{'top-1':>8}{'top-3':>8}{'field':>8}{'no-item→unans/clarify':>24}")
        for name, search in (("ours", ours(index)), ("baseline", baseline.search)):
            acc = accuracy(search, questions)
            no_item = "—" if acc["no_item_ok"] != acc["no_item_ok"] else f"{acc['no_item_ok']:.1f}%"  # NaN: none asked
            print(f"{name:10}{acc['top1']:7.1f}%{acc['top3']:7.1f}%{acc['field']:7.1f}%{no_item:>24}")
            if args.show_misses and name == "ours":
                print("   misses:\n   " + "\n   ".join(acc["misses"]))
    p50, p99 = latency(ours(index), all_questions, 20)
    b50, b99 = latency(baseline.search, all_questions, 3)
    print(f"\nlatency at catalogue size (ms): ours p50 {p50:.3f} p99 {p99:.3f}; "
          f"baseline p50 {b50:.3f} p99 {b99:.3f}; baseline/ours p50 ratio {b50 / p50:.1f}x")
    if args.items:
        print(f"\ngenerating {args.items} synthetic items …", flush=True)
        big = synthetic_guides(guides, args.items, random.Random(7))
        big_index, big_build = build(big, groups, cfg)
        print(f"== {len(big)} items, {len(big_index.passages)} passages ==")
        print(f"index build: ours {big_build:.2f} s", flush=True)
        big_base = Bm25Baseline(big_index)
        print(f"index build: baseline {big_base.build_seconds:.2f} s")
        p50, p99 = latency(ours(big_index), all_questions, 5)
        b50, b99 = latency(big_base.search, all_questions[:30], 1)
        print(f"latency at {len(big)} items (ms): ours p50 {p50:.3f} p99 {p99:.3f}; "
              f"baseline p50 {b50:.1f} p99 {b99:.1f}; baseline/ours p50 ratio {b50 / p50:.0f}x")
    if not args.no_catalogue:  # the 64 guides plus the Guangdong export in one index (bench/catalogue_bench.py)
        from bench import catalogue_bench

        catalogue_bench.main([])
    return 0


if __name__ == "__main__":
    sys.exit(main())
