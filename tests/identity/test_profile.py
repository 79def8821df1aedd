"""Real-name details: ID numbers validated by checksum, stored hashed + masked, never returned in full."""

from __future__ import annotations

import json

import pytest

from miniapp_api.core.errors import ValidationFailed
from miniapp_api.identity.resident_auth import hash_id_number, hash_last4, validate_id_number, validate_phone
from tests.identity.conftest import valid_id

ID = valid_id("11010519491231002")  # 11010519491231002X, the standard's example


@pytest.fixture
def resident(app_config):
    from tests.factories import seeded_app

    app = seeded_app({**app_config, "DEV_LOGIN": True})
    client = app.test_client()
    token = client.post("/api/v1/auth/dev", json={"openid": "o-profile"}).get_json()["token"]
    return app, client, {"Authorization": f"Bearer {token}"}


def test_id_checksum_rules():
    assert ID == "11010519491231002X"
    assert validate_id_number(" 11010519491231002x ") == ID
    for bad in ("110105194912310021", "1101051949123100", "11010519491331002X", "A1010519491231002X", "", None, 123):
        with pytest.raises(ValidationFailed) as err:
            validate_id_number(bad)
        assert err.value.field == "id_number"


def test_phone_rules():
    assert validate_phone("+86 138-1234-5678") == "13812345678"
    for bad in ("12812345678", "1381234567", "0576-12345", "", None):
        with pytest.raises(ValidationFailed) as err:
            validate_phone(bad)
        assert err.value.field == "phone"


def test_profile_stores_no_full_id_or_phone(resident):
    app, client, headers = resident
    response = client.put("/api/v1/me", json={"name": "张三", "id_number": ID.lower(), "phone": "13812345678"},
                          headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["id_masked"] == "1101**********002X" and body["phone_masked"] == "138****5678" and body["verified"]
    assert "id_number" not in body and "phone" not in body
    assert ID not in json.dumps(client.get("/api/v1/me", headers=headers).get_json())

    with app.app_context():
        doc = app.extensions["mongo"]["residents"].find_one({"_id": body["resident_id"]})
        dump = json.dumps(doc, default=str)
        assert ID not in dump and ID.lower() not in dump and "13812345678" not in dump
        assert doc["id_hash"] == hash_id_number(ID)
        assert doc["id_last4_hash"] == hash_last4(ID) == hash_last4("002x")
        assert doc["phone_last4"] == hash_last4("5678")


def test_hash_depends_on_the_secret_key(app_config):
    from tests.factories import seeded_app

    one, two = seeded_app(app_config), seeded_app({**app_config, "SECRET_KEY": "another-secret"})
    with one.app_context():
        first = hash_id_number(ID)
    with two.app_context():
        assert hash_id_number(ID) != first


@pytest.mark.parametrize(("body", "field"), [
    ({"id_number": "110105194912310021"}, "id_number"),
    ({"id_number": "123"}, "id_number"),
    ({"phone": "12345"}, "phone"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 51}, "name"),
    ({}, None),
])
def test_bad_profile_input(resident, body, field):
    _, client, headers = resident
    response = client.put("/api/v1/me", json=body, headers=headers)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field


def test_profile_malformed_json_and_partial_update(resident):
    _, client, headers = resident
    broken = client.put("/api/v1/me", data="{oops", content_type="application/json", headers=headers)
    assert broken.status_code == 400 and broken.get_json()["error"]["code"] == "malformed_json"
    client.put("/api/v1/me", json={"id_number": ID}, headers=headers)
    named = client.put("/api/v1/me", json={"name": "李四"}, headers=headers).get_json()
    assert named["name"] == "李四" and named["id_masked"] == "1101**********002X"
