"""Parallel lookups: successes never refuse each other; guesses still cannot pass the limit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor


def _get(app, case_no, factor, ip):
    with app.test_client() as c:
        return c.get("/api/v1/cases/lookup", query_string={"case_no": case_no, "factor": factor},
                     environ_base={"REMOTE_ADDR": ip}).status_code  # fmt: skip


def test_parallel_successful_lookups_from_one_ip_all_succeed(app, case_no):
    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(lambda _: _get(app, case_no, "1234", "10.3.0.1"), range(48)))
    assert codes == [200] * 48


def test_a_right_factor_among_parallel_guesses_is_revealed_at_most_within_the_limit(app, case_no):
    factors = [f"{i:04d}" for i in range(100, 139)] + ["1234"]
    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(lambda f: _get(app, case_no, f, "10.3.0.2"), factors))
    assert codes.count(404) == 5  # CASE_LOOKUP_MAX_FAILURES
    assert codes.count(200) <= 1 and codes.count(429) == len(factors) - 5 - codes.count(200)
    if codes[-1] == 200:  # the right factor was decided while fewer than 5 failures were counted
        assert codes.count(429) == 34


def test_a_right_factor_after_the_limit_is_refused(app, case_no):
    for i in range(5):
        assert _get(app, case_no, f"{i:04d}", "10.3.0.3") == 404
    assert _get(app, case_no, "1234", "10.3.0.3") == 429
