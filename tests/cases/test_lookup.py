"""Lookup by case number + last 4 of ID number or phone, throttled against guessing."""

import pytest

from tests.cases.helpers import advance, backoffice


def get(client, case_no, factor, ip="10.0.0.1"):
    return client.get("/api/v1/cases/lookup", query_string={"case_no": case_no, "factor": factor},
                      environ_base={"REMOTE_ADDR": ip})  # fmt: skip


def test_lookup_by_id_or_phone_last4(client, case_no):
    for factor in ("1234", "5678"):  # ID ends 1234, phone 13812345678
        response = get(client, case_no, factor)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["case_no"] == case_no and body["lamp"] in ("green", "yellow")
        assert body["item_name"] == "普通护照签发" and "applicant" not in body
        assert [e["status"] for e in body["timeline"]] == ["submitted", "accepted"]
    assert get(client, case_no.lower(), "1234").status_code == 200


def test_wrong_factor_and_unknown_case_answer_the_same_404(client, case_no):
    wrong = get(client, case_no, "9999")
    unknown = get(client, "JC2000010100001", "1234")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["error"]["code"] == "case_not_found"


@pytest.mark.parametrize("case_no,factor,field", [
    ("JC123", "1234", "case_no"), ("XX2026112800001", "1234", "case_no"), ("JC2026112800001", "12", "factor"),
    ("JC2026112800001", "12a4", "factor"), ("JC2026112800001", "", "factor"),
])  # fmt: skip
def test_malformed_input_is_400_naming_the_field(client, case_no, factor, field):
    response = get(client, case_no, factor)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field


def test_missing_parameters_are_400(client):
    response = client.get("/api/v1/cases/lookup?case_no=JC2026112800001")
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "factor"


def test_five_failures_from_one_ip_block_that_ip_for_any_case(client, case_no):
    for _ in range(5):
        assert get(client, case_no, "0000", ip="10.0.0.9").status_code == 404
    blocked = get(client, "JC2000010100001", "1234", ip="10.0.0.9")
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 900
    assert blocked.get_json()["error"]["code"] == "lookup_rate_limited"
    assert get(client, case_no, "1234", ip="10.0.0.9").status_code == 429  # even the right factor now
    assert get(client, "JC2000010100002", "1234", ip="10.0.0.10").status_code == 404  # another IP is fine


def test_failures_on_one_case_from_many_ips_block_that_case(client, case_no):
    for i in range(5):
        assert get(client, case_no, "0000", ip=f"10.1.0.{i}").status_code == 404
    assert get(client, case_no, "1234", ip="10.1.1.1").status_code == 429


def test_successful_lookups_do_not_count(client, case_no):
    for _ in range(12):
        assert get(client, case_no, "1234").status_code == 200
    for _ in range(4):
        assert get(client, case_no, "0000").status_code == 404
    assert get(client, case_no, "1234").status_code == 200
    assert get(client, case_no, "0000").status_code == 404
    assert get(client, case_no, "1234").status_code == 429


def test_parallel_guesses_cannot_pass_the_limit(app, client, case_no):
    from concurrent.futures import ThreadPoolExecutor

    def guess(i):
        with app.test_client() as c:
            return get(c, case_no, f"{i:04d}", ip="10.2.0.1").status_code

    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(guess, range(100, 140)))
    assert codes.count(404) == 5 and codes.count(429) == 35


def test_a_cached_view_follows_every_change_of_the_case(client, admin, case_no):
    bo = backoffice(client, admin)
    assert get(client, case_no, "1234").get_json()["status"] == "accepted"  # now cached in this worker
    assert get(client, case_no, "1234").get_json()["status"] == "accepted"
    advance(client, bo, case_no, "under_review")
    body = get(client, case_no, "1234").get_json()
    assert body["status"] == "under_review" and body["timeline"][-1]["status"] == "under_review"


def test_a_cached_view_is_rebuilt_when_the_token_is_lost(app, client, case_no):
    """A Redis restart loses the tokens: the view is read again, and a later change still shows."""
    from miniapp_api.cases import view_cache as case_view_cache
    assert get(client, case_no, "1234").status_code == 200
    with app.app_context():
        app.extensions["redis"].delete(case_view_cache.token_key(case_no))
        app.extensions["mongo"]["cases"].update_one({"_id": case_no}, {"$set": {"item_name": "改名后的事项"}})
    assert get(client, case_no, "1234").get_json()["item_name"] == "改名后的事项"
    with app.app_context():
        app.extensions["mongo"]["cases"].update_one({"_id": case_no}, {"$set": {"item_name": "再次改名"}})
        case_view_cache.case_changed(case_no)
    assert get(client, case_no, "1234").get_json()["item_name"] == "再次改名"
