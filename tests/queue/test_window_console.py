"""The window panel (叫号) in the console and the hall display: calls go through the queue's own rules,
are kept for the display and announced on the hall's public live topic; wrong roles are refused."""

from __future__ import annotations

import json

from miniapp_api.core.stores import rds
from tests.queue.helpers import take
from tests.web.conftest import Browser, make_account

PASSWORD = "Kx9-harbour-lantern"


def _clerk(app, role: str = "agent") -> Browser:
    b = Browser(app.test_client())
    assert b.login(make_account(app, role), PASSWORD).status_code == 302
    b.get("/console/windows/?hall=t-hall&window=W1" if role == "agent" else "/console/")  # fresh CSRF token
    return b


def test_clerk_calls_recalls_and_closes_numbers_and_the_display_gets_them(app, client, hall, clock, resident):
    _, headers = resident()
    _, headers2 = resident()
    assert take(client, headers, "A").status_code == 201
    assert take(client, headers2, "A").status_code == 201
    clerk = _clerk(app)
    page = clerk.get("/console/windows/?hall=t-hall&window=W1")
    assert page.status_code == 200 and "暂无正在办理的号码" in page.get_data(as_text=True)

    with app.app_context():
        pubsub = rds().pubsub()
        pubsub.subscribe(f"{app.config['REDIS_PREFIX']}live")
        pubsub.get_message(timeout=1)  # the subscribe confirmation
    called = clerk.post("/console/windows/t-hall/W1/call", headers={"HX-Request": "true"})
    html = called.get_data(as_text=True)
    assert called.status_code == 200 and "已呼叫 A001" in html and 'id="current-number">A001<' in html
    events = []
    while (m := pubsub.get_message(timeout=1)) is not None:
        events.append(json.loads(m["data"]))
    calls = [e for e in events if e["data"]["type"] == "call"]
    seen = [(e["topic"], e["data"]["number"], e["data"]["window"]) for e in calls]
    assert seen == [("public.hall.t-hall", "A001", "W1")]
    pubsub.close()

    assert "已重呼 A001" in clerk.post("/console/windows/t-hall/W1/recall", headers={"HX-Request": "true"}).get_data(
        as_text=True)
    served = clerk.post("/console/windows/t-hall/W1/served", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "A001 办结" in served and "暂无正在办理的号码" in served
    # Recall with nobody at the window is a 4xx naming the field, not a 500.
    nobody = clerk.post("/console/windows/t-hall/W1/recall", headers={"HX-Request": "true"})
    assert nobody.status_code == 409 and "no_called_ticket" in nobody.get_data(as_text=True)
    clerk.post("/console/windows/t-hall/W1/call")
    gone = clerk.post("/console/windows/t-hall/W1/no_show", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "A002 过号" in gone

    display = client.get("/console/display/t-hall")  # public: no sign-in
    text = display.get_data(as_text=True)
    assert display.status_code == 200 and 'id="now-number">A002<' in text and "<td>A001</td>" in text
    assert 'data-topic="public.hall.t-hall"' in text


def test_window_panel_refuses_other_roles_and_forged_posts(app, hall, clock):
    editor = _clerk(app, "editor")
    assert editor.get("/console/windows/").status_code == 403
    assert editor.post("/console/windows/t-hall/W1/call").status_code == 403
    clerk = _clerk(app)
    assert clerk.post("/console/windows/t-hall/W1/call", token=False).status_code == 403  # no CSRF token
    assert clerk.post("/console/windows/t-hall/W9/call").status_code == 404
    anonymous = app.test_client().get("/console/windows/")
    assert anonymous.status_code == 302 and "/console/login" in anonymous.headers["Location"]
    assert app.test_client().get("/console/display/nope").status_code == 404
