"""Sign-in, session cookie, CSRF, sign-out, idle timeout, role menus, accounts."""

from __future__ import annotations

import pytest

from tests.web.conftest import PASSWORD, Browser


def test_site_root_leads_to_sign_in(client):
    first = client.get("/")
    assert first.status_code == 302 and first.headers["Location"].endswith("/console/")
    second = client.get("/console/")
    assert second.status_code == 302 and "/console/login" in second.headers["Location"]
    page = client.get("/console/login")
    assert page.status_code == 200 and "工作人员登录" in page.get_data(as_text=True)


def test_wrong_password_is_refused_on_the_page(app):
    b = Browser(app.test_client())
    response = b.login("admin", "not-the-password")
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)
    assert "gs_console" not in (response.headers.get("Set-Cookie") or "")


def test_session_cookie_flags_and_secure_behind_https(app):
    b = Browser(app.test_client())
    response = b.login("admin", "admin-pass-123")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("gs_console="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = Browser(app.test_client())
    https.get("/console/login", base_url="https://localhost")
    secure = https.post("/console/login", {"username": "admin", "password": "admin-pass-123"},
                        base_url="https://localhost")
    cookie = next(c for c in secure.headers.getlist("Set-Cookie") if c.startswith("gs_console="))
    assert "Secure" in cookie


def test_post_without_csrf_token_is_refused(app, browser):
    anonymous = Browser(app.test_client())
    anonymous.get("/console/login")
    refused = anonymous.post("/console/login", {"username": "admin", "password": "admin-pass-123"}, token=False)
    assert refused.status_code == 403 and "CSRF" in refused.get_data(as_text=True)
    admin = browser()
    admin.get("/console/accounts")
    forged = admin.post("/console/accounts", {"username": "mallory", "password": PASSWORD, "role": "admin"},
                        token=False)
    assert forged.status_code == 403
    wrong = admin.post("/console/accounts", {"username": "mallory", "password": PASSWORD, "role": "admin",
                                             "csrf_token": "0" * 64})
    assert wrong.status_code == 403
    with app.app_context():
        assert app.extensions["mongo"]["staff"].find_one({"username": "mallory"}) is None


def test_sign_out_ends_the_session_everywhere(app, browser):
    admin = browser()
    assert admin.get("/console/accounts").status_code == 200
    cookie = admin.client.get_cookie("gs_console").value
    assert admin.post("/console/logout").status_code == 302
    assert admin.get("/console/accounts").status_code == 302
    replay = app.test_client()
    replay.set_cookie("gs_console", cookie)  # the old cookie is dead on the server, not only in this browser
    assert replay.get("/console/accounts").status_code == 302


def test_idle_timeout_is_the_session_ttl_renewed_by_each_request(app, browser):
    import hashlib

    admin = browser()
    token = admin.client.get_cookie("gs_console").value
    key = app.config["REDIS_PREFIX"] + "web:idle:" + hashlib.sha256(token.encode()).hexdigest()
    rds = app.extensions["redis"]
    idle = int(app.config["WEB_IDLE_MINUTES"]) * 60
    rds.expire(key, 5)
    assert admin.get("/console/accounts").status_code == 200
    assert idle - 2 <= rds.ttl(key) <= idle  # renewed
    rds.expire(key, 5)
    auto = admin.get("/console/guides/?partial=rows", headers={"X-Console-Auto": "1", "HX-Request": "true"})
    assert auto.status_code == 200 and rds.ttl(key) <= 5  # a page refreshing itself is not activity
    rds.delete(key)  # what the TTL does after the idle time
    assert admin.get("/console/accounts").status_code == 302
    # ... and the token behind the cookie is ended with it: it opens neither the console nor the JSON API.
    assert app.test_client().get("/api/v1/staff/audit", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_disabling_an_account_through_the_json_api_ends_its_console_session(app, browser, admin):
    editor = browser("editor")
    assert editor.get("/console/guides/").status_code == 200
    response = app.test_client().patch(f"/api/v1/staff/users/{editor.username}", json={"active": False},
                                       headers=admin)
    assert response.status_code == 200, response.get_json()
    assert editor.get("/console/guides/").status_code == 302


@pytest.mark.parametrize("role,sees,not_sees", [
    ("editor", ["办事指南", "知识库"], ["账号管理", "效能督查", "运行看板"]),
    ("publisher", ["办事指南", "知识库", "运行看板"], ["账号管理", "效能督查"]),
    ("agent", ["好差评与回访"], ["办事指南", "知识库", "账号管理"]),
    ("backoffice", ["效能督查", "好差评与回访", "运行看板"], ["办事指南", "账号管理"]),
    ("admin", ["办事指南", "知识库", "效能督查", "好差评与回访", "运行看板", "账号管理"], []),
])
def test_menus_by_role(browser, role, sees, not_sees):
    b = browser(role)
    home = b.get("/console/", follow_redirects=True)
    nav = home.get_data(as_text=True).split('<nav class="side"')[1].split("</nav>")[0]
    for label in sees:
        assert label in nav
    for label in not_sees:
        assert label not in nav


@pytest.mark.parametrize("role,url", [("editor", "/console/accounts"), ("editor", "/console/supervision/"),
                                      ("agent", "/console/guides/"), ("backoffice", "/console/kb/")])
def test_pages_outside_the_role_are_403(browser, role, url):
    response = browser(role).get(url)
    assert response.status_code == 403 and "无权访问" in response.get_data(as_text=True)


def test_open_redirect_after_login_is_refused(app):
    b = Browser(app.test_client())
    b.get("/console/login")
    response = b.post("/console/login", {"username": "admin", "password": "admin-pass-123",
                                         "next": "//evil.example/x"})
    assert response.headers["Location"] == "/console/"


def test_admin_manages_accounts(app, browser):
    admin = browser()
    admin.get("/console/accounts")
    weak = admin.post("/console/accounts", {"username": "wang.wu", "password": "123", "role": "editor"})
    assert weak.status_code == 400
    assert 'type="password" autocomplete="new-password" required class="invalid"' in weak.get_data(as_text=True)
    made = admin.post("/console/accounts", {"username": "wang.wu", "password": PASSWORD, "role": "editor"})
    assert made.status_code == 302
    wang = Browser(app.test_client())
    assert wang.login("wang.wu", PASSWORD).status_code == 302
    assert wang.get("/console/guides/").status_code == 200
    admin.get("/console/accounts")
    assert admin.post("/console/accounts/wang.wu", {"role": "agent", "active": "1"}).status_code == 302
    assert wang.get("/console/guides/").status_code == 302  # signed out by the role change
    assert wang.login("wang.wu", PASSWORD).status_code == 302
    assert wang.get("/console/guides/").status_code == 403  # now an agent
    admin.get("/console/accounts")
    admin.post("/console/accounts/wang.wu", {"role": "agent", "active": "0"})
    assert wang.login("wang.wu", PASSWORD).status_code == 401  # disabled


def test_admin_cannot_lock_themselves_out(browser):
    admin = browser()
    admin.get("/console/accounts")
    response = admin.post("/console/accounts/admin", {"role": "editor", "active": "1"})
    assert response.status_code == 400 and "管理员" in response.get_data(as_text=True)


def test_live_ticket_covers_the_page_topics(app, browser):
    from miniapp_api.live.tickets import check_ticket

    editor = browser("editor")
    page = editor.get("/console/guides/").get_data(as_text=True)
    ticket = page.split('data-live-ticket="')[1].split('"')[0]
    assert check_ticket(app.config["SECRET_KEY"], ticket).topics == ("guides",)
    fresh = editor.get("/console/live-ticket?topics=guides,kb.unanswered").get_json()
    assert set(check_ticket(app.config["SECRET_KEY"], fresh["ticket"]).topics) == {"guides", "kb.unanswered"}
    assert Browser(app.test_client()).get("/console/live-ticket?topics=guides").status_code == 302


def test_security_headers_on_console_pages(browser):
    response = browser("editor").get("/console/guides/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"

