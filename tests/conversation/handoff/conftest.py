from __future__ import annotations

import pytest
import responses

from tests.conversation.chat.fakes import CHAT_CONFIG
from tests.factories import seeded_app


@pytest.fixture
def app(app_config):
    app_config.update(CHAT_CONFIG)
    return seeded_app(app_config)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def resident_token(app):
    from miniapp_api.identity.resident_auth import issue_session

    with app.app_context():
        return issue_session("openid-chat-test")["token"]
