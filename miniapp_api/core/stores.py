"""MongoDB and Redis handles, attached to the app by ``init_app`` (never at import time)."""

from __future__ import annotations

import logging

import redis
from flask import Flask, current_app
from pymongo.database import Database

from miniapp_api.core.redis_batch import CoalescingClient

log = logging.getLogger(__name__)


def _mongo_client(uri: str):
    if uri:
        from pymongo import MongoClient

        return MongoClient(uri, serverSelectionTimeoutMS=3000, tz_aware=True)
    from miniapp_api.core.mongo_memory import memory_client

    # Same pymongo API, but the data lives in this process's memory only.
    return memory_client()


def init_app(app: Flask) -> None:
    cfg = app.config
    client = _mongo_client(cfg["MONGO_URI"])
    app.extensions["mongo_client"] = client
    app.extensions["mongo"] = client[cfg["MONGO_DB"]]
    app.extensions["redis"] = redis.Redis.from_url(
        cfg["REDIS_URL"], decode_responses=True, socket_timeout=5, health_check_interval=30
    )
    app.extensions["redis_coalesced"] = CoalescingClient(app.extensions["redis"])
    if cfg["MONGO_URI"]:
        log.info("MongoDB: %s (database %s)", _redact(cfg["MONGO_URI"]), cfg["MONGO_DB"])
    else:
        log.warning(
            "MongoDB: MONGO_URI is not set, using an IN-MEMORY mongomock database; "
            "all data is lost when this process stops"
        )


def _redact(uri: str) -> str:
    if "@" in uri:
        scheme, rest = uri.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return uri


def mongo() -> Database:
    return current_app.extensions["mongo"]


def rds() -> redis.Redis:
    return current_app.extensions["redis"]


def rds_coalesced() -> CoalescingClient:
    """Redis for hot paths: commands of this worker's threads share round trips (see redis_batch)."""
    return current_app.extensions["redis_coalesced"]


def rkey(*parts: str) -> str:
    """A Redis key under this deployment's prefix."""
    return current_app.config["REDIS_PREFIX"] + ":".join(parts)
