"""Console tests: signed-in browsers (test clients that keep cookies and send the form's CSRF token)."""

from __future__ import annotations

import re
import uuid

import pytest

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "Kx9-harbour-lantern"


def csrf_of(html: str) -> str:
    match = TOKEN_RE.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


class Browser:
    """A test client that behaves like a browser on the console: keeps cookies, sends form tokens."""

    def __init__(self, client) -> None:
        self.client = client
        self.token = ""

    def get(self, url: str, **kwargs):
        response = self.client.get(url, **kwargs)
        match = TOKEN_RE.search(response.get_data(as_text=True))
        if match:
            self.token = match.group(1)
        return response

    def post(self, url: str, data: dict | None = None, token: bool = True, **kwargs):
        form = dict(data or {})
        if token:
            form.setdefault("csrf_token", self.token)
        return self.client.post(url, data=form, **kwargs)

    def login(self, username: str, password: str):
        self.get("/console/login")
        return self.post("/console/login", {"username": username, "password": password})


def make_account(app, role: str, username: str | None = None) -> str:
    from miniapp_api.identity.staff import create_staff

    username = username or f"{role}-{uuid.uuid4().hex[:6]}"
    with app.app_context():
        create_staff(app.extensions["mongo"], username, PASSWORD, role)
    return username


@pytest.fixture
def browser(app):
    def signed_in(role: str | None = None, username: str | None = None) -> Browser:
        b = Browser(app.test_client())
        if role is None:
            assert b.login("admin", "admin-pass-123").status_code == 302
        else:
            name = make_account(app, role, username)
            assert b.login(name, PASSWORD).status_code == 302
            b.username = name
        return b

    return signed_in
