import pytest

from tests.cases.helpers import cleanup_rq


@pytest.fixture
def app_config(app_config):
    app_config.update(
        CASES_DEMO_SEED=False, WECHAT_APP_ID="wx-test-app", WECHAT_APP_SECRET="test-secret",
        WECHAT_TEMPLATE_CASE_STATUS="tpl-case", WECHAT_TEMPLATE_APPOINTMENT_REMINDER="tpl-remind",
        WECHAT_TEMPLATE_QUEUE_NEAR="tpl-queue", NOTIFY_RETRY_INTERVALS="10,30,60",
    )
    yield app_config
    cleanup_rq(app_config["REDIS_PREFIX"])
