from __future__ import annotations

import yaml

from miniapp_api.catalogue.files import GUIDES_DIR


def test_every_catalogue_entry_is_served(client):
    catalogue = yaml.safe_load((GUIDES_DIR / "catalogue.yaml").read_text(encoding="utf-8"))
    codes = [i["code"] for i in catalogue["items"]] + [b["code"] for b in catalogue["bundles"]]
    listing = client.get("/api/v1/guides?per_page=100").get_json()
    assert listing["total"] == len(codes) == 69
    assert sorted(i["code"] for i in listing["items"]) == sorted(codes)
    for entry in catalogue["items"]:
        guide = client.get(f"/api/v1/guides/{entry['code']}").get_json()
        assert (guide["name"], guide["department"], guide["audience"]) == (
            entry["name"], entry["department"], entry["audience"],
        )


def test_filters_and_paging(client):
    firms = client.get("/api/v1/guides?audience=法人&per_page=100").get_json()
    assert firms["total"] > 20 and all(i["audience"] == "法人" for i in firms["items"])
    police = client.get("/api/v1/guides?department=公安局").get_json()
    assert police["total"] >= 4 and all(i["department"] == "公安局" for i in police["items"])
    page2 = client.get("/api/v1/guides?per_page=10&page=2").get_json()
    page1 = client.get("/api/v1/guides?per_page=10&page=1").get_json()
    assert len(page2["items"]) == 10 and page1["items"][0] != page2["items"][0]
    bundles = client.get("/api/v1/guides?kind=bundle").get_json()
    assert bundles["total"] == 5


def test_free_text_search_uses_aliases_and_traditional(client):
    hits = client.get("/api/v1/guides?q=護照").get_json()["items"]
    assert "GR-006" in [i["code"] for i in hits]
    slang = client.get("/api/v1/guides?q=房本").get_json()["items"]
    assert "GR-030" in [i["code"] for i in slang]


def test_detail_has_every_field(client):
    guide = client.get("/api/v1/guides/gr-006").get_json()
    fields = ("conditions", "materials", "process", "time_limit", "fee", "visits", "online", "location", "faqs")
    for key in fields:
        assert guide[key], key
    assert guide["basis"]
    assert guide["time_limit"]["promised_days"] <= guide["time_limit"]["legal_days"]


def test_unknown_code_is_404_json(client):
    response = client.get("/api/v1/guides/GR-999")
    assert response.status_code == 404
    expected = {"code": "not_found", "message": "no guide with code GR-999", "field": "code"}
    assert response.get_json()["error"] == expected


def test_bundle_merges_materials(client):
    body = client.get("/api/v1/bundles/YJS-001").get_json()
    assert [i["code"] for i in body["items"]] == ["QY-001", "QY-005", "QY-006", "QY-007", "QY-008"]
    names = [m["name"] for m in body["materials"]]
    assert len(names) < body["materials_before_merge"]
    # One ID card entry for the legal representative, however many items ask for it.
    assert sum("法定代表人" in n and "身份证" in n for n in names) <= 1
    shared = [m for m in body["materials"] if len(m["for_items"]) > 1]
    assert shared, "some material should serve several items"
    assert body["total_promised_days"] <= body["sum_of_item_promised_days"]
    assert body["total_visits"] in (0, 1)


def test_bundle_of_newborn_asks_parents_papers_once(client):
    body = client.get("/api/v1/bundles/YJS-002").get_json()
    ids = [m for m in body["materials"] if "身份证" in m["name"] and ("父母" in m["name"] or "夫妻" in m["name"])]
    assert len(ids) == 1 and set(ids[0]["for_items"]) >= {"GR-003", "GR-012"}
    marriage = [m for m in body["materials"] if "结婚证" in m["name"]]
    assert len(marriage) == 1 and len(marriage[0]["for_items"]) >= 2


def test_item_is_not_a_bundle(client):
    assert client.get("/api/v1/bundles/GR-001").status_code == 404


def test_bad_paging_is_400_naming_field(client):
    response = client.get("/api/v1/guides?per_page=abc")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "per_page"
