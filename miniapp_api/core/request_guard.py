"""One request guard in front of the app: hostile input becomes a 4xx JSON error, never a 500.

Why a WSGI middleware and not a Flask hook: the problems must be caught before anything parses the
body (webargs calls ``json.loads`` itself, past any Flask JSON provider), and the chunked-body and
URL-length cases must be answered before werkzeug turns them into HTML or a misleading 400.

What it turns away, in the project's error shape ``{"error": {"code", "message", "field"}}``:

* a body over ``max_content_length`` — declared or, for chunked bodies, counted while reading → 413
  ``request_entity_too_large`` (the same code the app's own 413 carries);
* a URL whose path + query exceed ``max_url_bytes`` → 414 ``request_uri_too_long``;
* undecodable UTF-8 in a JSON body, the query string, a form body or the path, and JSON escapes of
  lone surrogates (``"\\udc00"``), which decode but cannot be encoded again for Redis or MongoDB
  → 400 ``invalid_text``;
* JSON nested deeper than ``max_depth`` (the stdlib parser recurses, 50,000 brackets crash it)
  → 400 ``too_deep``;
* JSON numbers with more than ``max_number_digits`` digits, or that overflow a float (``1e999``)
  → 400 ``number_too_large`` (Python refuses ints over 4,300 digits with a ValueError);
* optionally, a non-JSON body under a JSON-only prefix → 400 ``malformed_json``.

The checks run on the raw text with C-speed regular expressions; only a body that fails one is
walked token by token to name the field (dotted path, e.g. ``items.3.name``). Bodies that pass are
handed on byte for byte; syntax errors are left to the app, which answers ``malformed_json``.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable, Iterable
from itertools import accumulate, count
from operator import sub
from urllib.parse import unquote_to_bytes

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]

_REASONS = {400: "Bad Request", 413: "Request Entity Too Large", 414: "Request-URI Too Large"}

# A JSON string; an unterminated one runs to the end of the text. Possessive, so a hostile body of
# backslashes and quotes cannot make the engine backtrack (every match is linear and they do not overlap).
_STRING = r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)'
_STRING_RE = re.compile(_STRING, re.S)
_NUMBER_TOKEN_RE = re.compile(_STRING + r"|(-?\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?", re.S)
_ESCAPE_RE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.S)  # left to right, so "\\\\ud800" is no escape
_SURROGATE_HINT_RE = re.compile(r"\\u[dD][89a-fA-F]")
_NOT_BRACKET_RE = re.compile(r"[^\[\]{}]+")
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")  # +1 / -1 once 1 is subtracted per char
# Tokens of the slow path that names a field; it runs only on a body already found faulty.
_TOKEN_RE = re.compile(r'\s*(?:(' + _STRING + r')|([\[\]{}:,])|([^\s\[\]{}:,"]+))', re.S)


class GuardError(Exception):
    """What the guard answers instead of calling the app."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


class RequestGuard:
    """WSGI middleware; see the module docstring. ``install(app)`` wraps a Flask app with its config."""

    def __init__(self, app: WSGIApp, *, max_content_length: int | None, max_depth: int = 32,
                 max_number_digits: int = 40, max_url_bytes: int = 4096,
                 json_only_prefixes: tuple[str, ...] = ()):  # fmt: skip
        self.app = app
        self.max_content_length = max_content_length
        self.max_depth = max_depth
        self.max_number_digits = max_number_digits
        self.max_url_bytes = max_url_bytes
        self.json_only_prefixes = json_only_prefixes
        digits = max_number_digits + 1
        # Anything that might be a too-long number (even inside a string): only then is the body tokenised.
        self._number_hint = re.compile(rf"\d{{{digits},}}|[eE][+-]?\d{{3,}}")
        self._hint = re.compile(rf"{_SURROGATE_HINT_RE.pattern}|{self._number_hint.pattern}")

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            self.check(environ)
        except GuardError as exc:
            body = json.dumps({"error": {"code": exc.code, "message": exc.message, "field": exc.field}},
                              ensure_ascii=False).encode()  # fmt: skip
            headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            if exc.status == 413:  # the unread rest of the body would be taken for the next request
                headers.append(("Connection", "close"))
            start_response(f"{exc.status} {_REASONS[exc.status]}", headers)
            return [body]
        return self.app(environ, start_response)

    # -- the checks -------------------------------------------------------------------------------
    def check(self, environ: dict) -> None:
        """Raise GuardError for the first problem; may replace ``wsgi.input`` with the buffered body."""
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        if len(path) + len(query) > self.max_url_bytes:
            raise GuardError(414, "request_uri_too_long",
                             f"URL too long: path and query may hold {self.max_url_bytes} bytes",
                             "query" if query else "path")  # fmt: skip
        if not path.isascii():  # ASCII is UTF-8 already: only other bytes need decoding
            try:
                _wsgi_bytes(path).decode("utf-8")
            except UnicodeError:
                raise GuardError(400, "invalid_text", "the URL path is not valid UTF-8", "path") from None
        if query and ("%" in query or not query.isascii()):  # no escape, all ASCII: nothing can be invalid
            _check_form_text(_wsgi_bytes(query), "query string")
        body = self._read_body(environ)
        if not body:
            return
        mimetype = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        if mimetype == "application/json" or mimetype.endswith("+json"):
            self.check_json(body)
        elif any(path.startswith(prefix) for prefix in self.json_only_prefixes):
            raise GuardError(400, "malformed_json",
                             "request body must be JSON, sent with Content-Type: application/json")  # fmt: skip
        elif mimetype == "application/x-www-form-urlencoded":
            _check_form_text(body, "form")

    def _read_body(self, environ: dict) -> bytes:
        """The body (b"" if none), buffered and put back so the app reads it as usual."""
        declared = environ.get("CONTENT_LENGTH", "").strip()
        chunked = not declared and (environ.get("wsgi.input_terminated")
                                    or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower())  # fmt: skip
        limit = self.max_content_length
        if declared:
            if not declared.isascii() or not declared.isdigit():
                raise GuardError(400, "bad_request", "Content-Length is not a number", "Content-Length")
            length = int(declared)
            if limit is not None and length > limit:
                raise _too_large(limit)
            if length == 0:
                return b""
            body = _read_upto(environ["wsgi.input"], length)
            if len(body) < length:  # the client went away mid-body
                raise GuardError(400, "bad_request", "the request body ended early", None)
        elif chunked:
            body = _read_upto(environ["wsgi.input"], None if limit is None else limit + 1)
            if limit is not None and len(body) > limit:
                raise _too_large(limit)
        else:
            return b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("wsgi.input_terminated", None)  # now a plain body of known length
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return body

    def check_json(self, body: bytes) -> None:
        """The JSON-body checks, on raw bytes (public so that tests and benchmarks can call it alone)."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            at = len(body[: exc.start].decode("utf-8"))  # the prefix before the first bad byte decodes
            raise GuardError(400, "invalid_text", "the body is not valid UTF-8",
                             _field_at(body.decode("utf-8", "replace"), at)) from None  # fmt: skip
        if self._hint.search(text):  # one pass finds anything that needs a closer look (rare)
            self._check_escapes_and_numbers(text)
        if text.count("[") + text.count("{") > self.max_depth and self._depth(text) > self.max_depth:
            path = _field_at(text, None, self.max_depth)  # the top-level field holding it: the rest is noise
            raise GuardError(400, "too_deep", f"JSON nested deeper than {self.max_depth} levels",
                             path.split(".", 1)[0] if path else None)  # fmt: skip

    def _check_escapes_and_numbers(self, text: str) -> None:
        if _SURROGATE_HINT_RE.search(text):
            at = _lone_surrogate(text)
            if at is not None:
                raise GuardError(400, "invalid_text", "text holds a lone UTF-16 surrogate (\\ud800–\\udfff)",
                                 _field_at(text, at))  # fmt: skip
        if self._number_hint.search(text):
            at = self._long_number(text)
            if at is not None:
                raise GuardError(400, "number_too_large",
                                 f"number with more than {self.max_number_digits} digits or out of range",
                                 _field_at(text, at))  # fmt: skip

    @staticmethod
    def _depth(text: str) -> int:
        brackets = _NOT_BRACKET_RE.sub("", _STRING_RE.sub("", text)).encode("ascii")
        if not brackets:
            return 0
        # depth after each bracket = sum of (+2 | 0) so far minus the count so far; all in C iterators
        return max(map(sub, accumulate(brackets.translate(_BRACKET_STEPS)), count(1)))

    def _long_number(self, text: str) -> int | None:
        for match in _NUMBER_TOKEN_RE.finditer(text):
            whole, fraction, exponent = match.group(1, 2, 3)
            if whole is None:
                continue  # a string
            limit = self.max_number_digits
            if len(whole.lstrip("-")) > limit or (fraction and len(fraction) > limit):
                return match.start()
            if exponent and (len(exponent.lstrip("+-")) > 3 or math.isinf(float(match.group(0)))):
                return match.start()
        return None


def _too_large(limit: int) -> GuardError:
    return GuardError(413, "request_entity_too_large", f"request body over the limit of {limit} bytes", None)


def _read_upto(stream, limit: int | None) -> bytes:
    """Read until EOF or ``limit`` bytes, whichever first (``read(n)`` may return fewer bytes than asked)."""
    parts, total = [], 0
    while limit is None or total < limit:
        chunk = stream.read(65536 if limit is None else min(65536, limit - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def _wsgi_bytes(value: str) -> bytes:
    """The raw bytes behind a WSGI string (PEP 3333: latin-1 characters, one per byte)."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:  # not from a real server; judge the text as it is
        return value.encode("utf-8", "surrogatepass")


def _check_form_text(raw: bytes, where: str) -> None:
    """A query string or form body must be UTF-8, raw and once each ``name=value`` is percent-decoded."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise GuardError(400, "invalid_text", f"the {where} is not valid UTF-8", None) from None
    for pair in text.split("&"):
        name, _, value = pair.partition("=")
        for part in (name, value):
            try:
                unquote_to_bytes(part).decode("utf-8")
            except UnicodeError:
                field = unquote_to_bytes(name).decode("utf-8", "replace")[:64] or None
                raise GuardError(400, "invalid_text", f"the {where} is not valid UTF-8", field) from None


def _lone_surrogate(text: str) -> int | None:
    """Offset of the first \\uD800–\\uDFFF escape that is not half of a high+low pair, else None."""
    pending = None  # a high surrogate waiting for its low half right after it
    for match in _ESCAPE_RE.finditer(text):
        value = int(match.group(1), 16) if match.group(1) else None
        if pending is not None:
            if value is not None and 0xDC00 <= value <= 0xDFFF and match.start() == pending.end():
                pending = None
                continue
            return pending.start()
        if value is None:
            continue
        if 0xD800 <= value <= 0xDBFF:
            pending = match
        elif 0xDC00 <= value <= 0xDFFF:
            return match.start()
    return None if pending is None else pending.start()


def _field_at(text: str, at: int | None, max_depth: int | None = None) -> str | None:
    """Dotted path of the value at offset ``at`` (or where nesting first exceeds ``max_depth``).

    A tolerant walk over the tokens: good enough to name the field of a body already known to be bad,
    never used to accept one.
    """
    frames: list[list] = []  # per open container: [is_object, key or index, expecting_key]
    for match in _TOKEN_RE.finditer(text):
        string, punct = match.group(1), match.group(2)
        if at is not None and match.end() > at:
            if string is not None and frames and frames[-1][0] and frames[-1][2]:
                frames[-1][1] = _key(string)  # the fault is in a key: name that key
            break
        if punct in ("[", "{"):
            frames.append([punct == "{", None if punct == "{" else 0, punct == "{"])
            if max_depth is not None and len(frames) > max_depth:
                frames.pop()
                break
        elif punct in ("]", "}"):
            if frames:
                frames.pop()
        elif punct == "," and frames:
            frame = frames[-1]
            if frame[0]:
                frame[2] = True
            else:
                frame[1] += 1
        elif punct == ":" and frames and frames[-1][0]:
            frames[-1][2] = False
        elif string is not None and frames and frames[-1][0] and frames[-1][2]:
            frames[-1][1] = _key(string)
    path = [str(frame[1]) for frame in frames if frame[1] is not None]
    return ".".join(path)[:200] or None


def _key(token: str) -> str:
    try:
        key = json.loads(token)
    except ValueError:
        key = token.strip('"')
    return key.encode("utf-8", "replace").decode("utf-8")[:64]


def install(app, *, max_depth: int = 32, max_number_digits: int = 40, max_url_bytes: int = 4096,
            json_only_prefixes: tuple[str, ...] = ()) -> RequestGuard:  # fmt: skip
    """Wrap a Flask app's WSGI callable; the body limit is its MAX_CONTENT_LENGTH."""
    guard = RequestGuard(app.wsgi_app, max_content_length=app.config.get("MAX_CONTENT_LENGTH"),
                         max_depth=max_depth, max_number_digits=max_number_digits,
                         max_url_bytes=max_url_bytes, json_only_prefixes=json_only_prefixes)  # fmt: skip
    app.wsgi_app = guard
    return guard
