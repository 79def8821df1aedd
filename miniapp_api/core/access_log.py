"""Gunicorn access log without secrets or personal data in URLs.

The access log is written by gunicorn, before and outside the app, from the raw request line. Some
URLs carry what must not be kept: WeChat's ``signature``/``timestamp``/``nonce`` (with them a request
could be replayed), case-lookup factors, appeal contact digits, and ID or phone numbers typed into a
search. ``RedactingLogger`` rewrites the request line, the query string and the referer before the
line is formatted: named secrets become ``***`` and any ID or phone number in another value becomes its
tag (``core.pii``). Everything else of the default format stays as it was.

Used by ``-c python:miniapp_api.core.gunicorn_conf`` on the API's command line.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from gunicorn.glogging import Logger

from miniapp_api.core.pii import mask_pii

# Query parameters whose value is a secret or a second factor wherever it appears.
SECRET_PARAMS = frozenset({
    "signature", "msg_signature", "timestamp", "nonce", "echostr", "openid", "token", "access_token",
    "code", "factor", "contact_last4", "id_number", "phone", "password",
})  # fmt: skip
MASK = "***"


def redact_query(query: str) -> str:
    """``query`` with secret parameters replaced by *** and ID/phone numbers in the others masked."""
    if not query:
        return query
    parts = []
    for pair in query.split("&"):
        name, sep, value = pair.partition("=")
        if unquote(name).strip().lower() in SECRET_PARAMS and sep:
            parts.append(f"{name}={MASK}")
            continue
        if sep and any(ch.isdigit() for ch in value):  # digits survive percent-encoding as they are
            decoded = unquote(value.replace("+", " "))
            masked = mask_pii(decoded)
            if masked != decoded:
                value = quote(masked, safe="")
        parts.append(f"{name}{sep}{value}")
    return "&".join(parts)


def redact_uri(uri: str) -> str:
    """A request target or URL with its query redacted (the path is left alone)."""
    path, sep, query = uri.partition("?")
    if not sep:
        return uri
    fragment = ""
    if "#" in query:
        query, fragment = query.split("#", 1)
        fragment = "#" + fragment
    return f"{path}?{redact_query(query)}{fragment}"


class RedactingLogger(Logger):
    """gunicorn's logger with the URL atoms redacted (``r``, ``q``, ``f`` and their environ twins)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        method, protocol = environ.get("REQUEST_METHOD", "-"), environ.get("SERVER_PROTOCOL", "-")
        raw_uri = environ.get("RAW_URI") or environ.get("PATH_INFO", "")
        atoms["r"] = f"{method} {redact_uri(raw_uri)} {protocol}"
        atoms["q"] = redact_query(environ.get("QUERY_STRING") or "")
        if atoms.get("f") and atoms["f"] != "-":
            atoms["f"] = redact_uri(atoms["f"])
        for key in ("{raw_uri}e", "{request_uri}e"):
            if key in atoms:
                atoms[key] = redact_uri(str(atoms[key]))
        if "{query_string}e" in atoms:
            atoms["{query_string}e"] = atoms["q"]
        if "{referer}i" in atoms:
            atoms["{referer}i"] = redact_uri(str(atoms["{referer}i"]))
        return atoms
