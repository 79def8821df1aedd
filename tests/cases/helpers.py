"""Helpers shared by the case, notification and rating tests."""

from __future__ import annotations

import uuid

import redis

from tests.conftest import REDIS_URL
from tests.factories import make_staff

ID_1234 = "110105198705161234"  # valid checksum, last 4 = 1234
PHONE = "13812345678"


def resident(app, openid: str | None = None) -> dict:
    """A logged-in resident: {"resident_id", "openid", "headers"} (session issued directly)."""
    from miniapp_api.identity.resident_auth import issue_session

    openid = openid or f"o-{uuid.uuid4().hex[:12]}"
    with app.app_context():
        session = issue_session(openid)
    return {"resident_id": session["resident_id"], "openid": openid,
            "headers": {"Authorization": f"Bearer {session['token']}"}}  # fmt: skip


def backoffice(client, admin) -> dict:
    return make_staff(client, admin, "backoffice")


def new_case(client, headers, item_code: str = "GR-006", resident_id: str | None = None, **applicant) -> dict:
    body = {"item_code": item_code, "applicant": {"name": "测试", "id_number": ID_1234, "phone": PHONE, **applicant}}
    if resident_id:
        body["applicant"]["resident_id"] = resident_id
    response = client.post("/api/v1/backoffice/cases", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def advance(client, headers, case_no: str, *statuses: str, at: str | None = None) -> dict:
    data = None
    for status in statuses:
        body = {"status": status, "note": ""}
        if at:
            body["at"] = at
        response = client.post(f"/api/v1/backoffice/cases/{case_no}/events", json=body, headers=headers)
        assert response.status_code == 200, response.get_json()
        data = response.get_json()
    return data


def cleanup_rq(prefix: str) -> None:
    """RQ keys are not under our prefix (only the queue name is): remove this test's."""
    client = redis.Redis.from_url(REDIS_URL)
    keys = [k for k in client.scan_iter(match="rq:*", count=1000) if prefix.encode() in k]
    if keys:
        client.delete(*keys)
