import pytest

from tests.cases.helpers import cleanup_rq


@pytest.fixture
def app_config(app_config):
    # no demo cases unless a test asks for them (they would change the supervision counts)
    app_config["CASES_DEMO_SEED"] = False
    yield app_config
    cleanup_rq(app_config["REDIS_PREFIX"])
