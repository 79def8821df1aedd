"""Coalesced Redis reads: concurrent MGETs from a worker's threads share one round trip.

Hot read paths (case lookup) need one fresh Redis read per request: the guessing counters must be
exact across workers, so they cannot be cached. Under load most of that read's cost is the round
trip itself (two context switches, the Redis event loop, the GIL handed back and forth), not the
bytes. So reads are grouped the way databases group commits: the first thread to ask becomes the
leader and sends every MGET queued so far as one pipeline; threads that arrive while it waits queue
up, and when the reply is in, the first of them leads the next batch. An idle worker sends a batch
of one at once (no added latency, no timer). Each MGET still reads its own keys atomically;
nothing is cached, so results are exactly as fresh as a plain MGET.
"""

from __future__ import annotations

import threading
from typing import Any

import redis


class _Pending:
    __slots__ = ("keys", "result", "error", "done", "lead")

    def __init__(self, keys: list[str]):
        self.keys = keys
        self.result: list[Any] | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.lead = False  # set instead of a result: this waiter sends the next batch


class CoalescingReader:
    def __init__(self, client: redis.Redis):
        self._client = client
        self._lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._busy = False  # a leader is sending a batch

    def mget(self, keys: list[str]) -> list[Any]:
        mine = _Pending(keys)
        with self._lock:
            self._queue.append(mine)
            lead = not self._busy
            self._busy = True
        if not lead:
            mine.done.wait()
            if not mine.lead:
                return self._outcome(mine)
        self._send_batch(mine)
        return self._outcome(mine)

    def _send_batch(self, mine: _Pending) -> None:
        """Send everything queued (this thread's own request is in it), then hand over the lead."""
        with self._lock:
            batch, self._queue = self._queue, []
        try:
            if len(batch) == 1:  # a plain MGET costs less than a pipeline of one
                results = [self._client.mget(batch[0].keys)]
            else:
                pipe = self._client.pipeline(transaction=False)
                for pending in batch:
                    pipe.mget(pending.keys)
                results = pipe.execute()
        except BaseException as exc:  # every waiter of this batch gets the error, nobody hangs
            for pending in batch:
                pending.error = exc
        else:
            for pending, result in zip(batch, results, strict=True):
                pending.result = result
        for pending in batch:
            if pending is not mine:
                pending.done.set()
        with self._lock:
            if self._queue:
                successor = self._queue[0]
                successor.lead = True
                successor.done.set()
            else:
                self._busy = False

    @staticmethod
    def _outcome(pending: _Pending) -> list[Any]:
        if pending.error is not None:
            raise pending.error
        return pending.result  # type: ignore[return-value]
