"""Version tokens in Redis of data each worker keeps a copy of (the holiday calendar, hall documents).

A staff edit stores the data in MongoDB, then sets the area's token to a fresh random value; a
worker whose copy was built under another token rebuilds it. Random tokens rather than counters:
after a Redis restart a counter would start again and could repeat a number some worker still
holds, a random token cannot.

During a request all tokens are read once, with one MGET, and remembered for the rest of that
request (a booking asks for the calendar several times); outside a request (CLI, job workers with a
long-lived app context) every call reads Redis, so those never keep a stale copy.
"""

from __future__ import annotations

import uuid

from flask import g, has_request_context

from miniapp_api.core.stores import rds, rkey

AREAS = ("calendar", "halls")
_G_ATTR = "_shared_versions"


def version_key(area: str) -> str:
    return rkey(area, "version")


def version_keys() -> list[str]:
    """The keys of every area, in ``AREAS`` order (for callers that read them in their own pipeline)."""
    return [version_key(area) for area in AREAS]


def remember(values: list[str | None]) -> dict[str, str]:
    """Keep tokens read in the order of ``version_keys()`` for the rest of this request."""
    versions = {area: value or "0" for area, value in zip(AREAS, values, strict=True)}
    if has_request_context():
        setattr(g, _G_ATTR, versions)
    return versions


def current(area: str) -> str:
    """The token of ``area`` ("0" when none was ever set)."""
    versions = g.get(_G_ATTR) if has_request_context() else None
    if versions is None:
        versions = remember(rds().mget(version_keys()))
    return versions[area]


def bump(area: str) -> None:
    """Tell every worker that ``area`` changed (call after the change is stored in MongoDB)."""
    rds().set(version_key(area), uuid.uuid4().hex)
    if has_request_context():
        g.pop(_G_ATTR, None)
