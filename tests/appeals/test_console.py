"""The appeals desk pages (test client with cookies and CSRF): the dispatcher's queue with the suggestion,
dispatch and merge from the list, a clerk's steps on the appeal page, refused steps as 4xx pages, the
clerks' departments page for an admin."""

from __future__ import annotations

from miniapp_api.identity.staff import create_staff
from tests.appeals.test_workflow_api import STREET, file
from tests.web.conftest import PASSWORD, Browser


def _signed_in(app, username: str, role: str, *departments: str) -> Browser:
    with app.app_context():
        create_staff(app.extensions["mongo"], username, PASSWORD, role, list(departments) or None)
    b = Browser(app.test_client())
    assert b.login(username, PASSWORD).status_code == 302
    return b


def _status(app, number: str) -> str:
    with app.app_context():
        return app.extensions["mongo"]["appeals"].find_one({"_id": number})["status"]


def test_dispatcher_sees_the_suggestion_and_dispatches_from_the_queue(app, client):
    number = file(client)["appeal_no"]  # 井盖 → 城市管理局
    desk = _signed_in(app, "wang.dispatch", "dispatcher")
    html = desk.get("/console/appeals/").get_data(as_text=True)
    assert number in html and STREET["what"][:20] in html
    row = html[html.index(f'data-appeal="{number}"') :]
    assert '<td class="suggested"><strong>城市管理局</strong>' in row[:2000]
    assert '<option value="城市管理局" selected>' in row[:6000]
    done = desk.post(f"/console/appeals/{number}/dispatch", {"department": "城市管理局"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/appeals/")
    assert _status(app, number) == "dispatched"
    again = desk.post(f"/console/appeals/{number}/dispatch", {"department": "城市管理局"})
    assert again.status_code == 409 and "不能「转办」" in again.get_data(as_text=True)  # the rule's message


def test_a_duplicate_is_merged_from_the_queue(app, client):
    first = file(client)["appeal_no"]
    second = file(client, contact="13900002222")["appeal_no"]  # a neighbour reports the same 井盖
    desk = _signed_in(app, "li.dispatch", "dispatcher")
    html = desk.get("/console/appeals/").get_data(as_text=True)
    row = html[html.index(f'data-appeal="{second}"') :]
    assert f'<option value="{first}">' in row[: row.index("</tr>")]  # offered as a likely duplicate
    assert desk.post(f"/console/appeals/{second}/merge", {"into": first, "reason": "同一井盖"}).status_code == 302
    assert _status(app, second) == "merged"


def test_a_clerk_accepts_asks_for_more_days_and_replies_on_the_appeal_page(app, client):
    number = file(client)["appeal_no"]
    desk = _signed_in(app, "zhao.dispatch", "dispatcher")
    desk.get("/console/appeals/")
    desk.post(f"/console/appeals/{number}/dispatch", {"department": "城市管理局"})
    clerk = _signed_in(app, "sun.clerk", "department", "城市管理局")
    listed = clerk.get("/console/appeals/").get_data(as_text=True)
    assert f'data-appeal="{number}"' in listed and "待转办（" not in listed  # no dispatcher queue for a clerk
    page = clerk.get(f"/console/appeals/{number}").get_data(as_text=True)
    assert 'id="btn-accept"' in page and 'id="btn-reply"' not in page and STREET["contact"] in page
    clerk.post(f"/console/appeals/{number}/accept")
    bad = clerk.post(f"/console/appeals/{number}/extension", {"days": "x", "reason": "核查"})
    assert bad.status_code == 400 and "天数" in bad.get_data(as_text=True)
    clerk.post(f"/console/appeals/{number}/extension", {"days": "3", "reason": "需要现场核查"})
    assert _status(app, number) == "extension_requested"
    queue = desk.get("/console/appeals/").get_data(as_text=True)
    assert "3 个工作日：需要现场核查" in queue
    desk.post(f"/console/appeals/{number}/approve", {"back": "list"})
    assert _status(app, number) == "accepted"
    page = clerk.get(f"/console/appeals/{number}").get_data(as_text=True)
    assert 'id="btn-reply"' in page and 'id="btn-extension"' not in page  # one extension only
    clerk.post(f"/console/appeals/{number}/reply", {"reason": "井盖已更换加固"})
    page = clerk.get(f"/console/appeals/{number}").get_data(as_text=True)
    assert _status(app, number) == "replied" and "井盖已更换加固" in page and "当前没有您可进行的操作" in page


def test_other_departments_and_roles_are_kept_out(app, client):
    number = file(client)["appeal_no"]
    police = _signed_in(app, "qian.police", "department", "公安局")
    page = police.get(f"/console/appeals/{number}").get_data(as_text=True)
    assert STREET["contact"] not in page and "仅 12345 派单员和当前承办部门可见" in page
    assert police.post(f"/console/appeals/{number}/dispatch", {"department": "公安局"}).status_code == 403
    assert police.post(f"/console/appeals/{number}/accept").status_code == 403
    editor = _signed_in(app, "zhou.editor", "editor")
    assert editor.get("/console/appeals/").status_code == 403
    assert police.get("/console/appeals/clerks").status_code == 403
    unsigned = app.test_client().get("/console/appeals/")
    assert unsigned.status_code == 302 and "/console/login" in unsigned.headers["Location"]
    no_token = police.post(f"/console/appeals/{number}/accept", token=False)
    assert no_token.status_code == 403 and "CSRF" in no_token.get_data(as_text=True)


def test_an_admin_binds_a_clerk_to_departments_on_the_clerks_page(app):
    _signed_in(app, "he.clerk", "department", "城市管理局")
    admin = Browser(app.test_client())
    assert admin.login("admin", "admin-pass-123").status_code == 302
    html = admin.get("/console/appeals/clerks").get_data(as_text=True)
    assert 'data-clerk="he.clerk"' in html
    response = admin.client.post("/console/appeals/clerks/he.clerk",
                                 data={"csrf_token": admin.token, "departments": ["公安局", "水务局"]})  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        account = app.extensions["mongo"]["staff"].find_one({"username": "he.clerk"})
        entry = app.extensions["mongo"]["audit"].find_one({"action": "appeal.bind_departments", "code": "he.clerk"})
    assert account["departments"] == ["公安局", "水务局"]
    assert entry["user"] == "admin" and entry["detail"]["before"] == ["城市管理局"]
    none = admin.client.post("/console/appeals/clerks/he.clerk", data={"csrf_token": admin.token})
    assert none.status_code == 400  # a clerk bound to nothing is refused
