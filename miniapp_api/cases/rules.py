"""Case (办件) statuses and the transitions the approval system may report.

The table is the single source of truth: every back-office event is checked against it, so a
case can never jump, say, from 已提交 straight to 已邮寄.
"""

from __future__ import annotations

from miniapp_api.core.errors import Conflict

STATUS_LABELS: dict[str, str] = {
    "submitted": "已提交",
    "accepted": "已受理",
    "correction_requested": "待补正",
    "under_review": "审查中",
    "approved": "审批通过",
    "rejected": "不予许可/不予受理",
    "completed": "已办结",
    "mailed": "证照已邮寄",
    "picked_up": "证照已领取",
}
STATUSES = tuple(STATUS_LABELS)

# status → statuses it may move to. correction_requested → accepted is the applicant resubmitting.
TRANSITIONS: dict[str, frozenset[str]] = {
    "submitted": frozenset({"accepted", "rejected", "correction_requested"}),
    "accepted": frozenset({"under_review", "correction_requested", "approved", "rejected"}),
    "correction_requested": frozenset({"accepted", "rejected"}),
    "under_review": frozenset({"approved", "rejected", "correction_requested"}),
    "approved": frozenset({"completed"}),
    "rejected": frozenset(),
    "completed": frozenset({"mailed", "picked_up"}),
    "mailed": frozenset(),
    "picked_up": frozenset(),
}

# The promised time limit runs until the case is 办结 (completed) or refused; these end the clock.
CLOSED = frozenset({"rejected", "completed", "mailed", "picked_up"})
OPEN = frozenset(STATUSES) - CLOSED
# A resident may rate a case once the result is in their hands (or at least decided and done).
RATEABLE = frozenset({"completed", "mailed", "picked_up"})


def check_transition(current: str, new: str) -> None:
    """Raise Conflict (409, code illegal_transition) unless ``current`` → ``new`` is allowed."""
    allowed = TRANSITIONS.get(current, frozenset())
    if new in allowed:
        return
    nexts = "、".join(f"{s}({STATUS_LABELS[s]})" for s in sorted(allowed)) or "无（办件已终结）"
    raise Conflict(
        f"办件状态不能从 {current}({STATUS_LABELS.get(current, '?')}) 变为 {new}({STATUS_LABELS.get(new, '?')})；"
        f"允许的下一状态：{nexts}",
        "status",
        code="illegal_transition",
    )
