"""Small factories that build test data through the public API."""

from __future__ import annotations

import copy
import uuid

from flask import Flask

from miniapp_api import create_app, startup


def seeded_app(config: dict) -> Flask:
    """An app seeded as the web app is at start (guides, bootstrap admin, demo hall, demo cases)."""
    app = create_app(config)
    startup.seed(app)
    return app


def staff_token(client, username: str = "admin", password: str = "admin-pass-123") -> dict:
    """Log in and return the Authorization header."""
    response = client.post("/api/v1/staff/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def make_staff(client, admin_headers: dict, role: str, username: str | None = None) -> dict:
    """Factory: create a staff account with ``role`` and return its Authorization header."""
    username = username or f"{role}-{uuid.uuid4().hex[:6]}"
    response = client.post(
        "/api/v1/staff/users", json={"username": username, "password": "Window-desk-passphrase-2026", "role": role},
        headers=admin_headers,
    )
    assert response.status_code == 201, response.get_json()
    return staff_token(client, username, "Window-desk-passphrase-2026")


def edited_guide(client, source: str, **changes) -> dict:
    """The published guide ``source`` with ``changes`` applied, ready to PUT as a draft."""
    guide = copy.deepcopy(client.get(f"/api/v1/guides/{source}").get_json())
    guide.update(changes)
    return guide
