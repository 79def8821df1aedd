from __future__ import annotations


def test_healthz_reports_dependencies(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["checks"]["mongo"]["mode"].startswith("in-memory")
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["kb"]["ready"] is True and body["checks"]["kb"]["guides"] == 69


def test_healthz_degraded_when_redis_down(app_config):
    from miniapp_api import create_app

    app = create_app(dict(app_config, REDIS_URL="redis://127.0.0.1:1/0"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"]["ok"] is False


def test_malformed_json(client):
    response = client.post("/api/v1/staff/login", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_json"


def test_wrong_type_names_field(client):
    response = client.post("/api/v1/staff/login", json={"username": 5, "password": "x"})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "username"


def test_unknown_field_is_rejected(client):
    response = client.post("/api/v1/staff/login", json={"username": "a", "password": "b", "admin": True})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "admin"


def test_oversize_body(client):
    response = client.post("/api/v1/staff/login", data="x" * 300_000, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"


def test_unknown_route_is_json_404(client):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404 and "error" in response.get_json()


def test_openapi_lists_endpoints_from_schemas(client):
    spec = client.get("/api/openapi.json").get_json()
    paths = spec["paths"]
    for path in ("/api/v1/kb/search", "/api/v1/guides", "/api/v1/guides/{code}", "/api/v1/bundles/{code}",
                 "/api/v1/staff/guides/{code}/publish", "/healthz"):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/kb/search"]["get"]["parameters"]}
    assert {"q", "k"} <= params
    assert "Guide" in spec["components"]["schemas"]
