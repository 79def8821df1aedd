"""The Excel template: generated, filled in the way staff would, read back (with bad rows)."""

from __future__ import annotations

from openpyxl import load_workbook

from miniapp_api.catalogue.importer.sheet import COLUMN_KEYS, SHEET, header, read_sheet, write_template

GOOD = {
    "code": "GR-038",
    "name": "养犬登记",
    "situation": "首次登记",
    "department": "江川市公安局",
    "level": "市级",
    "service_objects": "自然人",
    "aliases": "狗证\n办狗证",
    "conditions": "犬只已免疫\n住所在本市",
    "materials": "居民身份证|原件|1|是\n犬只免疫证明|原件及复印件|1|是\n犬只照片",
    "legal_days": 20,
    "promised_days": "5",
    "fee": "不收费",
    "process": "申请|窗口提交材料\n领证",
    "basis": "《江川市养犬管理条例》第十条",
    "hall": "江川市市民服务中心",
    "window": "A07",
    "address": "江川市新城区市民大道 188 号",
    "phone": "0576-12345678",
    "online_level": "网上预约",
    "online_channel": "江川政务小程序",
    "booking": "是",
    "courier": "否",
    "visits": 1,
}


def fill(path, rows: list[dict]) -> None:
    wb = load_workbook(path)
    ws = wb[SHEET]
    for row in rows:
        ws.append([row.get(key) for key in COLUMN_KEYS])
    wb.save(path)


def test_template_headers_and_pick_lists(tmp_path):
    path = write_template(tmp_path / "template.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == [SHEET, "说明"]
    ws = wb[SHEET]
    assert [c.value for c in ws[1]] == [header(k) for k in COLUMN_KEYS]
    assert ws.max_row == 1  # no example row that could be imported by mistake
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"全程网办,网上预约,窗口办理"' in lists and '"是,否"' in lists
    assert read_sheet(path).guides == []


def test_filled_template_maps_every_element(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    fill(path, [GOOD])
    result = read_sheet(path)
    assert result.issues == [] and result.lines == 1
    g = result.guides[0]
    assert (g["code"], g["name"], g["situation"], g["level"]) == ("GR-038", "养犬登记", "首次登记", "市级")
    assert g["aliases"] == ["狗证", "办狗证"] and g["conditions"] == ["犬只已免疫", "住所在本市"]
    assert g["materials"][0] == {"name": "居民身份证", "form": "原件", "copies": 1, "required": True, "notes": "",
                                 "tolerance": False}  # fmt: skip
    assert g["materials"][2]["form"] is None  # only a name given: nothing invented
    assert g["time_limit"] == {"legal_days": 20, "promised_days": 5, "notes": ""}
    assert g["fee"] == {"free": True, "items": [], "basis": ""}
    assert g["process"] == [{"step": "申请", "detail": "窗口提交材料"}, {"step": "领证", "detail": "领证"}]
    assert g["location"]["window"] == "A07" and g["location"]["phone"] == "0576-12345678"
    assert g["online"]["level"] == "网上预约" and g["online"]["booking"] is True and g["courier"] is False
    assert g["audiences"] == ["个人"] and g["missing"] == []
    assert g["source"] == {"format": "xlsx", "file": "t.xlsx", "line": 2, "id": None}


def test_bad_rows_named_by_row_and_column(tmp_path):
    path = write_template(tmp_path / "bad.xlsx")
    rows = [
        GOOD,  # row 2
        {"name": "没有编码的事项"},  # 3: fatal
        GOOD | {"name": "重复编码"},  # 4: fatal, repeats row 2
        {"code": "X-1", "name": "坏编码"},  # 5: fatal
        {"code": "GR-039", "name": "时限写错", "legal_days": "二十天", "promised_days": 3},  # 6: kept
        {"code": "GR-040", "name": "收费缺依据", "fee": "工本费|10|元"},  # 7: kept, fee dropped
        {"code": "GR-041", "name": "形式写错", "materials": "身份证|原本|1|是", "online_level": "随便"},  # 8: kept
        {},  # 9: empty, skipped silently
        {"code": "GR-042", "name": "只有名字"},  # 10
    ]
    fill(path, rows)
    seen: list[int] = []
    result = read_sheet(path, on_row=seen.append)
    assert seen == [2, 3, 4, 5, 6, 7, 8, 10]
    fatal = {(i.line, i.field) for i in result.issues if i.fatal}
    assert fatal == {(3, header("code")), (4, header("code")), (5, header("code"))}
    soft = {(i.line, i.field) for i in result.issues if not i.fatal}
    assert soft == {(6, header("legal_days")), (7, header("fee")), (8, header("materials")),
                    (8, header("online_level"))}  # fmt: skip
    assert [g["code"] for g in result.guides] == ["GR-038", "GR-039", "GR-040", "GR-041", "GR-042"]
    by_code = {g["code"]: g for g in result.guides}
    assert by_code["GR-039"]["time_limit"] == {"legal_days": None, "promised_days": 3, "notes": ""}
    assert by_code["GR-040"]["fee"] is None and "fee" in by_code["GR-040"]["missing"]
    assert by_code["GR-042"]["missing"] == ["conditions", "materials", "time_limit", "fee", "location", "contact",
                                            "process", "basis"]  # fmt: skip
    assert result.skipped == 3


def test_columns_found_by_key_in_any_order(tmp_path):
    path = tmp_path / "own.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["事项名称", "备注（不导入）", "我们的编码 (code)"])  # label alone, an extra column, reordered
    ws.append(["护照加注", "随便写", "GR-050"])
    wb.save(path)
    result = read_sheet(path)
    assert [(g["code"], g["name"]) for g in result.guides] == [("GR-050", "护照加注")]


def test_workbook_without_the_sheet(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    result = read_sheet(path)
    assert result.guides == [] and result.issues[0].fatal and SHEET in result.issues[0].message
