"""FORM_ID_KEY: required next to a MongoDB server, a Fernet key, rotation; the profile keeps the ID only sealed."""

from __future__ import annotations

import json

from cryptography.fernet import Fernet

from miniapp_api.core.startup_checks import form_key_problems
from miniapp_api.identity.residents import form_details, seal, unseal
from tests.forms.conftest import ID, PHONE


def test_form_key_is_required_with_a_mongodb_server_and_must_be_a_fernet_key():
    key = Fernet.generate_key().decode()
    assert form_key_problems({"SECRET_KEY": "k" * 48}) == []  # in-memory store: derived from SECRET_KEY
    [problem] = form_key_problems({"MONGO_URI": "mongodb://db"})
    assert problem.startswith("FORM_ID_KEY is empty")
    assert form_key_problems({"MONGO_URI": "mongodb://db", "FORM_ID_KEY": key}) == []
    assert "not a Fernet key" in form_key_problems({"FORM_ID_KEY": "not-a-key"})[0]


def test_rotation_and_a_wrong_key(app):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["FORM_ID_KEY"] = old
    with app.app_context():
        token = seal(ID)
        app.config["FORM_ID_KEY"] = f"{new},{old}"  # the new key encrypts, the old one still opens
        assert unseal(token) == ID and Fernet(new.encode()).decrypt(seal(ID).encode()).decode() == ID
        app.config["FORM_ID_KEY"] = new
        assert unseal(token) is None  # a key rotated away opens nothing (printed masked), never a crash


def test_profile_keeps_id_and_phone_sealed(app, client, resident):
    with app.app_context():
        doc = app.extensions["mongo"]["residents"].find_one({"address": "江川市新城区市民大道1号"})
        assert ID not in json.dumps(doc, default=str) and PHONE not in json.dumps(doc, default=str)
        details = form_details(doc["_id"])
    assert details == {"name": "张三", "address": "江川市新城区市民大道1号", "id_number": ID, "phone": PHONE}
    assert client.get("/api/v1/me", headers=resident).get_json()["address"] == "江川市新城区市民大道1号"
