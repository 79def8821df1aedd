"""Cancel (cut-off, seat returns at once), no-shows and the booking block."""

from __future__ import annotations

from tests.booking.conftest import booking, left, login
from tests.factories import make_staff


def _book(client, headers, **kw) -> dict:
    response = client.post("/api/v1/appointments", json=booking(**kw), headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_cancel_returns_the_seat_at_once(client, resident):
    before = left(client)
    appointment = _book(client, resident)
    assert left(client) == before - 1
    response = client.delete(f"/api/v1/appointments/{appointment['appointment_id']}", headers=resident)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert left(client) == before
    again = client.delete(f"/api/v1/appointments/{appointment['appointment_id']}", headers=resident)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "not_cancellable"
    assert left(client) == before  # a second cancel gives nothing back twice


def test_cancel_after_cutoff_is_refused(client, resident, clock):
    appointment = _book(client, resident, date="2026-09-15", slot="09:00-10:00")
    clock.set("2026-09-15T08:01:00")  # cut-off: 60 minutes before 09:00
    response = client.delete(f"/api/v1/appointments/{appointment['appointment_id']}", headers=resident)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "cancel_cutoff_passed"
    clock.set("2026-09-15T07:59:00")
    assert client.delete(f"/api/v1/appointments/{appointment['appointment_id']}", headers=resident).status_code == 200


def test_cannot_see_or_cancel_someone_elses_appointment(client, resident):
    appointment = _book(client, resident)
    stranger = login(client)
    assert client.delete(f"/api/v1/appointments/{appointment['appointment_id']}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/appointments/{appointment['appointment_id']}", headers=stranger).status_code == 404


def test_three_no_shows_in_90_days_block_booking_for_30_days(client, admin, resident, clock):
    agent = make_staff(client, admin, "agent")
    editor = make_staff(client, admin, "editor")
    for day in ("2026-09-15", "2026-09-16", "2026-09-17"):
        appointment = _book(client, resident, date=day)
        early = client.post(f"/api/v1/staff/appointments/{appointment['appointment_id']}/no_show", headers=agent)
        assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_yet_due"  # slot not begun
        clock.set(f"{day}T10:30:00")
        denied = client.post(f"/api/v1/staff/appointments/{appointment['appointment_id']}/no_show", headers=editor)
        assert denied.status_code == 403
        marked = client.post(f"/api/v1/staff/appointments/{appointment['appointment_id']}/no_show", headers=agent)
        assert marked.status_code == 200 and marked.get_json()["status"] == "no_show"
        # idempotent
        assert client.post(f"/api/v1/staff/appointments/{appointment['appointment_id']}/no_show",
                           headers=agent).status_code == 200
    blocked = client.post("/api/v1/appointments", json=booking(date="2026-09-18"), headers=resident)
    assert blocked.status_code == 403
    error = blocked.get_json()["error"]
    assert error["code"] == "booking_blocked" and "2026-10-17" in error["message"] and "3次" in error["message"]
    someone_else = client.post("/api/v1/appointments", json=booking(date="2026-09-18"), headers=login(client))
    assert someone_else.status_code == 201
    clock.set("2026-10-19T10:00:00")  # block over (2026-10-17 + weekend)
    assert client.post("/api/v1/appointments", json=booking(date="2026-10-20"), headers=resident).status_code == 201


def test_two_no_shows_do_not_block_and_old_ones_expire(client, admin, resident, clock):
    import datetime as dt

    from miniapp_api.booking.rules import blocked_until

    agent = make_staff(client, admin, "agent")
    for day in ("2026-09-15", "2026-09-16"):
        appointment = _book(client, resident, date=day)
        clock.set(f"{day}T10:30:00")  # a no-show is recorded once the slot has begun
        client.post(f"/api/v1/staff/appointments/{appointment['appointment_id']}/no_show", headers=agent)
    assert client.post("/api/v1/appointments", json=booking(date="2026-09-17"), headers=resident).status_code == 201
    with client.application.app_context():
        resident_id = client.get("/api/v1/me", headers=resident).get_json()["resident_id"]
        db = client.application.extensions["mongo"]
        # a third no-show 100 days after the first two is not "3 within 90 days"
        db["appointments"].insert_one({"_id": "old", "resident_id": resident_id, "status": "no_show",
                                       "date": "2026-12-28", "item_code": "GR-001"})
        assert blocked_until(resident_id, dt.date(2026, 12, 29)) is None


def test_sweep_marks_unattended_bookings_of_past_days(client, admin, resident, clock):
    appointment = _book(client, resident, date="2026-09-15")
    clock.set("2026-09-16T10:00:00")
    response = client.post("/api/v1/staff/appointments/sweep_no_shows", headers=admin)
    assert response.status_code == 200 and response.get_json() == {"marked": 1}
    mine = client.get(f"/api/v1/appointments/{appointment['appointment_id']}", headers=resident).get_json()
    assert mine["status"] == "no_show"


def test_mark_no_show_unknown_or_cancelled(client, admin, resident):
    agent = make_staff(client, admin, "agent")
    assert client.post("/api/v1/staff/appointments/nope/no_show", headers=agent).status_code == 404
    appointment = _book(client, resident)
    client.delete(f"/api/v1/appointments/{appointment['appointment_id']}", headers=resident)
    refused = client.post(f"/api/v1/staff/appointments/{appointment['appointment_id']}/no_show", headers=agent)
    assert refused.status_code == 409
