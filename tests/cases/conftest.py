import pytest

from tests.cases.helpers import advance, backoffice, cleanup_rq, new_case


@pytest.fixture
def app_config(app_config):
    # no demo cases unless a test asks for them (they would change the supervision counts)
    app_config["CASES_DEMO_SEED"] = False
    yield app_config
    cleanup_rq(app_config["REDIS_PREFIX"])


@pytest.fixture
def case_no(client, admin):
    """An accepted 护照 case created through the back office."""
    bo = backoffice(client, admin)
    no = new_case(client, bo, "GR-006")["case_no"]
    advance(client, bo, no, "accepted")
    return no
