"""Shared fixtures: an app on the in-memory Mongo and the real Redis (unique key prefix per test)."""

from __future__ import annotations

import uuid

import pytest
import redis

from tests.factories import seeded_app, staff_token

REDIS_URL = "redis://127.0.0.1:6379/15"


def _cleanup(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def app_config(tmp_path):
    prefix = f"test:{uuid.uuid4().hex[:8]}:"
    config = {
        "TESTING": True,
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": prefix,
        "JIEBA_DICT_DIR": str(tmp_path / "jieba_dict"),
        "BOOTSTRAP_ADMIN": "admin:admin-pass-123",
        "KB_SYNC_INTERVAL": 0.0,
    }
    yield config
    _cleanup(prefix)


@pytest.fixture
def app(app_config):
    return seeded_app(app_config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def admin(client):
    return staff_token(client)
