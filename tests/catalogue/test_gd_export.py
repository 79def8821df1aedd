"""The Guangdong JSON-lines export mapped into guide dicts: the real file, and a file with bad rows."""

from __future__ import annotations

import json
from collections import Counter

from miniapp_api.catalogue.importer.gd_export import parse_lines, read_export
from miniapp_api.catalogue.importer.values import ELEMENTS, conditions_of, phones_of


def by_name(result, name: str) -> list[dict]:
    return [g for g in result.guides if g["name"] == name]


def test_whole_file_maps_every_record(gd_result):
    assert gd_result.lines == 2262
    assert len(gd_result.guides) == 2262 and gd_result.skipped == 0
    codes = [g["code"] for g in gd_result.guides]
    assert len(set(codes)) == 2262
    assert all(g["national_code"] == g["code"] for g in gd_result.guides)
    assert len({g["name"] for g in gd_result.guides}) == 1965
    assert Counter(g["level"] for g in gd_result.guides) == {"省级": 2024, "市级": 238}


def test_first_record_fields(gd_result):
    g = gd_result.guides[0]
    assert g["name"] == "临时价格干预范围事项提价申报"
    assert g["code"] == "11440000006939756B2440101007000" and g["catalogue_code"] == "440101007000"
    assert g["department"] == "广东省发展和改革委员会" and g["item_type"] == "行政许可"
    assert g["region"] == "广东省" and g["region_code"] == "440000"
    assert g["time_limit"] == {"legal_days": 30, "promised_days": 7, "notes": ""}
    assert g["location"]["address"] == "广州市越秀区东风中路305号5号楼808房" and g["location"]["offline"]
    assert g["location"]["phone"] == "020-34121084"
    assert g["contact"]["consult"] == ["020-34121084"] and g["contact"]["complain"] == ["020-83134173"]
    assert g["courier"] is True and g["online"]["booking"] is True and g["online"]["level"] == "网上预约"
    assert [m["name"] for m in g["materials"]] == ["提价申报申请报告"]
    assert g["materials"][0]["form"] is None  # the export does not say; nothing is invented
    assert g["themes"] == ["其他"] and g["audiences"] == ["个人", "法人"]
    assert g["missing"] == ["fee", "process", "basis"]
    assert g["source"] == {"format": "gd_export", "file": "gd_catalogue.jsonl", "line": 1,
                           "id": "60ae6f94e995f7e541f057f2"}  # fmt: skip


def test_missing_elements_are_counted_honestly(gd_result):
    missing = Counter(m for g in gd_result.guides for m in g["missing"])
    # the export has no fees, process steps or legal basis at all
    assert missing["fee"] == missing["process"] == missing["basis"] == 2262
    assert missing["conditions"] == 950  # accept_standard 无 (README: 1,312 of 2,262 given)
    assert missing["materials"] == 1453  # 1,446 written 无 plus 7 empty lists
    assert missing["time_limit"] == 512  # both legal and promised time 无
    assert set(missing) <= set(ELEMENTS)


def test_situations_of_a_family(gd_result):
    records = by_name(gd_result, "专职律师执业许可")
    assert len(records) == 16
    situations = {g["situation"] for g in records}
    assert len(situations) == 8 and "申请专职执业" in situations
    # a bracket inside the situation is kept whole, not cut at its closing mark
    assert "国资律师事务所占编人员申请执业（材料依据同申请专职执业）" in situations
    assert {g["department"] for g in records} == {"广东省司法厅", "广州市司法局"}
    assert all(g["official_name"].startswith("专职律师执业许可(") for g in records)


def test_online_only_and_natural_days(gd_result):
    online_only = gd_result.guides[70]  # line 71: 无线下办理窗口
    assert online_only["name"] == "注册会计师注册"
    assert online_only["location"]["offline"] is False and online_only["location"]["address"] is None
    assert online_only["online"]["level"] == "全程网办"
    natural = gd_result.guides[74]  # line 75: 91(自然日) / 1(工作日)
    assert natural["time_limit"] == {"legal_days": None, "promised_days": 1, "notes": "法定时限 91 个自然日"}


def test_malformed_phone_is_reported_and_row_kept(gd_result):
    issue = next(i for i in gd_result.issues if i.line == 1237)
    assert issue.field == "consult_phone" and not issue.fatal and "837288891" in issue.message
    row = next(g for g in gd_result.guides if g["source"]["line"] == 1237)
    assert row["contact"]["consult"] == [] and row["contact"]["consult_text"] == "020-837288891"


def test_export_aliases_kept_apart(gd_result):
    g = by_name(gd_result, "律师执业证书注销审核")[0]
    assert g["aliases"] == [] and g["export_aliases"] == ["注销律师证", "律师证注销"]
    radio = by_name(gd_result, "无线电频率使用许可（新申请）")[0]
    assert radio["export_aliases"] == ["频率新申请"]  # not the keyword list "无线电,频率,新申请"


def test_bad_rows_are_reported_and_the_rest_imports(gd_path, tmp_path):
    good = gd_path.read_text(encoding="utf-8").splitlines()[:5]
    no_code = json.loads(good[0]) | {"TASK_CODE": None}
    bad_days = json.loads(good[1]) | {"TASK_CODE": "X" * 30, "handle_time": "三十天"}
    bad_theme = json.loads(good[2]) | {"TASK_CODE": "Y" * 30, "theme_category": 12}
    lines = [
        good[0],
        '{"TASK_CODE": "1144", "matter_name": ',  # 2: cut off
        "",  # blank lines are skipped
        "[1, 2]",  # 4: not an object
        json.dumps(no_code, ensure_ascii=False),  # 5
        good[0],  # 6: the same code again
        json.dumps(bad_days, ensure_ascii=False),  # 7: kept, time limit dropped
        json.dumps(bad_theme, ensure_ascii=False),  # 8: kept, theme dropped
        *good[1:5],  # 9-12
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    seen: list[int] = []
    result = read_export(path, on_row=seen.append)
    assert seen == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    fatal = {(i.line, i.field) for i in result.issues if i.fatal}
    assert fatal == {(2, "-"), (4, "-"), (5, "TASK_CODE"), (6, "TASK_CODE")}
    assert "repeats line 1" in next(i.message for i in result.issues if i.line == 6)
    soft = {(i.line, i.field) for i in result.issues if not i.fatal}
    assert soft == {(7, "handle_time"), (8, "theme_category")}
    assert len(result.guides) == 7 and result.skipped == 4
    kept = {g["source"]["line"]: g for g in result.guides}
    assert kept[7]["time_limit"]["legal_days"] is None and kept[7]["time_limit"]["promised_days"] is not None
    assert kept[8]["themes"] == [] and "line 7, handle_time" in str(result.issues[-2])


def test_missing_name_falls_back_to_task_name():
    rec = {"TASK_CODE": "A" * 30, "matter_name": "无", "TASK_NAME": "某某事项(某情形)"}
    result = parse_lines([json.dumps(rec, ensure_ascii=False)])
    assert result.guides[0]["name"] == "某某事项(某情形)"
    assert [(i.field, i.fatal) for i in result.issues] == [("matter_name", False)]
    assert result.guides[0]["missing"] == list(ELEMENTS)


def test_value_helpers():
    text = "律师有下列情形之一的：  1、受到吊销处罚的； 2、自愿终止执业的；（三）其他情形"
    assert conditions_of(text) == ["律师有下列情形之一的：", "受到吊销处罚的", "自愿终止执业的", "其他情形"]
    assert conditions_of("高度不大于1.5米的围墙") == ["高度不大于1.5米的围墙"]
    assert phones_of("省厅：020-86351219、86351130；拨打12348或(020)83133642转3") == [
        "020-86351219", "86351130", "12348", "(020)83133642转3",
    ]  # fmt: skip
    assert phones_of("020-8923 2806；400-7000-690") == ["020-89232806", "400-7000-690"]
    assert phones_of("广州市中山七路341号之一") == []
