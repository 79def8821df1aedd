"""Fixtures of the security suite (issue 13): a seeded app with a fake Rasa, the bot's service token,
development login, and helpers to act as a resident, as the bot in a chat turn, or from another address."""

from __future__ import annotations

import uuid

import pytest
import responses

from tests.conversation.chat.fakes import CHAT_CONFIG
from tests.factories import seeded_app

BOT_TOKEN = "bot-service-token-for-tests"
RASA_TOKEN = "rasa-token-for-tests"


@pytest.fixture
def app(app_config):
    app_config.update(CHAT_CONFIG, BOT_API_TOKEN=BOT_TOKEN, RASA_TOKEN=RASA_TOKEN, DEV_LOGIN=True)
    return seeded_app(app_config)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def resident(app) -> dict:
    """A signed-in resident: {"resident_id", "headers"}."""
    from miniapp_api.identity.resident_auth import issue_session

    with app.app_context():
        session = issue_session(f"o-{uuid.uuid4().hex[:12]}")
    return {"resident_id": session["resident_id"], "headers": {"Authorization": f"Bearer {session['token']}"}}


def bot_headers(conversation: str, token: str = BOT_TOKEN) -> dict:
    """How the action server calls the API during a turn of ``conversation``."""
    return {"X-Bot-Token": token, "X-Chat-Conversation": conversation}


def from_address(ip: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": ip}}
