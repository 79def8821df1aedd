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

Why a dedicated connection and not ``client.execute_command`` / ``client.pipeline()``: only one
leader sends at a time, so the batches need exactly one connection, and going around redis-py's
client layer (pool checkout and return, retry wrapper, event dispatch, metrics hooks, a Pipeline
object per batch) removed ~25 % of a booking's Python time in the load benchmark's profile. The
connection is redis-py's own ``Connection``, made by the client's pool with the client's settings
(timeouts, health check PING after an idle interval, decoding), so errors are the same classes:
connection trouble raises ``redis.ConnectionError`` / ``TimeoutError`` to every waiter of that
batch (the app answers 503) and the next batch connects again. Only a batch of reads is retried
once (the socket kept across a Redis restart is dead); a script that may have run must not run twice.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import redis


class _Pending:
    __slots__ = ("command", "result", "error", "done", "lead")

    def __init__(self, command: tuple):
        self.command = command
        self.result: Any = None
        self.error: BaseException | None = None
        # A plain lock held until the outcome is in: a waiter blocks in C on acquire(), and it is far
        # cheaper to make and to signal than a threading.Event (a Condition and its Python-level wait).
        self.done = threading.Lock()
        self.done.acquire()
        self.lead = False  # set instead of a result: this waiter sends the next batch


class CoalescingClient:
    def __init__(self, client: redis.Redis):
        self._client = client
        self._lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._busy = False  # a leader is sending a batch
        self._conn: Any = None  # the leaders' connection (one leader at a time)
        self._conn_pid = 0  # a forked child makes its own: a socket is never shared across processes

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
            mine.done.acquire()
            if not mine.lead:
                return self._outcome(mine)
        self._send_batch(mine)
        return self._outcome(mine)

    def _send_batch(self, mine: _Pending) -> None:
        """Send everything queued (this thread's own command is in it), then hand over the lead."""
        with self._lock:
            batch, self._queue = self._queue, []
        try:
            results = self._round_trip([pending.command for pending in batch])
        except BaseException as exc:  # connection trouble: every waiter gets it, nobody hangs
            results = [exc] * len(batch)
        for pending, result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                pending.error = result
            else:
                pending.result = result
            if pending is not mine:
                pending.done.release()
        with self._lock:
            if self._queue:
                successor = self._queue[0]
                successor.lead = True
                successor.done.release()
            else:
                self._busy = False

    @staticmethod
    def _outcome(pending: _Pending) -> Any:
        if pending.error is not None:
            raise pending.error
        return pending.result

    def _connection(self):
        if self._conn is None or self._conn_pid != os.getpid():
            self._conn = self._client.connection_pool.make_connection()
            self._conn_pid = os.getpid()
        return self._conn

    def _round_trip(self, commands: list[tuple]) -> list[Any]:
        """``_send`` once; a batch of reads only (no script) is sent once more on a new connection when
        the first failed to connect or was dropped: after a Redis restart the kept socket is dead, and
        repeating an MGET is harmless, while a script that may have run is never run twice."""
        try:
            return self._send(commands)
        except redis.ConnectionError:
            if any(command[0] != "MGET" for command in commands):
                raise
            return self._send(commands)

    def _send(self, commands: list[tuple]) -> list[Any]:
        """One write of every command, then their replies in order; a command's error reply
        (ResponseError) is its result. Connection errors propagate (the connection is dropped)."""
        conn = self._connection()
        try:
            conn.send_packed_command(conn.pack_commands(commands))  # connects first when needed
            results: list[Any] = []
            for _ in commands:
                try:
                    results.append(conn.read_response())
                except redis.ResponseError as exc:
                    results.append(exc)
        except BaseException:
            conn.disconnect()  # replies may be half read: never reuse this socket
            raise
        return results
