from __future__ import annotations

import pytest
import responses

from miniapp_api import create_app
from tests.chat.fakes import CHAT_CONFIG
from tests.factories import make_staff


@pytest.fixture
def app(app_config):
    app_config.update(CHAT_CONFIG)
    return create_app(app_config)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def agent(client, admin):
    return make_staff(client, admin, "agent")
