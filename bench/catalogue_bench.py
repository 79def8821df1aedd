"""Real-catalogue section of the KB benchmark: the 64 guides plus the whole Guangdong export in one
index, against a plain jieba + rank_bm25 baseline measured in the same run.

    python -m bench.catalogue_bench            # also run at the end of `python -m bench.kb_bench`

Prints: mapping/alias/validation time of the 2,262 records and a full `run_import` (in-memory store,
Redis db 15) with writes and the knowledge-base rebuild; index build; item top-1 / top-3 / clarify
rate (and clarifies between identical names) on the dev questions, the tuning set and the held-out
set; search p50/p99; the rebuild after one publish (what bounds "visible in every worker"); memory
per worker (RSS of a fresh process with the combined index vs with the 69 guides only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GD_EXPORT = ROOT.parent / "shared" / "data" / "gd_catalogue.jsonl"
SETS = {
    "dev (shared/eval/gd_dev_questions)": ROOT.parent / "shared" / "eval" / "gd_dev_questions.yaml",
    "tuning (tests/kb/tuning_gd, tuned on)": ROOT / "tests" / "kb" / "tuning_gd.yaml",
    "held-out (tests/kb/heldout_gd, never tuned on)": ROOT / "tests" / "kb" / "heldout_gd.yaml",
    "held-out 2 (tests/kb/heldout_gd_2, never tuned on)": ROOT / "tests" / "kb" / "heldout_gd_2.yaml",
}


def load_all(cfg):
    from miniapp_api.catalogue.files import read_guides
    from miniapp_api.catalogue.imported_schema import ImportedGuideSchema
    from miniapp_api.catalogue.importer.aliases import AliasRules
    from miniapp_api.catalogue.importer.gd_export import read_export
    from miniapp_api.catalogue.importer.prepare import prepare

    local, _ = read_guides(Path(cfg.GUIDES_DIR))
    started = time.perf_counter()
    result = read_export(GD_EXPORT)
    gd = prepare(result.guides, AliasRules.load(cfg.ALIAS_RULES_FILE), "gd_export")
    schema = ImportedGuideSchema()
    gd = [schema.load(g) for g in gd]
    return local, gd, time.perf_counter() - started


def evaluate(search, questions: list[dict], name_of: dict, family_of: dict) -> dict:
    top1 = top3 = clarify = same = 0

    def ok(code: str, q: dict) -> bool:
        wanted = set(q.get("codes", ()))
        return name_of.get(code) in q["accept"] or code in wanted or family_of.get(code) in wanted

    for q in questions:
        status, codes = search(q["q"])
        top1 += status == "answered" and bool(codes) and ok(codes[0], q)
        top3 += any(ok(c, q) for c in codes[:3])
        clarify += status == "clarify"
        same += status == "clarify" and len({name_of[c] for c in codes}) < len(codes)
    n = len(questions)
    return {"top1": 100 * top1 / n, "top3": 100 * top3 / n, "clarify": 100 * clarify / n, "same": same, "n": n}


def full_import_seconds() -> float:
    """A whole `run_import` of the export into an empty in-memory store (writes, audit, KB rebuild)."""
    from miniapp_api import create_app
    from miniapp_api.cli import seed_guides_if_empty
    from miniapp_api.guides.imports import run_import
    from miniapp_api.kb.service import knowledge_base

    prefix = f"bench:{uuid.uuid4().hex[:6]}:"
    app = create_app({"REDIS_URL": "redis://127.0.0.1:6379/15", "REDIS_PREFIX": prefix, "TESTING": True,
                      "JIEBA_DICT_DIR": f"/tmp/{prefix.replace(':', '_')}jieba", "SECRET_KEY": "x" * 40})  # fmt: skip
    try:
        with app.app_context():
            seed_guides_if_empty()
            knowledge_base().current()  # the worker had its 69-guide index before the import
            started = time.perf_counter()
            report = run_import(GD_EXPORT, "bench")
            seconds = time.perf_counter() - started
            assert report["created"] == 2262, report
            return seconds
    finally:
        from miniapp_api.core.stores import rds

        with app.app_context():
            keys = list(rds().scan_iter(match=f"{prefix}*", count=1000))
            if keys:
                rds().delete(*keys)


def rss_mb(with_catalogue: bool) -> float:
    """Resident memory of a fresh process holding the index (what each API worker pays)."""
    code = (
        f"import sys, json; sys.path.insert(0, {str(ROOT)!r})\n"
        "from bench.catalogue_bench import load_all, build\n"
        "from miniapp_api.core.config import Config\n"
        "cfg = Config(); local, gd, _ = load_all(cfg)\n"
        f"index = build(local + (gd if {with_catalogue!r} else []), cfg)[0]\n"
        "print(json.dumps(int(open('/proc/self/statm').read().split()[1]) * 4096 / 2**20))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def build(guides, cfg):
    from miniapp_api.kb.service import make_index
    from miniapp_api.kb.text import TextPipeline

    groups = yaml.safe_load(Path(cfg.SYNONYMS_FILE).read_text(encoding="utf-8"))
    started = time.perf_counter()
    index, _ = make_index(guides, groups, cfg.DOMAIN_TERMS_FILE, TextPipeline())
    return index, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-import", action="store_true", help="skip the full run_import timing")
    parser.add_argument("--no-memory", action="store_true", help="skip the two memory subprocesses")
    args = parser.parse_args(argv)
    from bench.kb_bench import Bm25Baseline, latency, ours
    from miniapp_api.core.config import Config

    if not GD_EXPORT.exists():
        print(f"(real catalogue: {GD_EXPORT} not found, skipped)")
        return 0
    cfg = Config()
    local, gd, prep_s = load_all(cfg)
    print(f"\n== real catalogue: {len(local)} local guides + {len(gd)} Guangdong records ==")
    print(f"read + map + aliases + validate the export: {prep_s:.2f} s")
    if not args.no_import:
        seconds = full_import_seconds()
        print(f"full import (run_import: + plan, editions, audit, KB rebuild): {seconds:.2f} s", flush=True)
    index, build_s = build(local + gd, cfg)
    baseline = Bm25Baseline(index)
    print(f"index build: ours {build_s:.2f} s, rank_bm25 baseline {baseline.build_seconds:.2f} s")
    name_of = {g["code"]: g["name"] for g in index.guides}
    family_of = {g["code"]: g.get("catalogue_code") for g in index.guides}

    def ours_codes(q):
        status, codes, _fld = ours(index)(q)
        return status, codes

    questions_all: list[str] = []
    print(f"\n{'':50}{'top-1':>8}{'top-3':>8}{'clarify':>9}{'(same name)':>12}")
    for label, path in SETS.items():
        if not path.exists():
            continue
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))
        questions_all += [q["q"] for q in questions]
        for who, search in (("ours", ours_codes), ("rank_bm25", lambda q: baseline.search(q)[:2])):
            r = evaluate(search, questions, name_of, family_of)
            print(f"{who + ' ' + label:50}{r['top1']:7.1f}%{r['top3']:7.1f}%{r['clarify']:8.1f}%{r['same']:>12}")
    p50, p99 = latency(ours(index), questions_all, 10)
    b50, b99 = latency(baseline.search, questions_all[:40], 1)
    print(
        f"\nsearch at {len(index.guides)} items (ms): ours p50 {p50:.3f} p99 {p99:.3f}; "
        f"rank_bm25 p50 {b50:.1f} p99 {b99:.1f}; baseline/ours p50 ratio {b50 / p50:.0f}x"
    )
    # A worker rebuilds with the pipeline of its previous index (kb.service.cached_index): time a
    # publish of one changed guide after the catalogue is in.
    from miniapp_api.kb.service import cached_index

    groups = yaml.safe_load(Path(cfg.SYNONYMS_FILE).read_text(encoding="utf-8"))
    cached_index(local + gd, groups, cfg.DOMAIN_TERMS_FILE)
    rebuild = []
    for n in range(3):
        changed = dict(gd[0], conditions=[f"重新发布的受理条件 {n}"])
        started = time.perf_counter()
        cached_index(local + [changed] + gd[1:], groups, cfg.DOMAIN_TERMS_FILE)
        rebuild.append(time.perf_counter() - started)
    print(
        f"rebuild after one publish (each worker, then visible): median {statistics.median(rebuild):.2f} s "
        f"(+ KB_SYNC_INTERVAL {cfg.KB_SYNC_INTERVAL} s)"
    )
    if not args.no_memory:
        small, big = rss_mb(False), rss_mb(True)
        print(
            f"memory per worker (RSS with the index): 69 guides {small:.0f} MB, with the Guangdong catalogue "
            f"{big:.0f} MB (+{big - small:.0f} MB)"
        )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)
    sys.exit(main())
