"""The request guard on a tiny Flask app: hostile input → 4xx JSON in the project's error shape."""

from __future__ import annotations

import http.client
import io
import json
import threading

import pytest
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from miniapp_api.core.request_guard import RequestGuard, install

LIMIT = 64 * 1024


def _make_app() -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = LIMIT

    @app.post("/api/echo")
    @app.post("/plain/echo")
    def echo():
        body = request.get_json(silent=True)
        if body is None:
            return jsonify({"error": {"code": "malformed_json", "message": "not JSON", "field": None}}), 400
        return jsonify({"echo": body})

    @app.get("/api/search")
    def search():
        return jsonify({"q": request.args.get("q")})

    @app.post("/plain/form")
    def form():
        return jsonify({"form": request.form.to_dict()})

    install(app, max_depth=32, max_number_digits=40, max_url_bytes=2048, json_only_prefixes=("/api/",))
    return app


@pytest.fixture
def client():
    return _make_app().test_client()


def _post_raw(client, body: bytes, path: str = "/api/echo", content_type: str = "application/json"):
    return client.post(path, data=body, content_type=content_type)


def _error(response) -> dict:
    assert response.is_json, response.data[:200]
    return response.get_json()["error"]


# -- text -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"name": "\\udc00"}', "name"),  # lone low surrogate
        (b'{"text": "abc\\ud83d"}', "text"),  # high surrogate with nothing after it
        (b'{"a": {"b": [1, "x", "\\ud800\\u0041"]}}', "a.b.2"),  # high surrogate followed by a non-surrogate
        (b'{"\\udc00": 1}', "\udc00".encode("utf-8", "replace").decode()),  # in a key: that key is named
        (b'{"name": "\xff\xfe"}', "name"),  # not UTF-8 at all
        (b'{"name": "\xed\xb0\x80"}', "name"),  # a surrogate encoded in UTF-8 (CESU), refused by strict UTF-8
    ],
)
def test_invalid_text_is_400_naming_the_field(client, body, field):
    response = _post_raw(client, body)
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "invalid_text"
    assert error["field"] == field


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"emoji": "\\ud83d\\ude00"}', {"emoji": "\U0001f600"}),  # a proper pair
        (b'{"path": "C:\\\\udc00"}', {"path": "C:\\udc00"}),  # an escaped backslash, then plain letters
        ('{"q": "办护照要带什么"}'.encode(), {"q": "办护照要带什么"}),
    ],
)
def test_good_text_passes_unchanged(client, body, expected):
    response = _post_raw(client, body)
    assert response.status_code == 200
    assert response.get_json() == {"echo": expected}


def test_undecodable_query_and_form_are_400(client):
    response = client.get("/api/search?q=%ff%fe")
    assert response.status_code == 400 and _error(response) == {
        "code": "invalid_text", "message": "the query string is not valid UTF-8", "field": "q"}  # fmt: skip
    response = _post_raw(client, b"name=%ed%b0%80", "/plain/form", "application/x-www-form-urlencoded")
    assert response.status_code == 400 and _error(response)["field"] == "name"
    ok = client.get("/api/search?q=%E5%8A%9E%E6%8A%A4%E7%85%A7")
    assert ok.status_code == 200 and ok.get_json() == {"q": "办护照"}


# -- nesting and numbers --------------------------------------------------------------------------
def test_deep_nesting_is_400_too_deep(client):
    response = _post_raw(client, b'{"text": ' + b"[" * 50_000)  # the review's 50,000 brackets, never closed
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "too_deep"
    assert error["field"] == "text"  # the top-level field that holds the deep value


def test_nesting_within_the_limit_and_brackets_in_strings_pass(client):
    body = {"a": json.loads("[" * 31 + "]" * 31), "s": "[[[[" * 20 + "{{{{" * 20}
    response = client.post("/api/echo", json=body)
    assert response.status_code == 200 and response.get_json() == {"echo": body}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"n": ' + b"9" * 5000 + b"}", "n"),  # the review's 5,000-digit integer
        (b'{"items": [1, 2, -' + b"1" * 41 + b"]}", "items.2"),
        (b'{"x": 1e999}', "x"),  # overflows to inf
        (b'{"x": 1.' + b"5" * 41 + b"}", "x"),
    ],
)
def test_huge_numbers_are_400(client, body, field):
    response = _post_raw(client, body)
    assert response.status_code == 400
    assert _error(response)["code"] == "number_too_large" and _error(response)["field"] == field


def test_long_digit_strings_and_normal_numbers_pass(client):
    body = {"id_number": "1" * 60, "n": 10**39, "f": 1.5e300, "neg": -42}
    response = client.post("/api/echo", json=body)
    assert response.status_code == 200 and response.get_json() == {"echo": body}


# -- sizes ----------------------------------------------------------------------------------------
def test_declared_body_over_the_limit_is_413_json(client):
    response = _post_raw(client, b'{"a": "' + b"x" * LIMIT + b'"}')
    assert response.status_code == 413 and _error(response)["code"] == "request_entity_too_large"


def test_chunked_body_over_the_limit_is_413_json(client):
    body = b'{"a": "' + b"x" * (LIMIT + 10) + b'"}'
    response = client.post("/api/echo", input_stream=io.BytesIO(body), content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})  # fmt: skip
    assert response.status_code == 413 and _error(response)["code"] == "request_entity_too_large"


def test_chunked_body_under_the_limit_reaches_the_app(client):
    body = json.dumps({"a": "x" * 1000}).encode()
    response = client.post("/api/echo", input_stream=io.BytesIO(body), content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})  # fmt: skip
    assert response.status_code == 200 and response.get_json() == {"echo": {"a": "x" * 1000}}


def test_long_url_is_414_json(client):
    response = client.get("/api/search?q=" + "%E5%8A%9E" * 500)  # 500 characters, 4,500 bytes encoded
    assert response.status_code == 414
    error = _error(response)
    assert error["code"] == "request_uri_too_long" and error["field"] == "query" and "2048 bytes" in error["message"]


# -- content type ---------------------------------------------------------------------------------
def test_non_json_body_under_a_json_prefix_is_malformed_json(client):
    response = _post_raw(client, b"hall_id=jc-main", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and _error(response)["code"] == "malformed_json"
    response = _post_raw(client, b"hall_id=jc-main", content_type="text/plain")
    assert response.status_code == 400 and _error(response)["code"] == "malformed_json"


def test_form_body_elsewhere_and_syntax_errors_are_left_to_the_app(client):
    response = _post_raw(client, b"name=%E5%BC%A0", "/plain/form", "application/x-www-form-urlencoded")
    assert response.status_code == 200 and response.get_json() == {"form": {"name": "张"}}
    response = _post_raw(client, b'{"a": 1,')  # broken JSON: the app's own malformed_json answers
    assert response.status_code == 400 and _error(response)["message"] == "not JSON"


# -- through a real HTTP server (chunked bodies are dechunked by the server, as gunicorn does) --------
@pytest.fixture
def server():
    srv = make_server("127.0.0.1", 0, _make_app(), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_port
    srv.shutdown()


def _chunked_post(port: int, body: bytes) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        chunks = (body[i : i + 8192] for i in range(0, len(body), 8192))
        conn.request("POST", "/api/echo", body=chunks, encode_chunked=True,
                     headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})  # fmt: skip
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_real_server_chunked_bodies(server):
    status, payload = _chunked_post(server, b'{"a": "' + b"x" * (300 * 1024) + b'"}')
    assert status == 413 and payload["error"]["code"] == "request_entity_too_large"
    status, payload = _chunked_post(server, json.dumps({"a": "护照" * 100}).encode())
    assert status == 200 and payload == {"echo": {"a": "护照" * 100}}


def test_middleware_without_flask_limit_counts_nothing():
    guard = RequestGuard(lambda environ, start: [b"ok"], max_content_length=None)
    environ = {"PATH_INFO": "/x", "QUERY_STRING": "", "CONTENT_LENGTH": "3", "CONTENT_TYPE": "text/plain",
               "wsgi.input": io.BytesIO(b"abc")}  # fmt: skip
    assert guard(environ, lambda status, headers: None) == [b"ok"]
    assert environ["wsgi.input"].read() == b"abc"  # the app still reads the whole body
