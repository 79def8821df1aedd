"""Demo cases: known numbers and factors, lamps right relative to today, seeding idempotent."""

import pytest

from miniapp_api.cases.demo import DEMO, ensure_demo_cases
from miniapp_api.core.stores import mongo
from tests.factories import seeded_app


@pytest.fixture
def app_config(app_config):
    app_config["CASES_DEMO_SEED"] = True
    return app_config


def test_demo_cases_show_each_lamp(client):
    lamps = {}
    for case_no, factor in [("JC2026112800001", "1234"), ("JC2026112800002", "2345"), ("JC2026112800003", "3456"),
                            ("JC2026112800004", "4567")]:  # fmt: skip
        response = client.get("/api/v1/cases/lookup", query_string={"case_no": case_no, "factor": factor})
        assert response.status_code == 200, response.get_json()
        lamps[case_no] = response.get_json()["lamp"]
    assert lamps == {"JC2026112800001": "green", "JC2026112800002": "yellow", "JC2026112800003": "red",
                     "JC2026112800004": "none"}  # fmt: skip


def test_demo_cases_in_supervision(client, admin):
    summary = client.get("/api/v1/staff/supervision", headers=admin).get_json()
    assert {k: summary["totals"][k] for k in ("green", "yellow", "red", "closed")} == {
        "green": 1, "yellow": 1, "red": 1, "closed": 1}
    assert [c["case_no"] for c in summary["overdue"]] == ["JC2026112800003"]


def test_seeding_is_idempotent_and_never_overwrites_a_real_case(app_config):
    app = seeded_app({**app_config, "CASES_DEMO_SEED": False})  # no demo cases yet: the real case comes first
    app.config["CASES_DEMO_SEED"] = True
    with app.app_context():
        mongo()["cases"].insert_one({"_id": DEMO[0][0], "status": "accepted", "department": "x", "real": True})
        app.extensions.pop("cases_demo_day", None)
        ensure_demo_cases()
        app.extensions.pop("cases_demo_day", None)
        ensure_demo_cases()
        assert mongo()["cases"].count_documents({}) == len(DEMO)
        assert mongo()["cases"].find_one({"_id": DEMO[0][0]})["real"] is True
        assert mongo()["cases"].count_documents({"demo": True}) == len(DEMO) - 1
