"""The handoff tests run on the chat tests' app (fake Rasa config), mock and resident token."""

from __future__ import annotations

from tests.conversation.chat.conftest import app, resident_token, rsps  # noqa: F401  (fixtures, shared)
