"""core.direct_args: the same arguments, errors and OpenAPI document as blp.arguments, with the
valid requests parsed without webargs."""

from __future__ import annotations

import marshmallow as ma
import pytest
from flask import Flask
from flask_smorest import Api, Blueprint
from webargs.flaskparser import FlaskParser

from miniapp_api.core import direct_args, errors


class Body(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 5))
    day = ma.fields.Date(required=True)
    note = ma.fields.Nested(ma.Schema.from_dict({"text": ma.fields.String(required=True)}))


class Query(ma.Schema):
    case_no = ma.fields.String(required=True)
    factor = ma.fields.String()


def make_app(direct: bool) -> Flask:
    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/doc")
    api = Api(app)
    blp = Blueprint("things", __name__, url_prefix="/api")
    args = (lambda schema, **kw: direct_args.arguments(blp, schema, **kw)) if direct else blp.arguments

    @blp.route("/things/<int:n>", methods=["POST"])
    @args(Body())
    @blp.response(200)
    def post_thing(body, n):
        """Make a thing."""
        return {"n": n, "body": {**body, "day": body["day"].isoformat()}}

    @blp.route("/things", methods=["GET"])
    @args(Query(), location="query")
    @blp.response(200)
    def get_thing(query):
        """Find a thing."""
        return query

    api.register_blueprint(blp)
    errors.init_app(app)
    return app


BODIES = [
    ({"name": "ab", "day": "2026-12-01"}, None),
    ({"name": "ab", "day": "2026-12-01", "note": {"text": "x"}}, None),
    ({"name": "abcdefg", "day": "2026-12-01"}, None),  # too long
    ({"name": "ab", "day": "2026-13-01"}, None),  # not a date
    ({"name": "ab"}, None),  # missing field
    ({"name": "ab", "day": "2026-12-01", "extra": 1}, None),  # unknown field: RAISE for bodies
    ({"name": "ab", "day": "2026-12-01", "note": {}}, None),  # nested field missing
    ([{"name": "ab"}], None),  # not an object
    (None, b"{not json"),
    (None, b"\xff\xfe"),
    (None, b""),
    (None, b"null"),
]


@pytest.mark.parametrize(("body", "raw"), BODIES)
def test_json_bodies_get_the_same_answer_as_through_webargs(body, raw):
    answers = []
    for direct in (False, True):
        client = make_app(direct).test_client()
        if raw is None:
            response = client.post("/api/things/7", json=body)
        else:
            response = client.post("/api/things/7", data=raw, content_type="application/json")
        answers.append((response.status_code, response.get_json()))
    assert answers[0] == answers[1]
    assert answers[0][0] in (200, 400)


def test_a_non_json_content_type_is_left_to_webargs():
    answers = [make_app(direct).test_client().post("/api/things/7", data="name=ab&day=2026-12-01",
                                                   content_type="application/x-www-form-urlencoded")
               for direct in (False, True)]  # fmt: skip
    assert [(r.status_code, r.get_json()) for r in answers][0] == [(r.status_code, r.get_json()) for r in answers][1]
    assert answers[1].status_code == 400


@pytest.mark.parametrize("query", ["case_no=JC1&factor=1234", "case_no=JC1", "case_no=JC1&case_no=JC2&x=1",
                                   "factor=1234", ""])  # fmt: skip
def test_query_arguments_get_the_same_answer_as_through_webargs(query):
    answers = []
    for direct in (False, True):
        response = make_app(direct).test_client().get(f"/api/things?{query}")
        answers.append((response.status_code, response.get_json()))
    assert answers[0] == answers[1]


def test_a_valid_request_does_not_go_through_webargs(monkeypatch):
    calls = []
    original = FlaskParser.parse
    monkeypatch.setattr(FlaskParser, "parse", lambda self, *a, **kw: calls.append(1) or original(self, *a, **kw))
    for direct, expected in ((True, 0), (False, 1)):
        calls.clear()
        response = make_app(direct).test_client().post("/api/things/7", json={"name": "ab", "day": "2026-12-01"})
        assert response.status_code == 200 and response.get_json()["n"] == 7
        assert len(calls) == expected
    calls.clear()
    make_app(True).test_client().post("/api/things/7", json={"name": "too long"})
    assert len(calls) == 1  # a refused one does, for webargs' own error answer


def test_the_openapi_document_is_the_same():
    docs = [make_app(direct).test_client().get("/doc/openapi.json").get_json() for direct in (False, True)]
    assert docs[0] == docs[1]
    assert "requestBody" in docs[1]["paths"]["/api/things/{n}"]["post"]
    assert {p["name"] for p in docs[1]["paths"]["/api/things"]["get"]["parameters"]} == {"case_no", "factor"}


def test_the_booking_endpoint_documents_its_body(app):
    doc = app.test_client().get("/api/openapi.json").get_json()
    body = doc["paths"]["/api/v1/appointments"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/AppointmentCreate"}
