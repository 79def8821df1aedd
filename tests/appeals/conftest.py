from __future__ import annotations

import pytest

from tests.factories import make_staff


@pytest.fixture
def agent(client, admin):
    return make_staff(client, admin, "agent")
