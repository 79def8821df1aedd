"""``blp.arguments`` for hot endpoints, without webargs on the way of a valid request.

flask-smorest parses arguments through webargs, which wraps the marshmallow schema in layers of
its own (location lookup, proxies, hooks, error plumbing): in the load benchmark's profile that cost
about as much again as the schema's own ``load``, on requests (a booking refused ``slot_full``) that
do little else. ``arguments(blp, schema, ...)`` documents exactly as ``blp.arguments`` does (it calls
it for the OpenAPI part, so a field added to the schema shows up in both) and, for a request it can
read plainly, calls ``schema.load`` itself with what webargs would pass:

* ``json``: a JSON object sent as JSON (the same ``is_json`` test, the same ``json.loads`` of the
  UTF-8 body), ``unknown`` left to the schema, as webargs does for bodies;
* ``query``: the first value of each parameter, ``unknown=EXCLUDE``, as webargs does for the query
  string (schemas with list fields, which take every value, always go through webargs).

Anything else, and every request the schema refuses, is handed to webargs unchanged, so error
responses (422 with the field, ``malformed_json``) are webargs' own, byte for byte.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

import marshmallow as ma
from flask import current_app, request
from flask_smorest import Blueprint
from webargs.core import is_json


def arguments(blp: Blueprint, schema: ma.Schema, *, location: str = "json", **kwargs) -> Callable:
    """Decorator: like ``blp.arguments(schema, location=location, **kwargs)``; see the module doc."""
    plain = location in ("json", "query") and isinstance(schema, ma.Schema)
    if not plain or set(kwargs) & {"as_kwargs", "arg_name", "validate", "unknown"}:  # webargs' own features
        return blp.arguments(schema, location=location, **kwargs)
    if location == "query" and any(getattr(f, "is_multiple", False) or isinstance(f, ma.fields.List)
                                   for f in schema.fields.values()):  # fmt: skip
        return blp.arguments(schema, location=location, **kwargs)
    read = _json_body if location == "json" else _first_query_values
    unknown = {} if location == "json" else {"unknown": ma.EXCLUDE}

    def decorator(func: Callable) -> Callable:
        through_webargs = blp.arguments(schema, location=location, **kwargs)(func)

        @functools.wraps(func)
        def wrapper(*args, **kw):
            data = read()
            if data is not None:
                try:
                    parsed = schema.load(data, **unknown)
                except ma.ValidationError:
                    pass  # webargs answers it, in its words
                else:
                    return current_app.ensure_sync(func)(*args, parsed, **kw)
            return through_webargs(*args, **kw)

        wrapper._apidoc = through_webargs._apidoc  # the OpenAPI part blp.arguments wrote
        return wrapper

    return decorator


def _json_body() -> dict | None:
    """The body as a dict when it is a JSON object sent as JSON, else None (webargs decides)."""
    if not is_json(request.mimetype):
        return None
    try:
        data = json.loads(request.get_data(cache=True).decode("utf-8"))
    except ValueError:  # JSONDecodeError and UnicodeDecodeError: webargs' malformed-JSON answer
        return None
    return data if isinstance(data, dict) else None


def _first_query_values() -> dict:
    return request.args.to_dict(flat=True)
