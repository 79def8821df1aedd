"""The guide editor: structured form, errors beside fields, diff, review with reject, four eyes."""

from __future__ import annotations

import re

from tests.factories import edited_guide, make_staff


def form_of(html: str) -> dict:
    """The editor form's fields as a browser would post them (inputs, selects, text areas, ticked boxes)."""
    form = html.split('id="guide-form"')[1].split("</form>")[0]
    data: dict[str, str] = {}
    for tag in re.finditer(r"<input ([^>]*)>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag.group(1)))
        if "name" not in attrs or "disabled" in tag.group(1):
            continue
        if attrs.get("type") == "checkbox":
            if " checked" in tag.group(1):
                data[attrs["name"]] = attrs.get("value", "on")
        else:
            data[attrs["name"]] = attrs.get("value", "")
    for m in re.finditer(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[m.group(1)] = m.group(2)
    for m in re.finditer(r'<select name="([^"]+)">(.*?)</select>', form, re.S):
        chosen = re.search(r'<option (?:value="([^"]*)" )?selected>([^<]*)</option>', m.group(2))
        if chosen:
            data[m.group(1)] = chosen.group(1) if chosen.group(1) is not None else chosen.group(2)
    import html as htmllib

    return {k: htmllib.unescape(v) for k, v in data.items()}


def fee_amount(app, code="GR-006", which="draft"):
    with app.app_context():
        doc = app.extensions["mongo"]["guides"].find_one({"code": code})
    return (doc[which] or {}).get("fee", {}).get("items", [{}])[0].get("amount")


def test_form_round_trip_saves_an_unchanged_guide_without_changes(app, browser):
    editor = browser("editor")
    page = editor.get("/console/guides/GR-006").get_data(as_text=True)
    data = form_of(page)
    assert data["fee.items.0.amount"] == "120" and data["materials.0.required"] == "1"
    response = editor.post("/console/guides/GR-006", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    diff = editor.get("/console/guides/GR-006/diff").get_data(as_text=True)
    assert "草稿与已发布版本相同" in diff


def test_errors_are_shown_beside_their_fields(app, browser):
    editor = browser("editor")
    data = form_of(editor.get("/console/guides/GR-006").get_data(as_text=True))
    data.update({"time_limit.legal_days": "5", "time_limit.promised_days": "9", "materials.0.copies": "两份",
                 "fee.items.0.amount": "", "aliases": data["aliases"] + "\nTODO"})
    response = editor.post("/console/guides/GR-006", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'data-field="time_limit.promised_days">承诺时限不能超过法定时限', html)
    assert re.search(r'data-field="materials.0.copies">请填写整数', html)
    assert re.search(r'data-field="aliases">第 \d+ 行：含有占位词“TODO”', html)
    assert 'name="materials.0.copies" value="两份"' in html  # what was typed stays in the form
    with app.app_context():
        assert app.extensions["mongo"]["guides"].find_one({"code": "GR-006"})["draft"] is None


def test_review_with_reject_and_four_eyes(app, browser):
    editor, publisher, other = browser("editor"), browser("publisher"), browser("publisher")
    data = form_of(editor.get("/console/guides/GR-006").get_data(as_text=True))
    data["fee.items.0.amount"] = "10"
    assert editor.post("/console/guides/GR-006", data).status_code == 302
    diff = editor.get("/console/guides/GR-006/diff").get_data(as_text=True)
    assert "收费（fee）" in diff and "amount: 120" in diff and "amount: 10" in diff
    editor.get("/console/guides/GR-006")
    assert editor.post("/console/guides/GR-006/submit").status_code == 302

    # An editor may not reject or publish; a publisher must give a reason to reject.
    assert editor.post("/console/guides/GR-006/reject", {"comment": "x"}).status_code == 403
    publisher.get("/console/guides/GR-006")
    assert publisher.post("/console/guides/GR-006/reject", {"comment": "  "}).status_code == 400
    assert publisher.post("/console/guides/GR-006/reject", {"comment": "金额应为100元"}).status_code == 302
    page = editor.get("/console/guides/GR-006").get_data(as_text=True)
    assert "已退回" in page and "金额应为100元" in page

    data = form_of(page)
    data["fee.items.0.amount"] = "100"
    assert editor.post("/console/guides/GR-006", data).status_code == 302
    editor.get("/console/guides/GR-006")
    editor.post("/console/guides/GR-006/submit")

    # The publisher edits too: now they may not publish it (four eyes), another publisher may.
    data = form_of(publisher.get("/console/guides/GR-006").get_data(as_text=True))
    data["fee.basis"] += "。"
    publisher.post("/console/guides/GR-006", data)
    publisher.get("/console/guides/GR-006")
    publisher.post("/console/guides/GR-006/submit")
    page = publisher.get("/console/guides/GR-006").get_data(as_text=True)
    assert 'id="btn-publish"' not in page and "四眼原则" in page
    refused = publisher.post("/console/guides/GR-006/publish", {"note": ""})
    assert refused.status_code == 403 and "four eyes" in refused.get_data(as_text=True)

    other.get("/console/guides/GR-006")
    assert other.post("/console/guides/GR-006/publish", {"note": "降费"}).status_code == 302
    assert fee_amount(app, which="published") == 100
    answer = app.test_client().get("/api/v1/kb/search", query_string={"q": "办护照多少钱"}).get_json()
    assert "100 元/本" in answer["results"][0]["answer"]
    history = editor.get("/console/guides/GR-006/history").get_data(as_text=True)
    assert "降费" in history and "金额应为100元" in history


def test_rollback_from_history(app, browser):
    publisher, editor = browser("publisher"), browser("editor")
    data = form_of(editor.get("/console/guides/GR-006").get_data(as_text=True))
    data["fee.items.0.amount"] = "90"
    editor.post("/console/guides/GR-006", data)
    editor.get("/console/guides/GR-006")
    editor.post("/console/guides/GR-006/submit")
    publisher.get("/console/guides/GR-006")
    publisher.post("/console/guides/GR-006/publish")
    publisher.get("/console/guides/GR-006/history")
    assert publisher.post("/console/guides/GR-006/rollback", {"edition": "1"}).status_code == 302
    assert fee_amount(app, which="published") == 120


def test_list_filters_by_status_and_search(browser):
    editor = browser("editor")
    page = editor.get("/console/guides/?q=护照").get_data(as_text=True)
    assert "GR-006" in page and "GR-001" not in page
    data = form_of(editor.get("/console/guides/GR-001").get_data(as_text=True))
    editor.post("/console/guides/GR-001", data)
    rows = editor.get("/console/guides/?status=editing&partial=rows").get_data(as_text=True)
    assert "GR-001" in rows and "GR-006" not in rows


def test_json_api_has_reject_and_four_eyes(client, admin):
    publisher = make_staff(client, admin, "publisher")
    second = make_staff(client, admin, "publisher")
    guide = edited_guide(client, "GR-006", visits=1)
    guide["fee"]["items"][0]["amount"] = 110
    assert client.put("/api/v1/staff/guides/GR-006/draft", json=guide, headers=publisher).status_code == 200
    client.post("/api/v1/staff/guides/GR-006/submit", headers=publisher)
    refused = client.post("/api/v1/staff/guides/GR-006/publish", json={}, headers=publisher)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "four_eyes"
    no_comment = client.post("/api/v1/staff/guides/GR-006/reject", json={}, headers=second)
    assert no_comment.status_code == 400 and no_comment.get_json()["error"]["field"] == "comment"
    rejected = client.post("/api/v1/staff/guides/GR-006/reject", json={"comment": "依据未更新"}, headers=second)
    assert rejected.status_code == 200 and rejected.get_json()["draft_status"] == "rejected"
    assert client.post("/api/v1/staff/guides/GR-006/publish", json={}, headers=second).status_code == 409
    client.post("/api/v1/staff/guides/GR-006/submit", headers=publisher)
    assert client.post("/api/v1/staff/guides/GR-006/publish", json={}, headers=second).status_code == 200
    audit = client.get("/api/v1/staff/audit?code=GR-006", headers=admin).get_json()["entries"]
    assert [e["action"] for e in audit][:4] == ["publish", "submit", "reject", "submit"]
    assert audit[2]["detail"]["comment"] == "依据未更新"
