"""Pure helpers: dates, slot choice, the API client, the NLU generator."""

from __future__ import annotations

from datetime import date

import pytest
import requests
import responses

from actions.api_client import ApiClient, ApiRejected, ApiUnavailable
from actions.dates import parse_date, pick_slot
from conftest import API, meta_body
from scripts.generate_nlu import mentions, read_guide_files, render

MONDAY = date(2026, 11, 30)


@pytest.mark.parametrize("text,expected", [
    ("明天", date(2026, 12, 1)), ("大后天上午", date(2026, 12, 3)), ("周三", date(2026, 12, 2)),
    ("星期一", MONDAY), ("下周三", date(2026, 12, 9)), ("12月3日", date(2026, 12, 3)), ("11月3号", date(2027, 11, 3)),
    ("2026-12-05", date(2026, 12, 5)), ("随便哪天", None), (None, None), ("2月30日", None),
])  # fmt: skip
def test_parse_date(text, expected):
    assert parse_date(text, MONDAY) == expected


def test_pick_slot_full_and_unknown():
    slots = [{"slot": "09:00-10:00", "left": 0}, {"slot": "14:00-15:00", "left": 2}]
    assert pick_slot("9点半", slots) == (None, "full")
    assert pick_slot("下午", slots) == ("14:00-15:00", None)
    assert pick_slot("2点", slots) == ("14:00-15:00", None)
    assert pick_slot("傍晚", slots) == (None, "unknown")


def test_client_errors():
    client = ApiClient(API, timeout=0.5)
    with responses.RequestsMock() as mock:
        mock.get(f"{API}/x", status=404, json={"error": {"code": "not_found", "message": "no", "field": "code"}})
        mock.get(f"{API}/y", status=503, body="down")
        mock.get(f"{API}/z", body=requests.ConnectTimeout())
        with pytest.raises(ApiRejected) as rejected:
            client.get("/x")
        assert (rejected.value.status, rejected.value.code, rejected.value.field) == (404, "not_found", "code")
        with pytest.raises(ApiUnavailable):
            client.get("/y")
        with pytest.raises(ApiUnavailable):
            client.get("/z")


def test_client_sends_bearer_token():
    with responses.RequestsMock() as mock:
        bearer = responses.matchers.header_matcher({"Authorization": "Bearer t"})
        mock.get(f"{API}/me", json={"ok": True}, match=[bearer])
        assert ApiClient(API).get("/me", token="t") == {"ok": True}


GUIDES = [
    {"code": "GR-006", "name": "普通护照签发", "aliases": ["办护照", "护照办理"]},
    {"code": "GR-001", "name": "居民身份证换领", "aliases": ["身份证换证", "换身份证"]},
    {"code": "GR-002", "name": "居民身份证补领", "aliases": ["身份证补办", "换身份证"]},
]


def test_generator_maps_mentions_to_codes_and_drops_ambiguous():
    found = mentions(GUIDES)
    assert found["办护照"] == "GR-006" and found["居民身份证补领"] == "GR-002"
    assert "换身份证" not in found  # two items share it


def test_generator_output_is_valid_nlu(tmp_path):
    import yaml

    data = yaml.safe_load(render(GUIDES))
    kinds = {next(iter(block)) for block in data["nlu"]}
    assert kinds == {"intent", "lookup", "synonym", "regex"}
    case_regex = next(b for b in data["nlu"] if b.get("regex") == "case_number")["examples"]
    assert case_regex.strip() == "- " + meta_body()["patterns"]["case_no"]  # the API's pattern, not typed here
    lookup = next(b for b in data["nlu"] if b.get("lookup") == "item")["examples"]
    assert lookup.splitlines()[0] == "- 居民身份证换领"  # longest first
    synonyms = {b["synonym"]: b["examples"] for b in data["nlu"] if "synonym" in b}
    assert "- 办护照" in synonyms["GR-006"]
    fee = next(b for b in data["nlu"] if b.get("intent") == "ask_fee")["examples"]
    assert "](item)" in fee


def test_generator_reads_guide_files(tmp_path):
    (tmp_path / "GR-006.yaml").write_text("code: GR-006\nname: 普通护照签发\naliases: [办护照]\n", encoding="utf-8")
    (tmp_path / "catalogue.yaml").write_text("items: []\n", encoding="utf-8")
    assert read_guide_files(tmp_path) == [{"code": "GR-006", "name": "普通护照签发", "aliases": ["办护照"]}]
