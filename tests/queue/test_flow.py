"""The resident's way through the hall with the real booking service: book, check in, wait, get called."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.queue.helpers import call

TZ = ZoneInfo("Asia/Shanghai")


def test_book_check_in_wait_get_called_served(app, client, resident, agent):
    now = {"t": dt.datetime(2026, 11, 30, 10, 0, tzinfo=TZ)}  # Monday; books Tuesday
    app.extensions["clock"] = lambda: now["t"]  # the booking service's injectable clock, which the queue shares
    resident_id, headers = resident()
    body = {"hall_id": "jc-main", "item_code": "GR-006", "date": "2026-12-01", "slot": "09:00-10:00"}
    booked = client.post("/api/v1/appointments", headers=headers, json=body)
    assert booked.status_code == 201, booked.get_json()
    appointment = booked.get_json()

    now["t"] = dt.datetime(2026, 12, 1, 8, 45, tzinfo=TZ)
    _, early = resident()  # a walk-in who came before the booked resident checked in
    walk_in = client.post("/api/v1/queue/tickets", json={"hall_id": "jc-main", "category": appointment["category"]},
                          headers=early).get_json()["ticket"]  # fmt: skip
    assert walk_in["number"] == "C001" and walk_in["date"] == "2026-12-01"

    now["t"] = dt.datetime(2026, 12, 1, 8, 50, tzinfo=TZ)
    checked_in = client.post("/api/v1/queue/checkin", json={"checkin_code": appointment["checkin_code"]},
                             headers=headers)  # fmt: skip
    assert checked_in.status_code == 201, checked_in.get_json()
    view = checked_in.get_json()
    # numbered after the walk-in, but served before it
    assert view["ticket"]["number"] == "C002" and view["ticket"]["kind"] == "booked" and view["position"] == 1

    mine = client.get("/api/v1/appointments", headers=headers).get_json()
    rows = mine if isinstance(mine, list) else mine.get("appointments", mine.get("items", []))
    assert any(a["appointment_id"] == appointment["appointment_id"] and a["status"] == "checked_in" for a in rows)

    called = call(client, agent, "A13", hall_id="jc-main")  # A13–A18 serve 出入境 (C)
    assert called["ticket_id"] == view["ticket"]["ticket_id"]
    now["t"] += dt.timedelta(minutes=6)
    served = client.post(f"/api/v1/staff/tickets/{called['ticket_id']}/served", headers=agent)
    assert served.status_code == 200
    stored = app.extensions["mongo"]["appointments"].find_one({"_id": appointment["appointment_id"]})
    assert stored["status"] == "served"
