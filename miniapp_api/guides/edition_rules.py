"""The edition workflow of a guide's draft as one table: which action may move a draft from which
state to which, and who may do it. ``editions.py`` checks every step against it, the JSON API and
the console alike, so the two can never disagree.

    (no draft) ─edit→ editing ─submit→ in_review ─publish→ (published edition, no draft)
                        ↑  └──────────────edit────────┘│
                        └──edit── rejected ←─reject────┘   (reject needs a comment)

Four eyes: whoever edited the current draft may not publish it (``draft_editors``).
"""

from __future__ import annotations

from miniapp_api.core.errors import Conflict, Forbidden

NO_DRAFT = None
EDITING, IN_REVIEW, REJECTED = "editing", "in_review", "rejected"
STATUS_LABELS = {EDITING: "编辑中", IN_REVIEW: "待审核", REJECTED: "已退回", NO_DRAFT: "已发布"}

# action → (states it may start from, state it leads to (None: draft consumed), role it needs)
ACTIONS: dict[str, tuple[frozenset[str | None], str | None, str]] = {
    "edit": (frozenset({NO_DRAFT, EDITING, IN_REVIEW, REJECTED}), EDITING, "editor"),
    "submit": (frozenset({EDITING, REJECTED}), IN_REVIEW, "editor"),
    "reject": (frozenset({IN_REVIEW}), REJECTED, "publisher"),
    "publish": (frozenset({IN_REVIEW}), NO_DRAFT, "publisher"),
}
ACTION_LABELS = {"edit": "保存草稿", "submit": "提交审核", "reject": "退回", "publish": "发布"}

# Why a move is refused, per (action, current state); the JSON API's existing messages are kept.
_REFUSALS = {
    ("submit", IN_REVIEW): ("the draft is already submitted for review", "draft_status"),
    ("publish", EDITING): ("submit the draft for review before publishing", "draft_status"),
    ("publish", REJECTED): ("the draft was rejected: fix it and submit it again before publishing", "draft_status"),
    ("reject", EDITING): ("only a draft in review can be rejected", "draft_status"),
    ("reject", REJECTED): ("the draft is already rejected", "draft_status"),
}


def check(action: str, state: str | None) -> str | None:
    """The state after ``action`` from ``state``; Conflict (409) when the table does not allow it."""
    sources, target, _role = ACTIONS[action]
    if state in sources:
        return target
    if state is NO_DRAFT:
        raise Conflict("there is no draft to work on", "draft")
    message, field = _REFUSALS.get((action, state), (f"cannot {action} a draft that is {state}", "draft_status"))
    raise Conflict(message, field, code="illegal_transition")


def check_four_eyes(user: str, editors: list[str] | None) -> None:
    """Forbidden (403, ``four_eyes``) when ``user`` edited the draft they want to publish."""
    if user in (editors or []):
        raise Forbidden(f"four eyes: {user} edited this draft, so another publisher must publish it",
                        "draft", code="four_eyes")


def allowed_actions(state: str | None, user: str, editors: list[str] | None) -> list[str]:
    """The actions the table allows from ``state`` (roles are the caller's concern); for buttons."""
    actions = [a for a, (sources, _t, _r) in ACTIONS.items() if state in sources]
    if user in (editors or []) and "publish" in actions:
        actions.remove("publish")
    return actions


def draft_editors(record: dict) -> list[str]:
    """Who edited the current draft (records saved before the list existed know the last editor)."""
    editors = list(record.get("draft_editors") or [])
    if not editors and record.get("draft") and record.get("draft_by"):
        editors = [record["draft_by"]]
    return editors
