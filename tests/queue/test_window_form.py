"""The window panel shows the filled 申请表 of the booking behind the called number (masked) with a print
link; the PDF prints only the form of the number this window serves now, and the print is audited."""

from __future__ import annotations

import uuid

from tests.forms.test_forms import PASSPORT
from tests.queue.test_window_console import _clerk

ID, PHONE = "11010519491231002X", "13812345678"


def test_panel_shows_the_form_of_the_called_booking_and_prints_it(app, client, hall, clock, resident):
    from miniapp_api.identity.residents import update_profile

    resident_id, headers = resident()
    with app.app_context():
        update_profile(resident_id, {"name": "张三", "id_number": ID, "phone": PHONE, "address": "江川市市民大道1号"})
    appt = {"_id": uuid.uuid4().hex, "resident_id": resident_id, "hall_id": "t-hall", "item_code": "GR-006",
            "item_name": "普通护照签发", "category": "C", "date": clock().date().isoformat(), "slot": "09:00-10:00",
            "status": "booked", "checkin_code": "FORMTEST", "created_at": clock()}  # fmt: skip
    app.extensions["mongo"]["appointments"].insert_one(appt)
    filled = client.post("/api/v1/forms/GR-006", json={"values": PASSPORT, "appointment_id": appt["_id"]},
                         headers=headers)  # fmt: skip
    assert filled.status_code == 201, filled.get_json()
    assert client.post("/api/v1/queue/checkin", json={"checkin_code": "FORMTEST"}, headers=headers).status_code == 201

    clerk = _clerk(app)
    clerk.get("/console/windows/?hall=t-hall&window=W3")
    assert clerk.get("/console/windows/t-hall/W3/form.pdf").status_code == 409  # nothing called yet
    panel = clerk.post("/console/windows/t-hall/W3/call", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="filled-form"' in panel and "普通护照签发申请表" in panel
    assert "1101**********002X" in panel and ID not in panel  # masked on the screen
    assert 'href="/console/windows/t-hall/W3/form.pdf"' in panel
    pdf = clerk.client.get("/console/windows/t-hall/W3/form.pdf")  # bytes: not through the HTML helper
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    entry = app.extensions["mongo"]["audit"].find_one({"action": "form.print"})
    assert entry and entry["user"].startswith("agent")
    # Another window has nobody called: it cannot print this form.
    assert clerk.get("/console/windows/t-hall/W1/form.pdf").status_code == 409
