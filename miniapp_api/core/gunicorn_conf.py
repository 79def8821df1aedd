"""Gunicorn settings of the API: ``gunicorn -c python:miniapp_api.core.gunicorn_conf ...`` (the Procfile).

Bind address, workers and threads stay on the command line; these are the settings that belong to the
code: an access log without secrets, and the API's JSON error shape even for the errors gunicorn answers
itself, before the app sees the request.
"""

from __future__ import annotations

import json

from gunicorn import util

# URLs are redacted before they are logged (WeChat signatures, lookup factors, ID and phone numbers).
logger_class = "miniapp_api.core.access_log.RedactingLogger"
# gunicorn answers an over-long request line itself (default limit 4094 bytes). At its maximum, URLs up to
# 8190 bytes reach the request guard, which answers those over its own limit (4096) with JSON 414.
limit_request_line = 8190

_CODES = {414: "request_uri_too_long", 431: "request_header_fields_too_large"}


def json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """Stand-in for ``gunicorn.util.write_error``: the same answer, in JSON instead of an HTML page."""
    code = _CODES.get(status_int, reason.lower().replace(" ", "_").replace("-", "_"))
    body = json.dumps({"error": {"code": code, "message": mesg, "field": None}}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")  # fmt: skip
    util.write_nonblock(sock, head.encode("latin-1") + body)


def post_worker_init(worker) -> None:
    # gunicorn has no setting for its error page; its workers call util.write_error by module attribute.
    util.write_error = json_error
