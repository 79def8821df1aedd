"""Issue 13, item 2: the REST channel answers only the API (RASA_TOKEN) and the action server only Rasa
(ACTIONS_TOKEN); without the variable both refuse everything."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from rasa_sdk.endpoint import create_app
from sanic import Sanic
from sanic.exceptions import Unauthorized

from actions import server_auth
from addons.rest_channel import RestInput

Sanic.test_mode = True  # create_app below names its app "rasa_sdk" again


def _channel_request(authorization: str | None):
    headers = {"Authorization": authorization} if authorization is not None else {}
    return SimpleNamespace(headers=headers, json={"sender": "c-1", "message": "你好"})


def test_rest_channel_needs_rasa_token(monkeypatch):
    monkeypatch.setenv("RASA_TOKEN", "rasa-secret")
    channel = RestInput()
    for refused in (None, "Bearer wrong", "rasa-secret", "Bearer "):
        with pytest.raises(Unauthorized):
            asyncio.run(channel._extract_sender(_channel_request(refused)))
    assert asyncio.run(channel._extract_sender(_channel_request("Bearer rasa-secret"))) == "c-1"


def test_rest_channel_without_a_token_configured_refuses_all(monkeypatch):
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    with pytest.raises(Unauthorized):
        asyncio.run(RestInput()._extract_sender(_channel_request("Bearer ")))


def _action_request(path: str, token: str | None = None):
    return SimpleNamespace(path=path, headers={}, args={"token": token} if token else {})


def test_action_server_needs_actions_token(monkeypatch):
    monkeypatch.setenv("ACTIONS_TOKEN", "actions-secret")
    app = create_app("actions")  # as `rasa run actions` does; the package was imported before, so install by hand
    assert server_auth.install() is True
    assert server_auth._require_token in [m.func if hasattr(m, "func") else m for m in app.request_middleware]
    check = server_auth._require_token
    assert asyncio.run(check(_action_request("/health"))) is None  # liveness stays open
    assert asyncio.run(check(_action_request("/webhook"))).status == 401
    assert asyncio.run(check(_action_request("/webhook", "nope"))).status == 401
    assert asyncio.run(check(_action_request("/webhook", "actions-secret"))) is None
    monkeypatch.delenv("ACTIONS_TOKEN")
    assert asyncio.run(check(_action_request("/webhook", ""))).status == 401  # unset: refuses everything


def test_outside_the_action_server_install_does_nothing():
    Sanic._app_registry.pop("rasa_sdk", None)
    assert server_auth.install() is False
