"""Item families of the real Guangdong export: records sharing a name, their situations."""

from __future__ import annotations

import pytest

from miniapp_api.catalogue.importer.aliases import AliasRules
from miniapp_api.catalogue.importer.families import Family, base_name, group_families, related_groups
from tests.catalogue.conftest import ALIAS_RULES


@pytest.fixture(scope="module")
def families(gd_result) -> dict[str, Family]:
    return {f.name: f for f in group_families(gd_result.guides)}


def test_grouping(families, gd_result):
    assert len(families) == 1965
    assert sum(len(f.members) for f in families.values()) == len(gd_result.guides)
    assert sum(len(f.members) > 1 for f in families.values()) == 108
    assert all(f.code for f in families.values())  # each family carries one catalogue code


def test_family_with_situations(families):
    fam = families["专职律师执业许可"]
    assert fam.code == "440109002001" and len(fam.members) == 16 and len(fam.situations) == 8
    assert fam.departments == ["广东省司法厅", "广州市司法局"]
    assert len(fam.variants()) == 16  # 8 situations at two levels
    question = fam.question()
    assert question.startswith("「专职律师执业许可」分 8 种情形") and "申请专职执业" in question
    city = fam.member_for("申请专职执业", level="市级")
    assert city["department"] == "广州市司法局" and city["situation"] == "申请专职执业"
    assert fam.member_for("没有这种情形") is None


def test_short_question_and_no_question(families):
    two = families["律师执业证书注销审核"]
    assert two.question() == "「律师执业证书注销审核」您是律师调往外省申请注销执业证书还是律师执业证书注销？"
    same = families["弩的购置审批"]  # one item published by the province and by Guangzhou
    assert same.situations == [] and same.question() is None
    shared = same.shared()
    assert "conditions" in shared and "department" not in shared
    assert families["导游证查询"].question() is None and len(families["导游证查询"].members) == 1


def test_related_families(families):
    rules = AliasRules.load(ALIAS_RULES)
    assert base_name("《中华人民共和国残疾人证》注销", rules) == "残疾人证"
    groups = related_groups(list(families.values()), rules)
    disability = {f.name for f in groups["残疾人证"]}
    assert {"《中华人民共和国残疾人证》注销", "《中华人民共和国残疾人证》迁出",
            "《中华人民共和国残疾人证》挂失补办", "《中华人民共和国残疾人证》换领"} <= disability  # fmt: skip
    assert len(groups["无线电频率使用"]) == 5
    assert all(len(fams) > 1 for fams in groups.values())
