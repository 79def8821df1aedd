"""publish(): message format and error handling."""

from __future__ import annotations

import json

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from miniapp_api.live.publish import encode, publish, publish_quietly


def test_encode_is_one_line_of_json_even_with_newlines_in_the_event():
    text = encode("guides", {"note": "第一行\n第二行\r"}, ts=12.5)
    assert "\n" not in text and "\r" not in text
    assert json.loads(text) == {"topic": "guides", "ts": 12.5, "data": {"note": "第一行\n第二行\r"}}


@pytest.mark.parametrize("topic", ["", "Guides", "a,b", "a/b", "*"])
def test_bad_topics_are_refused(topic):
    with pytest.raises(ValueError):
        encode(topic, {})


def test_publish_without_a_live_server_reaches_no_one():
    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    assert publish(client, "test:nobody-listens:", "guides", {"x": 1}) == 0


def test_publish_quietly_survives_redis_being_down(caplog):
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    assert publish_quietly(dead, "gs:", "guides", {"secret": "x"}) == 0
    assert "live publish on guides failed" in caplog.text
    with pytest.raises(redis.RedisError):
        publish(dead, "gs:", "guides", {})
