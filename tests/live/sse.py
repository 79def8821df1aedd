"""A minimal blocking Server-Sent-Events client for tests and the benchmark (what EventSource does,
without reconnects): open ``/live/<topics>``, read frames as dicts ``{"event", "data", "comment"}``."""

from __future__ import annotations

import http.client
import json
import socket
import time
from typing import Any


class SSEClient:
    def __init__(self, port: int, path: str, timeout: float = 5.0) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.conn.request("GET", path, headers={"Accept": "text/event-stream"})
        self.response = self.conn.getresponse()
        self.status = self.response.status

    def json(self) -> Any:
        return json.loads(self.response.read())

    def frame(self) -> dict[str, Any]:
        """The next frame; a comment-only frame (``: ping``) comes back as {"comment": [...]}."""
        frame: dict[str, Any] = {"event": "message", "data": None, "comment": [], "retry": None}
        data_lines: list[str] = []
        while True:
            raw = self.response.readline()
            if not raw:
                raise ConnectionError("stream ended")
            line = raw.decode("utf-8").rstrip("\n")
            if line == "":
                if data_lines or frame["comment"] or frame["retry"] is not None:
                    break
                continue
            if line.startswith(":"):
                frame["comment"].append(line[1:].strip())
            elif line.startswith("data:"):
                data_lines.append(line[5:].lstrip(" "))
            elif line.startswith("event:"):
                frame["event"] = line[6:].strip()
            elif line.startswith("retry:"):
                frame["retry"] = int(line[6:])
        if data_lines:
            frame["data"] = json.loads("\n".join(data_lines))
        return frame

    def next_data(self, within: float = 5.0) -> dict[str, Any]:
        """Skip heartbeats and the greeting; the next frame that carries data, within ``within`` s."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            frame = self.frame()
            if frame["data"] is not None:
                return frame
        raise TimeoutError(f"no data frame within {within} s")

    def close(self) -> None:
        try:
            self.conn.sock and self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()
