"""Generate ``data/nlu/items_generated.yml`` from the published guides.

Item names and aliases reach the NLU data from the guides, so a newly published item is
recognised after retraining: a lookup table for the ``item`` entity (longest names first), a
synonym per name/alias mapping it to the item code (so the entity value *is* the code), and a
few templated examples per item and question type.

Source: the API (GET {API_URL}/api/v1/guides and /api/v1/guides/<code>); when the API is not
reachable, the YAML files in ../guides/ (or ``--guides-json``: a list of {code, name, aliases}).
Run: ``.venv/bin/python scripts/generate_nlu.py``.

Halls (全城通办) go to ``data/nlu/halls_generated.yml``: the ``hall`` entity (its value the hall id) with
the names residents use for each hall, from the API's GET /api/v1/meta (or ``--halls-json``: the meta's
``halls`` list). Without either the file is left as it is: hall names are never typed here.

A whole imported catalogue (thousands of items) must keep training under 2 minutes: the local
guides get templated examples for every intent, each imported item family (records sharing a
name) one example in turn, capped; every name and alias still reaches the lookup table. Mentions
spoken with the KB's synonym variants (公积金 for 住房公积金, 房产证 for 不动产权证书) are examples
and lookups too, so colloquial questions do not fall to nlu_fallback.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from pathlib import Path

import requests
import yaml

BOT_DIR = Path(__file__).resolve().parent.parent
GUIDES_DIR = BOT_DIR.parent / "guides"
OUT_FILE = BOT_DIR / "data" / "nlu" / "items_generated.yml"
HALLS_FILE = BOT_DIR / "data" / "nlu" / "halls_generated.yml"
HALL_TEMPLATES: list[tuple[str, list[str]]] = [
    ("inform", ["{h}", "去{h}", "在{h}办", "{h}吧", "就{h}", "约{h}的"]),
    ("book_appointment", ["帮我在{h}约个号", "我想在{h}预约", "在{h}预约一下"]),
]
# Written by the API's `flask kb build` beside the jieba dictionary: its code patterns, never typed here.
VOCABULARY_FILE = BOT_DIR / "jieba_dict" / "vocabulary.json"
REGEX_ENTITIES = {"case_number": "case_no"}  # NLU entity → the API's pattern name
TIMEOUT = 3.0
SYNONYMS_FILE = BOT_DIR.parent / "guides" / "kb" / "synonyms.yaml"
LOCAL_CODE = re.compile(r"^(?:GR|QY|YJS)-\d{3}$")  # hand-written guides: examples for every intent
MAX_FAMILY_EXAMPLES = 2500  # imported item families: one example each, in turn over the intents
MAX_FAMILY_LOOKUPS = 4  # lookup entries per imported family (name first, then its shortest aliases)
BRACKETS = re.compile(r"[\[\]()]")

# (intent, templates); {a} is an annotated item mention. Kept modest so training stays fast.
TEMPLATES: list[tuple[str, list[str]]] = [
    ("ask_materials", ["{a}要带什么材料", "{a}需要准备哪些资料", "办{a}得带啥", "{a}要提交什么证件", "{a}材料",
                       "{a}所需材料", "{a}申请材料清单", "{a}要准备些什么东西", "弄{a}得带些啥"]),
    ("ask_fee", ["{a}多少钱", "{a}收费吗", "{a}要交多少费用", "办{a}花钱不", "{a}收费标准", "{a}费用", "{a}免费吗",
                 "{a}要花多少钱", "弄个{a}贵不贵"]),
    ("ask_time_limit", ["{a}要多久", "{a}几个工作日能办好", "{a}多长时间能拿到", "{a}办理时限", "{a}时限",
                        "{a}要几天", "{a}多久能办下来", "{a}得等多长时间", "{a}多快能拿到手"]),
    ("ask_location", ["{a}在哪里办", "{a}去哪个窗口", "办{a}地址在哪", "{a}在哪个大厅办理", "{a}办理地点",
                      "{a}地址", "{a}窗口在哪", "{a}去哪儿弄", "{a}上哪办", "单位让我开个{a}去哪开", "{a}去哪开"]),
    ("ask_conditions", ["{a}需要什么条件", "{a}的申请条件", "我能不能办{a}", "{a}有什么要求", "{a}条件",
                        "{a}申请条件", "什么人可以申请{a}", "我能办{a}不", "{a}谁能申请", "我这种情况能领{a}吗",
                        "{a}需要几个人", "我这样可以{a}吗", "{a}有什么硬性规定"]),
    # Spoken "how" questions name the act (补 / 换 / 领 / 取 / 交 …) rather than "流程".
    ("ask_process", ["{a}怎么办理", "{a}的流程是什么", "{a}可以网上办吗", "{a}需要本人去吗", "{a}流程",
                     "{a}办理流程", "{a}怎么弄", "{a}咋办", "{a}丢了怎么补", "{a}过期了咋换", "{a}怎么领",
                     "{a}要走什么手续", "{a}找谁办", "{a}咋整", "{a}怎么取出来", "{a}丢了能补吗", "{a}要办什么证",
                     "{a}的钱回来怎么报销", "{a}能补办吗"]),
    ("book_appointment", ["我想预约{a}", "帮我约一下{a}", "{a}先约个号", "想办{a}，帮我预约个时间"]),
]
PER_TEMPLATE_GROUP = 3  # examples per item per intent


def fetch_from_api(api_url: str) -> list[dict]:
    """Published guides (name, code, aliases) from the API; raises on any failure."""
    resp = requests.get(f"{api_url}/api/v1/guides", params={"per_page": 100}, timeout=TIMEOUT)
    resp.raise_for_status()
    page = resp.json()
    summaries = list(page["items"])
    pages = -(-page["total"] // page["per_page"])
    for n in range(2, pages + 1):
        more = requests.get(f"{api_url}/api/v1/guides", params={"per_page": 100, "page": n}, timeout=TIMEOUT)
        more.raise_for_status()
        summaries.extend(more.json()["items"])
    guides = []
    for s in summaries:
        detail = requests.get(f"{api_url}/api/v1/guides/{s['code']}", timeout=TIMEOUT)
        detail.raise_for_status()
        g = detail.json()
        guides.append({"code": g["code"], "name": g["name"], "aliases": g.get("aliases", [])})
    return guides


def fetch_halls(api_url: str) -> list[dict]:
    """The halls with the names residents use for them (GET /api/v1/meta); raises on any failure."""
    resp = requests.get(f"{api_url}/api/v1/meta", timeout=TIMEOUT)
    resp.raise_for_status()
    return resp.json()["halls"]


def render_halls(halls: list[dict], seed: int = 42) -> str:
    """NLU data of the ``hall`` entity: examples, a lookup table and a synonym per hall (value = hall id).
    A name two halls share is left out (it would not say which hall)."""
    rng = random.Random(seed)
    owners: dict[str, set[str]] = {}
    for hall in halls:
        for name in [hall["name"], *(hall.get("aliases") or [])]:
            owners.setdefault(str(name).strip(), set()).add(hall["hall_id"])
    names: dict[str, list[str]] = {}
    for text, ids in owners.items():
        if len(ids) == 1 and len(text) >= 2:
            names.setdefault(next(iter(ids)), []).append(text)
    lines = ['version: "3.1"', "# GENERATED by scripts/generate_nlu.py from the API's halls; do not edit.", "nlu:"]
    for intent, templates in HALL_TEMPLATES:
        lines += [f"- intent: {intent}", "  examples: |"]
        for hall_id in sorted(names):
            for template in rng.sample(templates, min(PER_TEMPLATE_GROUP, len(templates))):
                lines.append("    - " + template.format(h=f"[{rng.choice(names[hall_id])}](hall)"))
    lines += ["- lookup: hall", "  examples: |"]
    lines += [f"    - {t}" for t in sorted({t for ts in names.values() for t in ts}, key=lambda t: (-len(t), t))]
    for hall_id in sorted(names):
        lines += [f'- synonym: "{hall_id}"', "  examples: |"]
        lines += [f"    - {text}" for text in sorted(names[hall_id])]
    return "\n".join(lines) + "\n"


def write_halls(args: argparse.Namespace) -> None:
    try:
        if args.halls_json:
            halls, source = json.loads(args.halls_json.read_text(encoding="utf-8")), str(args.halls_json)
        else:
            halls, source = fetch_halls(args.api_url.rstrip("/")), f"API {args.api_url}"
    except (requests.RequestException, KeyError, ValueError) as exc:
        print(f"halls: API not reachable ({exc.__class__.__name__}); {HALLS_FILE.name} left as it is", file=sys.stderr)
        return
    args.halls_out.write_text(render_halls(halls), encoding="utf-8")
    print(f"generated {args.halls_out.name}: {len(halls)} halls from {source}")


def read_guides_json(path: Path) -> list[dict]:
    """[{code, name, aliases}] written by another tool (e.g. a dump of an imported catalogue)."""
    return [{"code": g["code"], "name": g["name"], "aliases": g.get("aliases") or []}
            for g in json.loads(path.read_text(encoding="utf-8"))]  # fmt: skip


def read_synonyms(path: Path = SYNONYMS_FILE) -> dict[str, list[str]]:
    """The KB's synonym table: canonical form → the variants residents say."""
    if not path.exists():
        return {}
    groups = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {g["canonical"]: [v for v in g["variants"] if len(v) >= 2] for g in groups}


def spoken(text: str, synonyms: dict[str, list[str]]) -> list[str]:
    """``text`` and its forms with a canonical word said as its variants (住房公积金提取 → 公积金提取),
    and without a trailing 证 (道路运输经营许可证 → 道路运输经营许可)."""
    out = [text]
    for canonical, variants in synonyms.items():
        if canonical in text:
            out += [text.replace(canonical, v) for v in variants[:3]]
    out += [t[:-1] for t in list(out) if t.endswith("证") and len(t) >= 6]
    return out


def read_guide_files(folder: Path) -> list[dict]:
    guides = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "catalogue.yaml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict) and data.get("code") and data.get("name"):
            guides.append({"code": data["code"], "name": data["name"], "aliases": data.get("aliases") or []})
    return guides


def mentions(guides: list[dict], synonyms: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Mention text → item code. A mention of several records of one item family (an imported item
    published in several situations) names the family: its first code, the KB answers the family.
    A mention shared by different items is ambiguous and left out."""
    synonyms = synonyms or {}
    owners: dict[str, dict[str, str]] = {}
    for g in guides:
        for title in [g["name"], *g["aliases"]]:
            for text in spoken(str(title).replace(" ", "").strip(), synonyms):
                if len(text) >= 2:
                    owners.setdefault(text, {})[g["code"]] = g["name"]
    return {text: min(codes) for text, codes in owners.items() if len(set(codes.values())) == 1}


def _quote(text: str) -> str:
    return text.replace('"', '\\"')


def render(guides: list[dict], seed: int = 42, synonyms: dict[str, list[str]] | None = None) -> str:
    rng = random.Random(seed)
    by_code = mentions(guides, synonyms)
    names_by_item: dict[str, list[str]] = {}
    for text, code in by_code.items():
        names_by_item.setdefault(code, []).append(text)
    # examples annotate a mention as [text](item): one with ASCII brackets would break the markup
    said = {c: [t for t in names if not BRACKETS.search(t)] or names for c, names in names_by_item.items()}
    local = sorted(c for c in names_by_item if LOCAL_CODE.match(c))
    families = sorted(c for c in names_by_item if not LOCAL_CODE.match(c))
    rng.shuffle(families)
    family_examples: dict[str, list[tuple[str, str]]] = {}
    for n, code in enumerate(families[:MAX_FAMILY_EXAMPLES]):  # one example per family, intents in turn
        intent, templates = TEMPLATES[n % len(TEMPLATES)]
        family_examples.setdefault(intent, []).append((code, rng.choice(templates)))
    lines = ['version: "3.1"', "# GENERATED by scripts/generate_nlu.py from the published guides; do not edit.", "nlu:"]
    for intent, templates in TEMPLATES:
        lines += [f"- intent: {intent}", "  examples: |"]
        for code in local:
            for template in rng.sample(templates, min(PER_TEMPLATE_GROUP, len(templates))):
                mention = rng.choice(said[code])
                lines.append("    - " + template.format(a=f"[{mention}](item)"))
        for code, template in family_examples.get(intent, []):
            lines.append("    - " + template.format(a=f"[{rng.choice(said[code])}](item)"))
    patterns = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))["patterns"]
    for entity, name in REGEX_ENTITIES.items():
        lines += [f"- regex: {entity}", "  examples: |", f"    - {patterns[name]}"]
    # The lookup regex grows with every entry: a family keeps its name and shortest aliases.
    lookups = [t for c in local for t in names_by_item[c]]
    for code in families:
        names = sorted(names_by_item[code], key=len)
        lookups += names[:MAX_FAMILY_LOOKUPS]
    lines += ["- lookup: item", "  examples: |"]
    lines += [f"    - {text}" for text in sorted(set(lookups), key=lambda t: (-len(t), t))]
    for code in sorted(names_by_item):
        lines += [f'- synonym: "{code}"', "  examples: |"]  # quoted: a national code may be all digits
        lines += [f"    - {text}" for text in sorted(names_by_item[code])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-url", default=os.environ.get("API_URL", "http://127.0.0.1:5000"))
    parser.add_argument("--guides-dir", type=Path, default=GUIDES_DIR)
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    parser.add_argument("--guides-json", type=Path, help="read the guides from this JSON list instead of the API")
    parser.add_argument("--halls-json", type=Path, help="read the halls (meta's list) from this JSON file")
    parser.add_argument("--halls-out", type=Path, default=HALLS_FILE)
    args = parser.parse_args(argv)
    write_halls(args)
    if args.guides_json:
        guides, source = read_guides_json(args.guides_json), str(args.guides_json)
    else:
        try:
            guides = fetch_from_api(args.api_url.rstrip("/"))
            source = f"API {args.api_url}"
        except (requests.RequestException, KeyError, ValueError) as exc:
            guides = read_guide_files(args.guides_dir)
            source = f"{args.guides_dir} (API not reachable: {exc.__class__.__name__})"
    if not guides:
        print("no guides found; nothing generated", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(guides, synonyms=read_synonyms()), encoding="utf-8")
    print(f"generated {args.out.relative_to(BOT_DIR) if args.out.is_relative_to(BOT_DIR) else args.out}: "
          f"{len(guides)} items from {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
