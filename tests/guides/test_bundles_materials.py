"""一件事 bundles: no paper the bundle's own items issue, near-duplicates merged by the staff name table."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from miniapp_api.catalogue.files import guide_paths
from miniapp_api.core.vocabulary import BUNDLE_PREFIX
from tests.factories import seeded_app

GUIDES = Path(__file__).resolve().parents[2] / "guides"


def bundle(client, code: str) -> dict:
    response = client.get(f"/api/v1/bundles/{code}")
    assert response.status_code == 200
    return response.get_json()


def test_every_item_guide_states_what_it_issues():
    for path in guide_paths(GUIDES):
        guide = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not guide["code"].startswith(BUNDLE_PREFIX):
            assert isinstance(guide.get("issues"), list), f"{guide['code']} does not say what it issues"


def test_business_bundle_does_not_ask_for_the_licence_it_issues(client):
    body = bundle(client, "YJS-001")
    names = [m["name"] for m in body["materials"]]
    assert not any("营业执照" in n for n in names)
    left = {m["name"]: m for m in body["left_out"]}
    assert left["营业执照"]["issued_by"] == "QY-001"
    assert set(left["营业执照"]["for_items"]) == {"QY-005", "QY-006", "QY-007", "QY-008"}
    # still asked of the items in a bundle that does not issue it: the item guide itself is unchanged
    assert any(m["name"] == "营业执照" for m in client.get("/api/v1/guides/QY-007").get_json()["materials"])


def test_near_duplicate_account_papers_are_one_entry(client):
    body = bundle(client, "YJS-001")
    accounts = [m for m in body["materials"] if "账户信息" in m["name"]]
    assert len(accounts) == 1 and set(accounts[0]["for_items"]) == {"QY-007", "QY-008"}


def test_an_item_keeps_the_paper_it_issues_itself(client):
    body = bundle(client, "YJS-004")
    names = [m["name"] for m in body["materials"]]
    # 存量房转移登记 needs the seller's 不动产权证书 and issues the buyer's, which the utility
    # transfers would otherwise ask for as 房屋产权证明 / 房屋权属证明
    assert "不动产权证书（房本）" in names
    assert not any(n in names for n in ("房屋产权证明", "房屋权属证明"))
    assert {m["issued_by"] for m in body["left_out"]} == {"GR-029"}


def test_bundles_without_self_issued_papers_leave_nothing_out(client):
    assert bundle(client, "YJS-005")["left_out"] == []


def test_staff_edit_the_name_table(tmp_path, app_config):
    guides = tmp_path / "guides"
    shutil.copytree(GUIDES, guides)
    app = seeded_app({**app_config, "GUIDES_DIR": str(guides)})
    client = app.test_client()
    before = bundle(client, "YJS-001")
    assert sum(m["name"] in ("职工参保名单", "职工开户名单") for m in before["materials"]) == 2
    table = guides / "kb" / "material_names.yaml"
    groups = yaml.safe_load(table.read_text(encoding="utf-8"))
    groups.append({"canonical": "职工名单", "variants": ["职工参保名单", "职工开户名单"]})
    table.write_text(yaml.safe_dump(groups, allow_unicode=True), encoding="utf-8")
    after = bundle(client, "YJS-001")  # read again, no restart
    staff = [m for m in after["materials"] if m["name"] in ("职工参保名单", "职工开户名单")]
    assert len(staff) == 1 and set(staff[0]["for_items"]) == {"QY-007", "QY-008"}
    assert len(after["materials"]) == len(before["materials"]) - 1
