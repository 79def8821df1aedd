"""Aliases generated from official names by the rules in guides/kb/alias_rules.yaml."""

from __future__ import annotations

import pytest
import yaml

from miniapp_api.catalogue.importer.aliases import AliasRuleError, AliasRules
from tests.catalogue.conftest import ALIAS_RULES


@pytest.fixture(scope="module")
def rules() -> AliasRules:
    return AliasRules.load(ALIAS_RULES)


def texts(rules: AliasRules, name: str) -> list[str]:
    return rules.aliases(name)


def test_issue_rule_families(rules):
    lost = rules.generate("《中华人民共和国残疾人证》挂失补办")
    by_text = {a.text: a.rule for a in lost}
    rule = by_text["残疾证丢了"]  # the rule is shown to staff with the alias
    assert "挂失补办" in rule and "残疾人证 → 残疾证" in rule
    assert "残疾证找不到了" in by_text and "残疾证挂失补办" in by_text  # book-title marks and 中华人民共和国 gone
    assert "残疾证转出" in texts(rules, "《中华人民共和国残疾人证》迁出")
    assert {"残疾证到期", "残疾证换新"} <= set(texts(rules, "《中华人民共和国残疾人证》换领"))
    assert "残疾证不干了" in texts(rules, "《中华人民共和国残疾人证》注销")
    assert "第一次办机动车驾驶证" in texts(rules, "机动车驾驶证初次申领")
    assert "一建注册换单位" in texts(rules, "一级注册建造师变更注册")
    assert {"绿卡丢了", "补办绿卡"} <= set(texts(rules, "补发外国人永久居留身份证"))
    assert "注会注册" in texts(rules, "注册会计师注册")
    assert "高等学校教资认定" in texts(rules, "高等学校教师资格认定")
    assert "保安员证" in texts(rules, "保安员证核发")  # administrative ending dropped
    assert "法律职业资格考试成绩查询" in texts(rules, "法律职业资格考试成绩查询（转链接）")  # brackets gone


def test_situation_inside_brackets(rules):
    aliases = texts(rules, "无线电频率使用许可（遗失补办）")
    assert "无线电频率使用许可" in aliases and any(a.endswith("丢了") for a in aliases)
    # several situation words in one name: each is rewritten, the others are removed from the thing
    work = texts(rules, "首次、延期、换发、补发工作类外国人居留证件")
    assert {"第一次办工作类外国人居留证件", "工作类外国人居留证件丢了", "工作类外国人居留证件延期"} <= set(work)


def test_aliases_are_bounded_and_never_the_name(rules, gd_result):
    for name in {g["name"] for g in gd_result.guides}:
        aliases = rules.generate(name)
        assert len(aliases) <= rules.max_per_item
        assert all(len(a.text) >= 2 and a.text != name and a.rule for a in aliases)
        assert len({a.text for a in aliases}) == len(aliases)
    assert texts(rules, "对因保护野生动物造成人员伤亡、农作物或者其他财产损失的补偿") == []


def test_staff_extend_the_file_not_code(tmp_path):
    data = yaml.safe_load(ALIAS_RULES.read_text(encoding="utf-8"))
    before = AliasRules.from_dict(data).aliases("社会保障卡挂失补办")
    assert "社保卡丢了" not in before
    data["short_forms"]["社会保障卡"] = ["社保卡"]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert "社保卡丢了" in AliasRules.load(path).aliases("社会保障卡挂失补办")


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"strip": [{"pattern": "([unclosed"}]}, "strip[0]"),
        ({"strip": ["no mapping"]}, "strip[0]"),
        ({"situations": [{"official": ["注销"], "spoken": ["不干了"]}]}, "situations[0].spoken"),
        ({"situations": [{"official": [], "spoken": ["{x}丢了"]}]}, "situations[0]"),
        ({"short_forms": {"残疾人证": [""]}}, "short_forms.残疾人证"),
        ({"max_per_item": 0}, "max_per_item"),
    ],
)
def test_bad_rules_name_the_entry(data, where):
    with pytest.raises(AliasRuleError) as err:
        AliasRules.from_dict(data)
    assert err.value.where == where
