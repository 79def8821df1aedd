"""Coalesced Redis commands: concurrent requests of one worker share round trips.

Hot paths (case lookup, booking) need fresh Redis answers: the guessing counters and the seat
counters must be exact across workers, so they cannot be cached. Under load most of a command's
cost is the round trip itself (two context switches, the Redis event loop, the GIL handed back and
forth), not the bytes. So commands are grouped the way databases group commits: the first thread
to ask becomes the leader and sends every command queued so far as one pipeline; threads that
arrive while it waits queue up, and when the reply is in, the first of them leads the next batch.
An idle worker sends a batch of one at once (no added latency, no timer).

Nothing changes for the commands: a pipeline without MULTI runs each command on its own, in order,
so an MGET still reads its keys atomically and a Lua script still runs alone; an error in one
command (a NOSCRIPT, say) is that caller's error only.
"""

from __future__ import annotations

import threading
from typing import Any

import redis


class _Pending:
    __slots__ = ("command", "result", "error", "done", "lead")

    def __init__(self, command: tuple):
        self.command = command
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.lead = False  # set instead of a result: this waiter sends the next batch


class CoalescingClient:
    def __init__(self, client: redis.Redis):
        self._client = client
        self._lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._busy = False  # a leader is sending a batch

    def mget(self, keys: list[str]) -> list[Any]:
        return self._call("MGET", *keys)

    def evalsha(self, sha: str, keys: list[str], args: list) -> Any:
        """Raises redis.exceptions.NoScriptError when Redis does not have the script (load it, retry)."""
        return self._call("EVALSHA", sha, len(keys), *keys, *args)

    def _call(self, *command) -> Any:
        mine = _Pending(command)
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
        """Send everything queued (this thread's own command is in it), then hand over the lead."""
        with self._lock:
            batch, self._queue = self._queue, []
        try:
            if len(batch) == 1:  # a plain command costs less than a pipeline of one
                results: list[Any] = [self._client.execute_command(*batch[0].command)]
            else:
                pipe = self._client.pipeline(transaction=False)
                for pending in batch:
                    pipe.execute_command(*pending.command)
                results = pipe.execute(raise_on_error=False)
        except redis.ResponseError as exc:  # a batch of one: the error is that command's own
            results = [exc]
        except BaseException as exc:  # connection trouble: every waiter gets it, nobody hangs
            results = [exc] * len(batch)
        for pending, result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                pending.error = result
            else:
                pending.result = result
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
    def _outcome(pending: _Pending) -> Any:
        if pending.error is not None:
            raise pending.error
        return pending.result
