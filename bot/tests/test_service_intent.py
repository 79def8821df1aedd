"""A message naming a catalogue item is a service question (addons/service_intent.py), and the NLU
generator scales to an imported catalogue (scripts/generate_nlu.py)."""

from __future__ import annotations

import yaml

from addons.service_intent import kb_intent, merge, service_intents
from scripts.generate_nlu import mentions, render, spoken

SERVICE = service_intents()
ITEM = [{"entity": "item", "value": "GR-027"}]
FIELD_INTENTS = {"fee": "ask_fee", "materials": "ask_materials", "location": "ask_location"}


def ranking(**confidences: float) -> list[dict]:
    return [{"name": n, "confidence": c} for n, c in sorted(confidences.items(), key=lambda kv: -kv[1])]


def test_split_ask_intents_become_one_service_intent():
    rank = ranking(ask_conditions=0.404, ask_process=0.396, ask_fee=0.1, greet=0.1)
    intent, new_rank = merge(rank[0], rank, ITEM, SERVICE)
    assert intent == {"name": "ask_conditions", "confidence": 0.9} and new_rank[0] == intent
    assert [r["name"] for r in new_rank] == ["ask_conditions", "ask_process", "ask_fee", "greet"]


def test_unsure_inform_counts_as_service_evidence():
    rank = ranking(inform=0.35, ask_process=0.3, affirm=0.2)
    intent, _ = merge(rank[0], rank, ITEM, SERVICE)
    assert intent["name"] == "ask_process" and round(intent["confidence"], 2) == 0.65


def test_left_alone_without_item_or_for_other_intents():
    rank = ranking(ask_process=0.3, ask_fee=0.3, greet=0.4)
    assert merge(rank[0], rank, [], SERVICE) is None  # no item named
    assert merge(rank[0], rank, ITEM, SERVICE) is None  # greet stays greet
    booking = ranking(book_appointment=0.5, ask_process=0.3)
    assert merge(booking[0], booking, ITEM, SERVICE) is None
    confident_inform = ranking(inform=0.8, ask_process=0.1)  # an item named inside a form
    assert merge(confident_inform[0], confident_inform, ITEM, SERVICE) is None


def test_kb_outcome_to_intent():
    answered = {"status": "answered", "field": "fee", "results": [{"item_code": "GR-006", "field": "fee"}]}
    assert kb_intent(answered, FIELD_INTENTS) == ("ask_fee", "GR-006")
    clarify = {"status": "clarify", "field": None, "results": [{"item_code": "GR-001"}, {"item_code": "GR-002"}]}
    assert kb_intent(clarify, FIELD_INTENTS) == ("ask_process", None)
    assert kb_intent({"status": "unanswerable", "field": "fee", "results": []}, FIELD_INTENTS) is None


def test_spoken_mentions():
    synonyms = {"住房公积金": ["公积金"], "不动产权证书": ["房本", "房产证"]}
    assert spoken("住房公积金提取", synonyms) == ["住房公积金提取", "公积金提取"]
    assert "道路运输经营许可" in spoken("道路运输经营许可证", {})


def test_family_mentions_name_one_code_and_shared_ones_are_dropped():
    guides = [
        {"code": "11440000000000000000000000000001", "name": "律师执业证书注销审核", "aliases": ["注销律师证"]},
        {"code": "11440000000000000000000000000002", "name": "律师执业证书注销审核", "aliases": ["注销律师证"]},
        {"code": "GR-100", "name": "甲证办理", "aliases": ["办证"]},
        {"code": "GR-101", "name": "乙证办理", "aliases": ["办证"]},
    ]
    found = mentions(guides)
    assert found["律师执业证书注销审核"] == found["注销律师证"] == "11440000000000000000000000000001"
    assert "办证" not in found  # two different items


def test_render_scales_and_stays_valid_yaml(tmp_path, monkeypatch):
    guides = [{"code": f"GR-{i:03d}", "name": f"本地事项{i}", "aliases": []} for i in range(3)]
    guides += [{"code": f"{9144000000000000000000000000000 + i}", "name": f"省级事项{i}", "aliases": [f"省级{i}别名"]}
               for i in range(50)]  # fmt: skip
    text = render(guides)
    data = yaml.safe_load(text)["nlu"]
    synonyms = [d["synonym"] for d in data if "synonym" in d]
    assert all(isinstance(s, str) for s in synonyms)  # all-digit national codes stay strings
    examples = sum(len([line for line in d["examples"].splitlines() if line.strip()]) for d in data if "intent" in d)
    local = 3 * 3 * 7  # every local item: 3 examples per intent (7 intents)
    assert examples == local + 50  # one per imported family
    lookup = next(d for d in data if d.get("lookup") == "item")["examples"]
    assert "省级事项7" in lookup and "本地事项1" in lookup
