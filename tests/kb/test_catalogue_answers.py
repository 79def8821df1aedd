"""The KB with an imported catalogue: honest answers for missing elements, item families answered as one,
situation consistency. Real records of the Guangdong export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from miniapp_api.catalogue.importer.gd_export import read_export
from miniapp_api.catalogue.importer.plan import stamp
from miniapp_api.kb.answers import compose, field_text
from miniapp_api.kb.families import family_answer
from miniapp_api.kb.index import KnowledgeIndex
from miniapp_api.kb.situations import factors, item_mask
from miniapp_api.kb.text import TextPipeline

GD_EXPORT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "gd_catalogue.jsonl"


@pytest.fixture(scope="module")
def gd() -> list[dict]:
    if not GD_EXPORT.exists():
        pytest.skip(f"the Guangdong export is not at {GD_EXPORT}")
    return [stamp(g, "gd_export") for g in read_export(GD_EXPORT).guides]


def family(gd: list[dict], name: str) -> list[dict]:
    return [g for g in gd if g["name"] == name]


def test_missing_elements_are_said_not_invented(gd):
    g = gd[0]  # 临时价格干预范围事项提价申报: no fee, process or basis published
    assert compose(g, "fee").endswith("该事项未公布收费信息，请致电 020-34121084 咨询。")
    assert "未公布办理流程" in compose(g, "process") and "未公布设定依据" in compose(g, "basis")
    assert "承诺办结时限 7 个工作日（法定时限 30 个工作日）" in compose(g, "time_limit")
    assert field_text(g, "fee") == "" and field_text(g, "time_limit")  # missing elements index no text
    no_phone = dict(g, contact={"consult": [], "complain": []}, location=None, missing=[*g["missing"], "location"])
    assert "拨打 12345 政务服务热线咨询" in compose(no_phone, "fee")
    assert compose(no_phone, "location").startswith("【") and "未公布办理地点" in compose(no_phone, "location")


def test_online_only_record_says_so(gd):
    g = gd[70]  # 注册会计师注册: 无线下办理窗口
    assert "无线下办理窗口，请在网上办理（财政会计行业管理系统）" in compose(g, "location")


def test_family_answer_shares_or_tells_apart(gd):
    lawyers = family(gd, "律师执业证书注销审核")  # 2 situations × province and Guangzhou
    text = family_answer(lawyers, "time_limit")
    assert "· 省级 · 广东省司法厅：承诺办结时限 13 个工作日" in text
    assert "· 市级 · 广州市司法局：承诺办结时限 1 个工作日" in text
    drivers = family(gd, "机动车驾驶证初次申领")  # 9 situations, one department
    text = family_answer(drivers, "materials")
    assert text.startswith("【机动车驾驶证初次申领】需要准备的材料") and "分 9 种情形" in text


def test_situation_consistency(gd):
    lost = next(g for g in gd if g["name"] == "补发外国人停留证件")
    issue = next(g for g in gd if g["name"] == "签发外国人停留证件")
    masks = np.asarray([item_mask(lost), item_mask(issue), item_mask({"name": "手写", "code": "GR-001"})])
    plain, lost_said = factors(masks, "外国人停留证件怎么办"), factors(masks, "外国人停留证件丢了")
    assert plain[0] < plain[1] == 1.0 and plain[2] == 1.0  # 补发 gives way when nothing was lost
    assert lost_said[0] > 1.0  # and leads when it was


def test_index_answers_a_family_as_one_item(gd):
    records = family(gd, "律师执业证书注销审核") + family(gd, "律师执业变更审核") + gd[:30]
    index = KnowledgeIndex(records, TextPipeline())
    out = index.search("律师执业证书注销审核要多久")
    assert out.status == "answered" and out.results[0].item_name == "律师执业证书注销审核"
    assert len({r.item_name for r in out.results}) == len(out.results)  # one result per family
    named = index.search("律师调往外省申请注销执业证书要带什么材料")
    moving = {g["code"] for g in records if g.get("situation") == "律师调往外省申请注销执业证书"}
    assert named.results[0].item_code in moving
