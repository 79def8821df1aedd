"""Application forms through the API: prefill, refusals naming the field, encryption at rest, ownership,
roles, the printed PDF's text and the merged bundle form."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader

from tests.booking.conftest import booking, login
from tests.factories import make_staff
from tests.forms.conftest import ID, OTHER_ID, PHONE

PASSPORT = {
    "passport_request": "首次申领",
    "destination": "新加坡",
    "trip_purpose": "旅游",
    "emergency_contact": "李四",
    "emergency_phone": "13900001111",
}
COMPANY = {
    "enterprise_name": "江川云帆科技有限公司",
    "legal_rep_name": "王五",
    "legal_rep_id_number": OTHER_ID,
    "enterprise_address": "江川市新城区创业路8号",
    "company_type": "有限责任公司",
    "registered_capital": 100,
    "business_scope": "软件开发；信息技术咨询服务",
    "seal_types": ["公章", "财务专用章"],
    "invoice_types": ["数电普通发票"],
    "tax_officer_name": "赵六",
    "tax_officer_phone": "13700002222",
    "employee_count": 5,
    "deposit_rate": 12,
    "bank_account": "6222020000000000001",
}


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _submit(client, headers, code="GR-006", values=None, **extra):
    return client.post(
        f"/api/v1/forms/{code}", json={"values": PASSPORT if values is None else values, **extra}, headers=headers
    )


def test_form_is_prefilled_from_the_profile(client, resident):
    response = client.get("/api/v1/forms/GR-006", headers=resident)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    fields = {f["key"]: f for f in body["fields"]}
    assert body["title"] == "普通护照签发申请表" and body["kind"] == "item"
    assert fields["applicant_name"]["value"] == "张三" and fields["applicant_name"]["prefilled"]
    assert fields["applicant_id_number"]["value"] == "1101**********002X"  # masked, never the full number
    assert fields["applicant_phone"]["value"] == "138****5678"
    assert fields["applicant_address"]["value"] == "江川市新城区市民大道1号"
    assert fields["item_name"]["value"] == "普通护照签发"
    assert ID not in json.dumps(body) and PHONE not in json.dumps(body)
    # what the resident still has to add: the item's own required fields, not the profile's or the booking's
    assert set(body["to_fill"]) == {
        "passport_request",
        "destination",
        "trip_purpose",
        "emergency_contact",
        "emergency_phone",
    }


def test_empty_profile_leaves_the_personal_fields_to_fill(client, clock):
    body = client.get("/api/v1/forms/GR-017", headers=login(client)).get_json()
    assert {"applicant_name", "applicant_id_number", "applicant_phone", "applicant_address"} <= set(body["to_fill"])
    keys = [f["key"] for f in body["fields"]]
    assert "materials_submitted" in keys  # an item without its own fields: the guide's materials as a checklist
    checklist = next(f for f in body["fields"] if f["key"] == "materials_submitted")
    assert checklist["options"] and all(isinstance(o, str) for o in checklist["options"])


def test_missing_required_field_is_refused_naming_it(client, resident):
    response = _submit(client, resident, values={k: v for k, v in PASSPORT.items() if k != "destination"})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "values.destination"
    assert response.get_json()["error"]["code"] == "field_required"

    blank = login(client)  # no profile: the personal fields are missing and named
    response = _submit(client, blank)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "values.applicant_name"


def test_bad_values_are_refused_naming_the_field(client, resident):
    cases = [
        ({"applicant_id_number": "110105194912310021"}, "values.applicant_id_number"),  # checksum
        ({"emergency_phone": "1234"}, "values.emergency_phone"),
        ({"trip_purpose": "度假"}, "values.trip_purpose"),
        ({"destination": "x" * 51}, "values.destination"),
        ({"nonsense": "1"}, "values.nonsense"),
        ({"destination": 12}, "values.destination"),
    ]
    for change, field in cases:
        response = _submit(client, resident, values={**PASSPORT, **change})
        assert response.status_code == 400, (change, response.get_json())
        assert response.get_json()["error"]["field"] == field, change


def test_uscc_checksum_is_checked(client, resident):
    for bad in ("91350100M000100Y44", "91350100M000100Y4", "9135010OM000100Y43"):
        response = _submit(
            client,
            resident,
            "QY-005",
            values={
                **{
                    k: COMPANY[k]
                    for k in (
                        "enterprise_name",
                        "legal_rep_name",
                        "legal_rep_id_number",
                        "enterprise_address",
                        "seal_types",
                    )
                },
                "uscc": bad,
            },
        )
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "values.uscc", bad
    good = _submit(
        client,
        resident,
        "QY-005",
        values={
            **{
                k: COMPANY[k]
                for k in (
                    "enterprise_name",
                    "legal_rep_name",
                    "legal_rep_id_number",
                    "enterprise_address",
                    "seal_types",
                )
            },
            "uscc": "91350100M000100Y43",
        },
    )
    assert good.status_code == 201, good.get_json()


def test_id_number_is_encrypted_at_rest(app, client, resident):
    response = _submit(client, resident, values={**PASSPORT, "applicant_id_number": "1101**********002X"})
    assert response.status_code == 201, response.get_json()  # the mask sent back as shown keeps the profile's ID
    body = response.get_json()
    assert ID not in json.dumps(body)
    with app.app_context():
        doc = app.extensions["mongo"]["forms"].find_one({"_id": body["form_id"]})
        dump = json.dumps(doc, default=str)
    assert ID not in dump and ID.lower() not in dump
    assert set(doc["sealed"]) == {"applicant_id_number"} and doc["values"]["destination"] == "新加坡"


def test_own_forms_listed_and_other_residents_get_404(client, resident, agent):
    form_id = _submit(client, resident).get_json()["form_id"]
    mine = client.get("/api/v1/me/forms", headers=resident).get_json()["forms"]
    assert [f["form_id"] for f in mine] == [form_id]
    assert client.get(f"/api/v1/me/forms/{form_id}", headers=resident).status_code == 200
    other = login(client)
    assert client.get(f"/api/v1/me/forms/{form_id}", headers=other).status_code == 404
    assert client.get("/api/v1/me/forms", headers=other).get_json()["forms"] == []
    assert client.get(f"/api/v1/me/forms/{form_id}").status_code == 401


def test_window_prints_the_attached_form_with_the_id_number(app, client, resident, agent, admin):
    appointment = client.post("/api/v1/appointments", json=booking(), headers=resident).get_json()
    response = _submit(client, resident, appointment_id=appointment["appointment_id"])
    assert response.status_code == 201, response.get_json()
    form = response.get_json()
    values = {f["key"]: f["value"] for f in form["fields"]}
    assert values["booking_date"] == "2026-09-15" and values["booking_slot"] == "09:00-10:00"
    assert values["hall_name"] and form["appointment_id"] == appointment["appointment_id"]

    with app.test_request_context():
        from miniapp_api.forms.service import form_for_appointment

        window = form_for_appointment(appointment["appointment_id"])
        assert form_for_appointment("no-such-appointment") is None
    assert window["form_id"] == form["form_id"] and window["pdf_url"] == f"/api/v1/staff/forms/{form['form_id']}.pdf"
    assert ID not in json.dumps(window)
    panel = client.get(f"/api/v1/staff/appointments/{appointment['appointment_id']}/form", headers=agent)
    assert panel.status_code == 200 and panel.get_json()["pdf_url"] == window["pdf_url"]

    pdf = client.get(window["pdf_url"], headers=agent)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    for expected in (
        "普通护照签发申请表",
        "张三",
        ID,
        PHONE,
        "新加坡",
        "13900001111",
        "2026-09-15",
        "GR-006",
        values["hall_name"],
        "申请人（签名）",
    ):
        assert expected in text, expected
    with app.app_context():
        entries = list(app.extensions["mongo"]["audit"].find({"action": "form.print", "code": form["form_id"]}))
    assert len(entries) == 1 and ID not in json.dumps(entries, default=str)

    assert client.get(window["pdf_url"], headers=make_staff(client, admin, "editor")).status_code == 403
    assert client.get(window["pdf_url"], headers=resident).status_code == 401  # a resident token is no staff token
    assert client.get("/api/v1/staff/forms/nope.pdf", headers=agent).status_code == 404


def test_attach_only_to_own_matching_appointment(client, resident):
    appointment = client.post("/api/v1/appointments", json=booking(), headers=resident).get_json()
    other = login(client)
    other_appointment = client.post("/api/v1/appointments", json=booking(date="2026-09-16"), headers=other).get_json()
    form_id = _submit(client, resident).get_json()["form_id"]
    response = client.put(
        f"/api/v1/me/forms/{form_id}/appointment",
        headers=resident,
        json={"appointment_id": other_appointment["appointment_id"]},
    )
    assert response.status_code == 404 and response.get_json()["error"]["field"] == "appointment_id"
    response = client.put(
        f"/api/v1/me/forms/{form_id}/appointment",
        headers=resident,
        json={"appointment_id": appointment["appointment_id"]},
    )
    assert response.status_code == 200 and response.get_json()["appointment_id"] == appointment["appointment_id"]
    # a form of another item does not fit this booking
    card = _submit(client, resident, "GR-017", values={}).get_json()
    response = client.put(
        f"/api/v1/me/forms/{card['form_id']}/appointment",
        headers=resident,
        json={"appointment_id": appointment["appointment_id"]},
    )
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "form_item_mismatch"


def test_bundle_form_merges_fields_once(client, resident, agent):
    body = client.get("/api/v1/forms/YJS-001", headers=resident).get_json()
    keys = [f["key"] for f in body["fields"]]
    assert body["kind"] == "bundle" and body["items"] == ["QY-001", "QY-005", "QY-006", "QY-007", "QY-008"]
    assert len(keys) == len(set(keys))
    # shared by several items, asked once: the enterprise block, the 经办人, 参保人数 and the bank account
    for key in (
        "enterprise_name",
        "agent_id_number",
        "employee_count",
        "bank_account",
        "seal_types",
        "invoice_types",
        "business_scope",
    ):
        assert keys.count(key) == 1, key
    assert "uscc" not in keys  # the bundle issues the licence that carries the 统一社会信用代码
    assert "applicant_id_number" not in keys  # 法人 items: 经办人, not 申请人

    response = _submit(client, resident, "YJS-001", values={k: v for k, v in COMPANY.items() if k != "deposit_rate"})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "values.deposit_rate"
    response = _submit(client, resident, "YJS-001", values=COMPANY)
    assert response.status_code == 201, response.get_json()
    text = _pdf_text(client.get(f"/api/v1/staff/forms/{response.get_json()['form_id']}.pdf", headers=agent).data)
    for expected in ("企业开办一件事申请表", "江川云帆科技有限公司", OTHER_ID, ID, "公章、财务专用章"):
        assert expected in text, expected


def test_unknown_code_is_404(client, resident):
    response = client.get("/api/v1/forms/GR-999", headers=resident)
    assert response.status_code == 404 and response.get_json()["error"]["field"] == "code"
    assert client.get("/api/v1/forms/GR-006").status_code == 401
