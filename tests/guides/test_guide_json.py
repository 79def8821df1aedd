"""The guide detail body is serialised once per published guide dict and equals the schema's dump."""

from __future__ import annotations

import json

from miniapp_api.catalogue.schema import GuideSchema
from miniapp_api.guides.json_view import guide_response
from miniapp_api.kb.service import knowledge_base


def test_detail_body_is_the_schema_dump(app, client):
    response = client.get("/api/v1/guides/gr-006")
    assert response.status_code == 200 and response.mimetype == "application/json"
    with app.app_context():
        guide = knowledge_base().guides()["GR-006"]
        assert response.get_json() == json.loads(json.dumps(GuideSchema().dump(guide)))
    assert client.get("/api/v1/guides/GR-006").get_data() == response.get_data()  # served from the cache


def test_a_new_guide_dict_gets_a_new_body(app):
    with app.app_context():
        guide = knowledge_base().guides()["GR-006"]
        before = guide_response(guide).get_json()
        edited = {**guide, "name": "普通护照签发（新版）"}  # what a publish hands out: a new dict
        assert guide_response(edited).get_json()["name"] == "普通护照签发（新版）"
        assert guide_response(guide).get_json() == before
