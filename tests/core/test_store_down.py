"""Redis unreachable (restarting): the API answers 503 store_unavailable with Retry-After, not a 500."""

from __future__ import annotations

import redis

from miniapp_api.core.redis_batch import CoalescingClient
from tests.faults.procs import free_port


def test_redis_down_is_a_503_not_a_500(app, client):
    dead = redis.Redis(port=free_port(), decode_responses=True, socket_connect_timeout=0.5)
    app.extensions["redis"] = dead
    app.extensions["redis_coalesced"] = CoalescingClient(dead)
    response = client.get("/api/v1/halls/jc-main/slots?item_code=GR-006&date=2026-12-01")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "store_unavailable" and response.headers["Retry-After"] == "1"
