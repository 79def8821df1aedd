"""Catalogue imports end to end on real files: a slice of the Guangdong export, a filled-in Excel template
and a file with bad rows; through `flask catalogue import` and the staff API, with the KB answering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from miniapp_api.catalogue.importer.sheet import COLUMN_KEYS, SHEET, write_template
from tests.factories import make_staff

ROOT = Path(__file__).resolve().parents[2]
GD_EXPORT = ROOT.parent / "shared" / "data" / "gd_catalogue.jsonl"
SLICE = 120  # records: enough families and situations, quick to index


@pytest.fixture
def gd_lines() -> list[str]:
    if not GD_EXPORT.exists():
        pytest.skip(f"the Guangdong export is not at {GD_EXPORT}")
    return GD_EXPORT.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def import_dir(app, tmp_path) -> Path:
    folder = tmp_path / "imports"
    folder.mkdir()
    app.config["CATALOGUE_IMPORT_DIR"] = str(folder)
    return folder


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli_import(app, path: Path, *extra: str) -> dict:
    result = app.test_cli_runner().invoke(args=["catalogue", "import", str(path), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output[result.output.index("{"):])


def test_cli_import_is_idempotent_and_flags_changes(app, client, admin, gd_lines, tmp_path):
    first = cli_import(app, write_lines(tmp_path / "gd.jsonl", gd_lines[:SLICE]))
    assert (first["created"], first["updated"], first["unchanged"], first["gone"]) == (SLICE, 0, 0, 0)
    assert first["incomplete"] == SLICE and first["missing"]["fee"] == SLICE
    again = cli_import(app, tmp_path / "gd.jsonl")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, SLICE)
    changed = json.loads(gd_lines[0]) | {"handle_time_limit": "3(工作日)"}
    write_lines(tmp_path / "gd.jsonl", [json.dumps(changed, ensure_ascii=False), *gd_lines[2:SLICE]])
    third = cli_import(app, tmp_path / "gd.jsonl")
    assert (third["updated"], third["gone"], third["unchanged"]) == (1, 1, SLICE - 2)
    code = changed["TASK_CODE"]
    history = client.get(f"/api/v1/staff/guides/{code}/history", headers=admin).get_json()
    assert [h["edition"] for h in history["editions"]] == [1, 2]
    gone_code = json.loads(gd_lines[1])["TASK_CODE"]
    gone = client.get(f"/api/v1/guides/{gone_code}").get_json()
    assert gone["import"]["gone"] is True  # flagged, still published
    actions = {e["action"] for e in client.get("/api/v1/staff/audit", headers=admin).get_json()["entries"]}
    assert {"import_create", "import_update", "import_gone", "catalogue_import"} <= actions


def test_imported_guide_is_answered_honestly(app, client, gd_lines, tmp_path):
    cli_import(app, write_lines(tmp_path / "gd.jsonl", gd_lines[:SLICE]))
    record = json.loads(gd_lines[0])  # 临时价格干预范围事项提价申报, no fee published
    guide = client.get(f"/api/v1/guides/{record['TASK_CODE']}").get_json()
    assert guide["national_code"] == record["TASK_CODE"] and guide["level"] == "省级"
    assert guide["missing"] == ["fee", "process", "basis"] and guide["fee"] is None
    body = client.get("/api/v1/kb/search", query_string={"q": "临时价格干预提价申报要交多少钱"}).get_json()
    top = body["results"][0]
    assert body["status"] == "answered" and top["item_code"] == record["TASK_CODE"] and top["field"] == "fee"
    assert "未公布收费信息" in top["answer"] and "020-34121084" in top["answer"]


def test_family_answered_as_one_item(app, client, gd_lines, tmp_path):
    cli_import(app, write_lines(tmp_path / "gd.jsonl", gd_lines[:SLICE]))
    body = client.get("/api/v1/kb/search", query_string={"q": "律师执业证书注销审核"}).get_json()
    assert body["status"] == "answered"  # two situations at two levels: one item, never a choice between equal names
    assert body["results"][0]["item_name"] == "律师执业证书注销审核"
    assert len({r["item_name"] for r in body["results"]}) == len(body["results"])


def test_draft_import_stages_without_publishing(app, client, admin, gd_lines, tmp_path):
    report = cli_import(app, write_lines(tmp_path / "gd.jsonl", gd_lines[:5]), "--draft")
    assert report["draft"] and report["created"] == 5
    code = json.loads(gd_lines[0])["TASK_CODE"]
    assert client.get(f"/api/v1/guides/{code}").status_code == 404
    assert client.get(f"/api/v1/staff/guides/{code}/draft", headers=admin).get_json()["draft_status"] == "in_review"


def test_bad_rows_reported_by_line_and_field(app, gd_lines, tmp_path):
    lines = [gd_lines[0], '{"TASK_CODE": "cut off', gd_lines[1], json.dumps({"matter_name": "无编码"})]
    report = cli_import(app, write_lines(tmp_path / "bad.jsonl", lines))
    assert report["created"] == 2 and report["skipped_rows"] == 2
    assert {(i["line"], i["field"], i["skipped"]) for i in report["issues"]} == {(2, "-", True), (4, "TASK_CODE", True)}


def test_spreadsheet_through_the_staff_api(app, client, admin, import_dir):
    path = write_template(import_dir / "jiangchuan.xlsx")
    wb = load_workbook(path)
    rows = [
        {"code": "GR-038", "name": "养犬登记", "department": "江川市公安局", "conditions": "犬只已免疫",
         "materials": "居民身份证|原件|1|是", "legal_days": 20, "promised_days": 5, "fee": "不收费",
         "hall": "江川市市民服务中心", "address": "江川市新城区市民大道 188 号", "phone": "0576-12345678"},
        {"code": "GR-039", "name": "犬只年检", "legal_days": "二十天"},
        {"name": "缺编码"},
    ]  # fmt: skip
    for row in rows:
        wb[SHEET].append([row.get(k) for k in COLUMN_KEYS])
    wb.save(path)
    editor = make_staff(client, admin, "editor")
    denied = client.post("/api/v1/staff/catalogue/imports", json={"file": "jiangchuan.xlsx"}, headers=editor)
    assert denied.status_code == 403
    response = client.post("/api/v1/staff/catalogue/imports", json={"file": "jiangchuan.xlsx"}, headers=admin)
    report = response.get_json()
    assert response.status_code == 200 and report["source"] == "xlsx:jiangchuan"
    assert (report["created"], report["skipped_rows"]) == (2, 1)
    assert {(i["line"], i["skipped"]) for i in report["issues"]} == {(3, False), (4, True)}
    guide = client.get("/api/v1/guides/GR-038").get_json()
    assert guide["fee"]["free"] is True and guide["missing"] == ["process", "basis"]
    body = client.get("/api/v1/kb/search", query_string={"q": "养犬登记要交钱吗"}).get_json()
    assert body["results"][0]["item_code"] == "GR-038" and "不收费" in body["results"][0]["answer"]
    listed = client.get("/api/v1/staff/catalogue/files", headers=editor).get_json()
    assert [f["file"] for f in listed["files"]] == ["jiangchuan.xlsx"]
    incomplete = client.get("/api/v1/staff/catalogue/incomplete", query_string={"element": "process"},
                            headers=editor).get_json()  # fmt: skip
    assert incomplete["total"] == 2 and {g["code"] for g in incomplete["guides"]} == {"GR-038", "GR-039"}


@pytest.mark.parametrize("name", ["../secret.jsonl", "notes.txt", "/etc/passwd"])
def test_import_file_must_be_in_the_import_folder(client, admin, import_dir, name):
    response = client.post("/api/v1/staff/catalogue/imports", json={"file": name}, headers=admin)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "file"


def test_missing_import_file_is_404(client, admin, import_dir):
    response = client.post("/api/v1/staff/catalogue/imports", json={"file": "nothing.jsonl"}, headers=admin)
    assert response.status_code == 404


def test_template_command_writes_the_template(app, tmp_path):
    out = tmp_path / "t.xlsx"
    result = app.test_cli_runner().invoke(args=["catalogue", "template", str(out)])
    assert result.exit_code == 0 and load_workbook(out).sheetnames == [SHEET, "说明"]


def test_guide_list_with_imported_guides(app, client, gd_lines, tmp_path):
    records = [json.loads(line) for line in gd_lines[:SLICE]]
    no_time = records[3] = records[3] | {"handle_time": "无", "handle_time_limit": "无"}  # as 512 records are
    cli_import(app, write_lines(tmp_path / "gd.jsonl", [json.dumps(r, ensure_ascii=False) for r in records]))
    page = client.get("/api/v1/guides", query_string={"per_page": 100, "page": 2})
    assert page.status_code == 200 and page.get_json()["total"] == 69 + SLICE
    found = client.get("/api/v1/guides", query_string={"q": no_time["matter_name"], "per_page": 100}).get_json()
    row = next(r for r in found["items"] if r["code"] == no_time["TASK_CODE"])
    assert row["promised_days"] is None  # not published: not invented
    first = records[0]  # serves 自然人 and 企业法人 …: listed for both audiences
    for audience in ("个人", "法人"):
        listed = client.get("/api/v1/guides", query_string={"audience": audience, "q": first["matter_name"]}).get_json()
        assert [r["code"] for r in listed["items"]] == [first["TASK_CODE"]]


def test_case_for_an_item_without_a_time_limit_is_refused_not_a_500(app, client, admin, import_dir):
    path = write_template(import_dir / "no_time.xlsx")
    wb = load_workbook(path)
    wb[SHEET].append([{"code": "GR-060", "name": "某项无时限事项"}.get(k) for k in COLUMN_KEYS])
    wb.save(path)
    imported = client.post("/api/v1/staff/catalogue/imports", json={"file": "no_time.xlsx"}, headers=admin)
    assert imported.status_code == 200
    backoffice = make_staff(client, admin, "backoffice")
    body = {"item_code": "GR-060", "applicant": {"name": "测试", "id_number": "110105198705161234"}}
    response = client.post("/api/v1/backoffice/cases", json=body, headers=backoffice)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "no_time_limit"


def test_staff_complete_an_imported_guide(app, client, admin, gd_lines, tmp_path):
    cli_import(app, write_lines(tmp_path / "gd.jsonl", gd_lines[:SLICE]))
    code = json.loads(gd_lines[0])["TASK_CODE"]
    guide = client.get(f"/api/v1/guides/{code}").get_json()
    guide["fee"] = {"free": True, "items": [], "basis": "未设立收费项目"}
    editor = make_staff(client, admin, "editor")
    saved = client.put(f"/api/v1/staff/guides/{code}/draft", json=guide, headers=editor)
    assert saved.status_code == 200, saved.get_json()
    assert "fee" not in saved.get_json()["draft"]["missing"]
    assert client.post(f"/api/v1/staff/guides/{code}/submit", headers=editor).status_code == 200
    published = client.post(f"/api/v1/staff/guides/{code}/publish", json={"note": "补全收费"}, headers=admin)
    assert published.status_code == 200, published.get_json()
    assert client.get(f"/api/v1/guides/{code}").get_json()["missing"] == ["process", "basis"]
    body = client.get("/api/v1/kb/search", query_string={"q": "临时价格干预提价申报收费吗"}).get_json()
    assert "不收费" in body["results"][0]["answer"]
    again = cli_import(app, write_lines(tmp_path / "gd.jsonl", gd_lines[:SLICE]))  # the same file: staff work kept
    assert again["unchanged"] == SLICE
    assert client.get(f"/api/v1/guides/{code}").get_json()["fee"]["basis"] == "未设立收费项目"
