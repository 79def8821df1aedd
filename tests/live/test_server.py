"""The live server against real Redis (db 15), started in-process on a free port."""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from miniapp_api.live.background import BackgroundLiveServer
from miniapp_api.live.publish import channel, publish
from miniapp_api.live.tickets import make_ticket
from tests.live.sse import SSEClient

REDIS_URL = "redis://127.0.0.1:6379/15"
SECRET = "live-test-secret"


@pytest.fixture
def rds():
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def prefix():
    return f"test:{uuid.uuid4().hex[:8]}:"


@pytest.fixture
def live(prefix):
    with BackgroundLiveServer(REDIS_URL, prefix, SECRET, heartbeat=0.3) as server:
        yield server


def connect(live, topics, ticket=None):
    path = f"/live/{topics}" + (f"?ticket={ticket}" if ticket else "")
    client = SSEClient(live.port, path)
    if client.status == 200:
        greeting = client.frame()
        assert greeting["retry"] == 3000 and "connected" in greeting["comment"]
    return client


def test_published_event_reaches_a_ticketed_client(live, rds, prefix):
    client = connect(live, "guides", make_ticket(SECRET, ["guides"], "editor"))
    sent_at = time.time()
    assert publish(rds, prefix, "guides", {"type": "published", "item_code": "GR-006", "version": 7}) == 1
    frame = client.next_data()
    assert frame["data"]["topic"] == "guides"
    assert frame["data"]["data"] == {"type": "published", "item_code": "GR-006", "version": 7}
    assert sent_at - 1 <= frame["data"]["ts"] <= time.time()
    client.close()


def test_public_topic_needs_no_ticket_and_other_prefixes_do_not_leak(live, rds, prefix):
    client = connect(live, "public.hall.jc-main")
    # Same topic on another deployment's prefix must not arrive here.
    publish(rds, f"other:{uuid.uuid4().hex[:6]}:", "public.hall.jc-main", {"called": "A999"})
    publish(rds, prefix, "public.hall.jc-main", {"called": "A001", "window": 3})
    assert client.next_data()["data"]["data"] == {"called": "A001", "window": 3}
    client.close()


@pytest.mark.parametrize("case,code", [
    ("missing", "ticket_required"),
    ("forged", "ticket_invalid"),
    ("other_secret", "ticket_invalid"),
    ("expired", "ticket_expired"),
    ("wrong_topic", "topic_forbidden"),
])
def test_bad_or_expired_ticket_is_403(live, case, code):
    tickets = {
        "missing": None,
        "forged": make_ticket(SECRET, ["guides"], "editor")[:-4] + "AAAA",
        "other_secret": make_ticket("not-our-secret", ["guides"], "editor"),
        "expired": make_ticket(SECRET, ["guides"], "editor", ttl=60, now=time.time() - 61),
        "wrong_topic": make_ticket(SECRET, ["kb.unanswered"], "editor"),
    }
    client = connect(live, "guides,public.hall.jc-main", tickets[case])
    assert client.status == 403
    body = client.json()
    assert body["error"]["code"] == code
    assert body["error"]["field"] in {"ticket", "topics"}
    assert live.call(lambda: live.hub.count) == 0


@pytest.mark.parametrize("topics", ["Guides", "a b", "x" * 81, ",".join(f"t{i}" for i in range(17))])
def test_invalid_topic_is_400(live, topics):
    client = SSEClient(live.port, f"/live/{topics.replace(' ', '%20')}")
    assert client.status == 400
    assert client.json()["error"] == {"code": "invalid_topic", "field": "topics",
                                      "message": "topics are 1..16 names like guides or public.hall.jc-main"}


def test_many_clients_share_one_subscription(live, rds, prefix):
    ticket = make_ticket(SECRET, ["guides", "kb.unanswered", "cases.lamps"], "admin")
    topics = ["kb.unanswered", "cases.lamps", "guides"]
    clients = [(topics[i % 3], connect(live, topics[i % 3], ticket)) for i in range(60)]
    assert live.call(lambda: live.hub.count) == 60
    assert dict(rds.pubsub_numsub(channel(prefix))) == {channel(prefix).encode(): 1}
    assert publish(rds, prefix, "kb.unanswered", {"n": 1}) == 1  # one receiving process, not 60 subscribers
    publish(rds, prefix, "cases.lamps", {"n": 2})
    publish(rds, prefix, "guides", {"n": 3})
    for topic, client in clients:
        # Each client sees only its own topic's event: the first data frame is its topic's.
        frame = client.next_data()
        assert frame["data"]["topic"] == topic
        assert frame["data"]["data"] == {"n": topics.index(topic) + 1}
    assert live.call(lambda: live.hub.delivered) == 60
    for _, client in clients:
        client.close()


def test_one_connection_follows_several_topics(live, rds, prefix):
    client = connect(live, "guides,public.hall.jc-main", make_ticket(SECRET, ["guides"], "editor"))
    publish(rds, prefix, "public.hall.jc-main", {"n": 1})
    publish(rds, prefix, "guides", {"n": 2})
    assert [client.next_data()["data"]["topic"] for _ in range(2)] == ["public.hall.jc-main", "guides"]
    client.close()


def test_heartbeat_and_departed_clients_are_dropped(live):
    client = connect(live, "public.x")
    assert client.frame()["comment"] == ["ping"]  # heartbeat 0.3 s
    assert live.call(lambda: live.hub.count) == 1
    client.close()
    deadline = time.time() + 3
    while live.call(lambda: live.hub.count) and time.time() < deadline:
        time.sleep(0.05)
    assert live.call(lambda: live.hub.count) == 0  # found out at the next heartbeat write


def test_resync_after_the_redis_subscription_is_lost(live, rds, prefix):
    client = connect(live, "public.x")
    name = live.hub.client_name
    ids = [c["id"] for c in rds.client_list() if c.get("name") == name]
    assert ids, "the hub's pub/sub connection carries its client name"
    for client_id in ids:
        rds.client_kill_filter(_id=client_id)
    frame = client.next_data()
    assert frame["event"] == "resync"
    # And it is subscribed again: events flow.
    deadline = time.time() + 5
    while not live.call(lambda: live.hub.subscribed.is_set()) and time.time() < deadline:
        time.sleep(0.05)
    publish(rds, prefix, "public.x", {"after": "reconnect"})
    assert client.next_data()["data"]["data"] == {"after": "reconnect"}
    client.close()


def test_connection_limit_answers_503(prefix):
    with BackgroundLiveServer(REDIS_URL, prefix, SECRET, heartbeat=5, max_clients=2) as server:
        first, second = connect(server, "public.x"), connect(server, "public.x")
        third = SSEClient(server.port, "/live/public.x")
        assert third.status == 503 and third.json()["error"]["code"] == "live_full"
        first.close()
        second.close()


def test_healthz_reports_the_subscription(live):
    client = SSEClient(live.port, "/healthz")
    assert client.status == 200
    assert client.json() == {"subscribed": True, "clients": 0, "topics": 0, "delivered": 0, "dropped_slow": 0}
