"""The facts the API and the bot must agree on, defined once.

The bot (its own Python environment) never types these again: its actions read them from
``GET /api/v1/meta`` and its NLU generator from the file ``flask kb build`` writes
(``vocabulary_document``).
"""

from __future__ import annotations

import re

# Case numbers: "JC" + yyyymmdd (hall time) + a 5-digit daily sequence.
CASE_NO_PREFIX = "JC"
CASE_NO_PATTERN = CASE_NO_PREFIX + r"[0-9]{13}"  # ASCII digits: \d would take ０-９
# Appeal numbers: "TS" + yyyymmdd (hall time) + a 5-digit daily sequence.
APPEAL_NO_PREFIX = "TS"
APPEAL_NO_PATTERN = APPEAL_NO_PREFIX + r"[0-9]{13}"
# Local catalogue codes: 个人 GR-nnn, 法人 QY-nnn, 一件事 bundles YJS-nnn.
ITEM_CODE_PATTERN = r"(?:GR|QY|YJS)-[0-9]{3}"
BUNDLE_PREFIX = "YJS-"
# The second factor of a case lookup: last 4 of the ID number (may end in X) or of the phone.
FACTOR_PATTERN = r"[0-9X]{4}"

CASE_NO_RE = re.compile(rf"^{CASE_NO_PATTERN}$")
APPEAL_NO_RE = re.compile(rf"^{APPEAL_NO_PATTERN}$")
ITEM_CODE_RE = re.compile(rf"^{ITEM_CODE_PATTERN}$")
FACTOR_RE = re.compile(rf"^{FACTOR_PATTERN}$")

# Guide field → the bot intent that asks about it (the names of bot/domain.yml).
FIELD_INTENTS = {
    "materials": "ask_materials", "fee": "ask_fee", "time_limit": "ask_time_limit",
    "location": "ask_location", "contact": "ask_location", "conditions": "ask_conditions",
    "process": "ask_process", "online": "ask_process", "basis": "ask_conditions", "faq": "ask_process",
}  # fmt: skip
# Intent → the field it asks about first (several fields share an intent; this is the main one).
INTENT_FIELDS = {
    "ask_materials": "materials", "ask_fee": "fee", "ask_time_limit": "time_limit",
    "ask_location": "location", "ask_conditions": "conditions", "ask_process": "process",
}  # fmt: skip
KB_INTENTS = frozenset(FIELD_INTENTS.values())  # questions the knowledge base answers (not ask_progress)


def vocabulary_document() -> dict:
    """The static part of the vocabulary, as JSON for the bot."""
    return {
        "patterns": {"case_no": CASE_NO_PATTERN, "appeal_no": APPEAL_NO_PATTERN, "item_code": ITEM_CODE_PATTERN,
                     "factor": FACTOR_PATTERN},
        "field_intents": FIELD_INTENTS,
        "intent_fields": INTENT_FIELDS,
    }
