"""Coalesced commands: concurrent callers share round trips, each gets exactly its own answer."""

import threading
import uuid

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from miniapp_api.core.redis_batch import CoalescingClient


class CountingClient(CoalescingClient):
    """The coalescing client that counts its round trips and can hold the first one back."""

    def __init__(self, client: redis.Redis):
        super().__init__(client)
        self.round_trips = 0
        self.hold = threading.Event()
        self.hold.set()

    def _round_trip(self, commands):
        self.round_trips += 1
        self.hold.wait(5)
        return super()._round_trip(commands)


def run_behind_a_stalled_first(c: CountingClient, first, queued: list) -> None:
    """Start ``first``; while its round trip stalls, start every ``queued`` call and wait until all
    of them are queued behind it; then let Redis answer and wait for everyone."""
    c.hold.clear()
    threads = [threading.Thread(target=first)]
    threads[0].start()
    while c.round_trips == 0:
        threading.Event().wait(0.001)
    threads += [threading.Thread(target=fn) for fn in queued]
    for t in threads[1:]:
        t.start()
    while len(c._queue) < len(queued):
        threading.Event().wait(0.001)
    c.hold.set()
    for t in threads:
        t.join(5)


@pytest.fixture
def client():
    plain = redis.Redis.from_url("redis://127.0.0.1:6379/15", decode_responses=True)
    prefix = f"batch-test:{uuid.uuid4().hex}:"
    yield plain, CountingClient(plain), prefix
    keys = list(plain.scan_iter(f"{prefix}*"))
    if keys:
        plain.delete(*keys)


def test_threads_arriving_during_a_round_trip_share_the_next_one(client):
    plain, reader, prefix = client
    for i in range(20):
        plain.set(f"{prefix}{i}", f"v{i}")
    results: dict[int, list] = {}
    run_behind_a_stalled_first(
        reader,
        lambda: results.__setitem__(0, reader.mget([f"{prefix}0", f"{prefix}missing"])),
        [lambda i=i: results.__setitem__(i, reader.mget([f"{prefix}{i}", f"{prefix}{i}"])) for i in range(1, 20)],
    )
    assert results[0] == ["v0", None]
    assert all(results[i] == [f"v{i}", f"v{i}"] for i in range(1, 20))
    assert reader.round_trips == 2  # one for the first reader, one for the 19 that queued meanwhile


def test_an_idle_reader_sends_at_once_and_errors_reach_every_waiter(client):
    plain, reader, prefix = client
    plain.set(f"{prefix}a", "1")
    assert reader.mget([f"{prefix}a"]) == ["1"]
    assert reader.round_trips == 1

    no_retry = Retry(NoBackoff(), 0)
    broken = CoalescingClient(redis.Redis(port=1, socket_connect_timeout=0.2, retry=no_retry))  # nothing listens
    errors = []

    def read():
        try:
            broken.mget(["x"])
        except redis.ConnectionError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(errors) == 5 and not any(t.is_alive() for t in threads)
    assert broken._queue == [] and broken._busy is False  # and the reader is usable again


def test_an_error_in_one_batched_command_is_only_its_callers(client):
    plain, reader, prefix = client
    plain.set(f"{prefix}k", "v")
    outcomes: dict[str, object] = {}

    def call(name, fn):
        try:
            outcomes[name] = fn()
        except redis.ResponseError as exc:
            outcomes[name] = exc

    run_behind_a_stalled_first(
        reader, lambda: call("first", lambda: reader.mget([f"{prefix}k"])),
        [lambda: call("noscript", lambda: reader.evalsha("0" * 40, [], [])),
         lambda: call("mget", lambda: reader.mget([f"{prefix}k", f"{prefix}x"]))],
    )  # fmt: skip
    assert outcomes["first"] == ["v"] and outcomes["mget"] == ["v", None]
    assert isinstance(outcomes["noscript"], redis.exceptions.NoScriptError)
    assert reader.round_trips == 2
    # the error reply was read in its turn: the connection is still in step with its replies
    assert reader.mget([f"{prefix}k"]) == ["v"]


def test_a_dropped_connection_fails_a_script_batch_only_and_reads_reconnect(client):
    plain, reader, prefix = client
    plain.set(f"{prefix}k", "v")
    sha = plain.script_load("return 1")

    def drop() -> None:  # as a Redis restart drops every connection
        reader._conn.send_command("CLIENT", "ID")
        assert plain.client_kill_filter(_id=reader._conn.read_response()) == 1

    assert reader.mget([f"{prefix}k"]) == ["v"]
    drop()
    assert reader.mget([f"{prefix}k"]) == ["v"]  # a read is sent again on a new connection
    drop()
    with pytest.raises(redis.ConnectionError):  # a script that may have run is not run twice
        reader.evalsha(sha, [], [])
    assert reader._busy is False and reader._queue == []
    assert reader.evalsha(sha, [], []) == 1  # a new connection, no stale reply in the way
