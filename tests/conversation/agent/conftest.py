from __future__ import annotations

import pytest

from tests.conversation.chat.conftest import app, rsps  # noqa: F401 - the chat tests' app (fake Rasa URL) and HTTP mock
from tests.factories import make_staff


@pytest.fixture
def agent(client, admin):
    return make_staff(client, admin, "agent")
