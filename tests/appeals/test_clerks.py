"""Which departments a department clerk is bound to: changed by an admin, checked, audited, effective at once."""

from __future__ import annotations

from miniapp_api.core.audit import audit_entries
from miniapp_api.core.stores import mongo
from tests.appeals.conftest import PASSWORD
from tests.appeals.test_workflow_api import file, step
from tests.factories import staff_token


def _clerk(client, admin, name: str, *departments: str) -> dict:
    body = {"username": name, "password": PASSWORD, "role": "department", "departments": list(departments)}
    assert client.post("/api/v1/staff/users", headers=admin, json=body).status_code == 201
    return staff_token(client, name, PASSWORD)


def _bind(client, headers, name: str, departments, expect: int = 200) -> dict:
    response = client.put(f"/api/v1/staff/appeals/clerks/{name}/departments", json={"departments": departments},
                          headers=headers)  # fmt: skip
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def test_an_admin_moves_a_clerk_to_another_department_and_it_counts_at_the_next_request(app, client, admin, dispatcher):
    clerk = _clerk(client, admin, "clerk-binding", "城市管理局")
    number = file(client)["appeal_no"]
    step(client, dispatcher, number, "dispatch", department="城市管理局")
    listed = client.get("/api/v1/staff/appeals", headers=clerk).get_json()["appeals"]
    assert [a["appeal_no"] for a in listed] == [number]

    changed = _bind(client, admin, "clerk-binding", ["公安局", "水务局", "公安局"])
    assert changed == {"username": "clerk-binding", "departments": ["公安局", "水务局"], "before": ["城市管理局"]}
    # the same token: the account is read on every request, so the old department's appeal is gone
    assert client.get("/api/v1/staff/appeals", headers=clerk).get_json()["appeals"] == []
    assert step(client, clerk, number, "accept", expect=403)["error"]["field"] == "department"
    detail = client.get(f"/api/v1/staff/appeals/{number}", headers=clerk).get_json()
    assert detail["private"] is False and "what" not in detail  # its text is no longer theirs to read

    clerks = client.get("/api/v1/staff/appeals/clerks", headers=admin).get_json()
    assert {"username": "clerk-binding", "departments": ["公安局", "水务局"], "active": True} in clerks["clerks"]
    assert "城市管理局" in clerks["departments"]
    with app.app_context():
        entry = audit_entries(mongo(), "clerk-binding")[0]
    assert entry["action"] == "appeal.bind_departments" and entry["user"] == "admin"
    assert entry["detail"] == {"before": ["城市管理局"], "after": ["公安局", "水务局"]}


def test_bad_bindings_are_refused_and_name_the_field(client, admin, dispatcher):
    clerk = _clerk(client, admin, "clerk-refused", "城市管理局")
    assert _bind(client, admin, "clerk-refused", ["不存在局"], 400)["error"] == {
        "code": "unknown_department", "field": "departments", "message": "未知的部门 '不存在局'"}  # fmt: skip
    assert _bind(client, admin, "clerk-refused", [], 400)["error"]["field"] == "departments"
    assert _bind(client, admin, "clerk-refused", ["  "], 400)["error"]["field"] == "departments"
    assert _bind(client, admin, "nobody-here", ["公安局"], 404)["error"]["field"] == "username"
    assert _bind(client, admin, "admin", ["公安局"], 400)["error"]["code"] == "not_a_department_account"
    for headers in (dispatcher, clerk):  # only an admin binds
        assert _bind(client, headers, "clerk-refused", ["公安局"], 403)["error"]["code"] == "forbidden"
    assert client.get("/api/v1/staff/appeals/clerks", headers=dispatcher).status_code == 403
    unchanged = client.get("/api/v1/staff/appeals/clerks", headers=admin).get_json()["clerks"]
    assert {"username": "clerk-refused", "departments": ["城市管理局"], "active": True} in unchanged


def test_the_account_api_does_not_leave_a_clerk_without_departments(client, admin):
    _clerk(client, admin, "clerk-patch", "城市管理局")
    emptied = client.patch("/api/v1/staff/users/clerk-patch", json={"departments": []}, headers=admin)
    assert emptied.status_code == 400 and emptied.get_json()["error"]["field"] == "departments"
    made = client.patch("/api/v1/staff/users/admin", json={"role": "department"}, headers=admin)
    assert made.status_code == 400 and made.get_json()["error"]["field"] == "departments"
    moved = client.patch("/api/v1/staff/users/clerk-patch", json={"departments": ["水务局"]}, headers=admin)
    assert moved.status_code == 200 and moved.get_json()["departments"] == ["水务局"]
