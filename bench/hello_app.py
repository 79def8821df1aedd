"""The bare ceilings for the load benchmark, served under the same gunicorn settings as the API:
a Flask hello-world, and the same plus one fresh Redis read (an MGET of 5 keys through the API's
coalesced client), the least any endpoint pays whose answer needs shared state checked per request
(the case lookup's guessing counters)."""

from __future__ import annotations

import os

import redis
from flask import Flask, jsonify

from miniapp_api.core.redis_batch import CoalescingClient

app = Flask(__name__)
_redis = CoalescingClient(redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
                                               decode_responses=True))  # fmt: skip
_KEYS = [f"{os.environ.get('REDIS_PREFIX', 'bench:')}hello:{i}" for i in range(5)]


@app.get("/hello")
def hello():
    return jsonify({"hello": "江川"})


@app.get("/hello-redis")
def hello_redis():
    return jsonify({"hello": "江川", "values": _redis.mget(_KEYS)})
