"""The JSON body of a published guide, serialised once per published edition instead of per request.

A guide detail is a large nested document; dumping it through marshmallow on every request cost
more than the rest of the request together. The published guide dicts of the knowledge base are
never changed in place (a publish loads a new snapshot with new dicts), so a body built from one
dict object stays right for as long as the knowledge base hands out that same object. The check
is by identity rather than by ``knowledge_base().version``: a version read a moment after the guide
could already belong to a newer snapshot than the guide.
"""

from __future__ import annotations

from flask import Response, current_app

from miniapp_api.catalogue.schema import GuideSchema

_schema = GuideSchema()


def guide_response(guide: dict) -> Response:
    """The same response ``@blp.response(200, GuideSchema)`` would build for ``guide``."""
    cache: dict[str, tuple[dict, bytes]] = current_app.extensions.setdefault("guide_json", {})
    entry = cache.get(guide["code"])
    if entry is None or entry[0] is not guide:
        # current_app.json: the app's provider (ensure_ascii off, key order, trailing newline) as jsonify uses it
        body = current_app.json.response(_schema.dump(guide)).get_data()
        entry = (guide, body)  # keeping the dict alive keeps the identity check sound
        cache[guide["code"]] = entry  # one dict assignment: atomic, a racing thread at worst builds it too
    return current_app.response_class(entry[1], mimetype=current_app.json.mimetype)
