from __future__ import annotations

from tests.factories import edited_guide, make_staff


def test_login_rejects_wrong_password(client):
    response = client.post("/api/v1/staff/login", json={"username": "admin", "password": "nope-nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["field"] == "password"


def test_staff_endpoints_need_token_and_role(client, admin):
    assert client.get("/api/v1/staff/guides/GR-006/draft").status_code == 401
    editor = make_staff(client, admin, "editor")
    guide = edited_guide(client, "GR-006")
    assert client.put("/api/v1/staff/guides/GR-006/draft", json=guide, headers=editor).status_code == 200
    assert client.post("/api/v1/staff/guides/GR-006/submit", headers=editor).status_code == 200
    # Editors cannot publish.
    response = client.post("/api/v1/staff/guides/GR-006/publish", json={}, headers=editor)
    assert response.status_code == 403
    assert client.post("/api/v1/staff/users", json={"username": "x", "password": "password-1", "role": "admin"},
                       headers=editor).status_code == 403


def test_full_edition_cycle_reaches_search(client, admin):
    editor = make_staff(client, admin, "editor")
    publisher = make_staff(client, admin, "publisher")
    fee = {"free": False, "items": [{"name": "普通护照证件费", "amount": 100, "unit": "元/本"}],
           "basis": "发改价格〔2019〕914号（测试调整）"}
    draft = edited_guide(client, "GR-006", fee=fee)
    assert client.put("/api/v1/staff/guides/GR-006/draft", json=draft, headers=editor).status_code == 200

    diff = client.get("/api/v1/staff/guides/GR-006/diff", headers=editor).get_json()
    assert [c["field"] for c in diff["changes"]] == ["fee"]
    assert diff["changes"][0]["draft"]["items"][0]["amount"] == 100

    # Not yet published: the public guide and the KB still say 120.
    assert client.get("/api/v1/guides/GR-006").get_json()["fee"]["items"][0]["amount"] == 120
    # Publishing needs review first.
    assert client.post("/api/v1/staff/guides/GR-006/publish", json={}, headers=publisher).status_code == 409
    client.post("/api/v1/staff/guides/GR-006/submit", headers=editor)
    published = client.post("/api/v1/staff/guides/GR-006/publish", json={"note": "降费"}, headers=publisher)
    assert published.status_code == 200 and published.get_json()["edition"] == 2

    assert client.get("/api/v1/guides/GR-006").get_json()["fee"]["items"][0]["amount"] == 100
    answer = client.get("/api/v1/kb/search", query_string={"q": "办护照多少钱"}).get_json()
    assert answer["results"][0]["item_code"] == "GR-006" and "100 元/本" in answer["results"][0]["answer"]

    history = client.get("/api/v1/staff/guides/GR-006/history", headers=editor).get_json()["editions"]
    assert [e["edition"] for e in history] == [1, 2] and history[1]["published_by"].startswith("publisher")

    rolled = client.post("/api/v1/staff/guides/GR-006/rollback", json={"edition": 1}, headers=publisher)
    assert rolled.get_json()["edition"] == 3
    assert client.get("/api/v1/guides/GR-006").get_json()["fee"]["items"][0]["amount"] == 120

    audit = client.get("/api/v1/staff/audit?code=GR-006", headers=admin).get_json()["entries"]
    assert [e["action"] for e in audit] == ["rollback", "publish", "submit", "edit_draft"]
    assert audit[1]["detail"]["fields"] == ["fee"]


def test_rejected_edit_changes_nothing(client, admin):
    editor = make_staff(client, admin, "editor")
    bad = edited_guide(client, "GR-001", time_limit={"legal_days": 5, "promised_days": 9, "notes": ""})
    response = client.put("/api/v1/staff/guides/GR-001/draft", json=bad, headers=editor)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "time_limit.promised_days"
    state = client.get("/api/v1/staff/guides/GR-001/draft", headers=editor).get_json()
    assert state["draft"] is None and state["published_edition"] == 1

    renamed = edited_guide(client, "GR-001", name="身份证换领")
    response = client.put("/api/v1/staff/guides/GR-001/draft", json=renamed, headers=editor)
    assert response.status_code == 400 and "catalogue" in response.get_json()["error"]["message"]

    missing = edited_guide(client, "GR-001")
    del missing["materials"][0]["form"]
    response = client.put("/api/v1/staff/guides/GR-001/draft", json=missing, headers=editor)
    assert response.get_json()["error"]["field"] == "materials.0.form"

    response = client.put(
        "/api/v1/staff/guides/GR-001/draft", data="[1,2", content_type="application/json", headers=editor
    )
    assert response.status_code == 400


def test_new_item_is_searchable_after_publish(client, admin):
    editor = make_staff(client, admin, "editor")  # four eyes: the publisher is not the one who wrote it
    publisher = make_staff(client, admin, "publisher")
    guide = edited_guide(client, "GR-009", code="GR-038", name="宠物犬登记", department="公安局",
                         aliases=["养狗登记", "办狗证", "狗证办理", "犬只登记", "宠物狗上户口"])
    assert client.put("/api/v1/staff/guides/GR-038/draft", json=guide, headers=editor).status_code == 200
    client.post("/api/v1/staff/guides/GR-038/submit", headers=editor)
    assert client.post("/api/v1/staff/guides/GR-038/publish", json={}, headers=publisher).status_code == 200
    result = client.get("/api/v1/kb/search", query_string={"q": "办狗证在哪办"}).get_json()
    assert result["status"] == "answered" and result["results"][0]["item_code"] == "GR-038"


def test_synonym_edit_changes_matching(client, admin):
    editor = make_staff(client, admin, "editor")
    before = client.get("/api/v1/kb/search", query_string={"q": "大本子丢了要补办"}).get_json()
    assert not before["results"] or before["results"][0]["item_code"] != "GR-030"
    groups = client.get("/api/v1/staff/kb/synonyms", headers=editor).get_json()["groups"]
    for group in groups:
        if group["canonical"] == "不动产权证书":
            group["variants"].append("大本子")
    assert client.put("/api/v1/staff/kb/synonyms", json={"groups": groups}, headers=editor).status_code == 200
    after = client.get("/api/v1/kb/search", query_string={"q": "大本子丢了要补办"}).get_json()
    assert after["status"] == "answered" and after["results"][0]["item_code"] == "GR-030"


def test_synonym_conflict_is_400(client, admin):
    groups = [{"canonical": "甲", "variants": ["乙"]}, {"canonical": "丙", "variants": ["乙"]}]
    response = client.put("/api/v1/staff/kb/synonyms", json={"groups": groups}, headers=admin)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "groups.1.variants"
