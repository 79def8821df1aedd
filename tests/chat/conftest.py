from __future__ import annotations

import pytest
import responses

from miniapp_api import create_app
from tests.chat.fakes import CHAT_CONFIG


@pytest.fixture
def app(app_config):
    app_config.update(CHAT_CONFIG)
    return create_app(app_config)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def resident_token(app):
    from miniapp_api.services.resident_auth import issue_session

    with app.app_context():
        return issue_session("openid-chat-test")["token"]
