"""Appeal (诉求) statuses, the steps between them and who may take each step — one table.

    received ─dispatch─► dispatched ─accept─► accepted ─reply─► replied ─rate(满意/基本满意)─► closed
       │  ▲                 │                  │  ▲               │ └─close_unrated (7 days)─► closed
       │  └────return───────┘ (≤ 2 times)      │  │ approve/refuse └─rate(不满意, first time)─► reopened
       │  (returned ─dispatch─► dispatched)     ▼  │                                  │
       │                             extension_requested ─reply─► replied   reopened ─accept/reply─►
       └─merge─► merged  (a duplicate joins an earlier appeal; also from returned)

Every step the service takes is looked up here: the status it may start from, the status it leads
to, the role that may take it, whether a reason is required, and the counter that limits it (two
returns, one approved extension, one reopening). The service applies the result with optimistic
concurrency; nothing else decides whether a step is allowed.

Roles: ``dispatcher`` (12345 centre), ``department`` (a clerk bound to one or more departments; only
for appeals with one of them), ``resident`` (only their own appeal: signed in as the resident who filed
it, or proving its contact number — ``owner_key``), ``system`` (the rating deadline).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from miniapp_api.core.errors import Conflict, Forbidden

STATUS_LABELS: dict[str, str] = {
    "received": "已受理",
    "dispatched": "已转办",
    "accepted": "承办中",
    "returned": "已退回",
    "extension_requested": "延期申请中",
    "replied": "已答复",
    "reopened": "重办中",
    "closed": "已办结",
    "merged": "已并案",
}
STATUSES = tuple(STATUS_LABELS)
RATINGS: dict[str, str] = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
SATISFIED = frozenset({"satisfied", "basic"})  # the figures count 满意 and 基本满意 as satisfied

MAX_RETURNS = 2
MAX_EXTENSIONS = 1
MAX_REOPENS = 1
MAX_EXTENSION_DAYS = 15  # working days one extension may add
RATING_WINDOW = dt.timedelta(days=7)
MERGE_WINDOW = dt.timedelta(days=7)  # "the same matter within a few days": older ones are new appeals

# Where the appeal waits for a department / for the dispatcher / for nobody (the reply clock has stopped).
WITH_DISPATCHER = frozenset({"received", "returned"})
WITH_DEPARTMENT = frozenset({"dispatched", "accepted", "extension_requested", "reopened"})
REPLY_CLOCK_STOPPED = frozenset({"replied", "closed", "merged"})
FINAL = frozenset({"closed", "merged"})


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    role: str
    reason_required: bool = False
    limit: tuple[str, int] | None = None  # (counter, maximum): refused once the counter reached it
    counts: str | None = None  # counter this step adds one to


def _a(name: str, label: str, sources: set[str], target: str, role: str, **kw) -> Action:
    return Action(name, label, frozenset(sources), target, role, **kw)


ACTIONS: dict[str, Action] = {a.name: a for a in (
    _a("dispatch", "转办", {"received", "returned"}, "dispatched", "dispatcher"),
    _a("merge", "并案", {"received", "returned"}, "merged", "dispatcher", reason_required=True),
    _a("accept", "承办", {"dispatched", "reopened"}, "accepted", "department"),
    _a("return", "退回", {"dispatched"}, "returned", "department", reason_required=True,
       limit=("returns", MAX_RETURNS), counts="returns"),
    _a("request_extension", "申请延期", {"accepted"}, "extension_requested", "department", reason_required=True,
       limit=("extensions", MAX_EXTENSIONS)),
    _a("approve_extension", "同意延期", {"extension_requested"}, "accepted", "dispatcher",
       limit=("extensions", MAX_EXTENSIONS), counts="extensions"),
    _a("refuse_extension", "不同意延期", {"extension_requested"}, "accepted", "dispatcher", reason_required=True),
    _a("reply", "答复", {"accepted", "extension_requested", "reopened"}, "replied", "department",
       reason_required=True),
    _a("rate", "评价", {"replied"}, "closed", "resident"),
    _a("reopen", "不满意重办", {"replied"}, "reopened", "resident", limit=("reopens", MAX_REOPENS), counts="reopens"),
    _a("close_unrated", "逾期未评价办结", {"replied"}, "closed", "system"),
)}  # fmt: skip
TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(a.target for a in ACTIONS.values() if status in a.sources) for status in STATUSES
}


class RuleError(Conflict):
    """A refused step (409); ``code`` says why (illegal_transition, returns_limit, rating_window_closed…)."""

    code = "illegal_transition"


class NotPermitted(Forbidden):
    """The asker may not take this step (403)."""


@dataclass(frozen=True)
class Actor:
    """Who asks: ``roles`` after role implication (an admin holds them all)."""

    name: str
    roles: frozenset[str]
    departments: frozenset[str] = field(default_factory=frozenset)
    resident_id: str | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls("system", frozenset({"system"}))

    @classmethod
    def resident(cls, resident_id: str) -> Actor:
        return cls(f"resident:{resident_id}", frozenset({"resident"}), resident_id=resident_id)


def holds(actor: Actor, appeal: dict) -> bool:
    """Is the appeal's department one of the actor's (department role)?"""
    return "department" in actor.roles and appeal.get("department") in actor.departments


def owner_key(appeal: dict) -> str:
    """Who owns the appeal: the signed-in resident who filed it, else whoever proves its contact number."""
    return appeal.get("resident_id") or f"contact:{appeal['_id']}"


def is_owner(actor: Actor, appeal: dict) -> bool:
    return actor.resident_id is not None and actor.resident_id == owner_key(appeal)


def may_see_private(actor: Actor, appeal: dict) -> bool:
    """Text and contact: the dispatcher, the department the appeal is with, and its own resident."""
    if "dispatcher" in actor.roles or is_owner(actor, appeal):
        return True
    return holds(actor, appeal) and appeal.get("status") not in WITH_DISPATCHER | {"merged"}


def _label(status: str) -> str:
    return f"{status}({STATUS_LABELS.get(status, '?')})"


def check(appeal: dict, action_name: str, actor: Actor, now: dt.datetime, reason: str = "") -> Action:
    """The action if ``actor`` may take it on ``appeal`` at ``now``; RuleError / NotPermitted otherwise."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise RuleError(f"unknown action {action_name!r}", "action", code="unknown_action")
    status = appeal["status"]
    if action.role not in actor.roles:
        raise NotPermitted(f"「{action.label}」needs role {action.role}", "action")
    if action.role == "department" and not holds(actor, appeal):
        raise NotPermitted("该诉求不在您所在部门办理", "department")
    if action.role == "resident" and not is_owner(actor, appeal):
        raise NotPermitted("只能评价自己提交的诉求", "appeal_no")
    if status not in action.sources:
        allowed = "、".join(f"{a.name}({a.label})" for a in ACTIONS.values() if status in a.sources) or "无"
        raise RuleError(f"诉求状态 {_label(status)} 不能「{action.label}」；当前可进行：{allowed}", "status")
    if action.limit:  # before the reason: a step used up cannot be fixed by giving one
        counter, maximum = action.limit
        if int(appeal.get(counter) or 0) >= maximum:
            raise RuleError(f"「{action.label}」最多 {maximum} 次，已用完", "action", code=f"{counter}_limit")
    if action.reason_required and not reason.strip():
        raise RuleError(f"「{action.label}」需要填写理由或内容", "reason", code="reason_required")
    _check_rating_window(appeal, action, now)
    return action


def _check_rating_window(appeal: dict, action: Action, now: dt.datetime) -> None:
    if action.name not in {"rate", "reopen", "close_unrated"}:
        return
    replied_at = appeal.get("replied_at")
    if replied_at is None:
        raise RuleError("诉求尚未答复", "status")
    open_window = now <= replied_at + RATING_WINDOW
    if action.name == "close_unrated" and open_window:
        raise RuleError("评价期（答复后 7 天）尚未结束", "status", code="rating_window_open")
    if action.name != "close_unrated" and not open_window:
        raise RuleError("答复已超过 7 天，评价期已结束", "rating", code="rating_window_closed")


def rating_action(appeal: dict, rating: str) -> str:
    """The step a resident's rating takes: 不满意 reopens once (重办); anything else, or later, closes."""
    if rating not in RATINGS:
        raise RuleError(f"rating must be one of {', '.join(RATINGS)}", "rating", code="invalid_rating")
    if rating == "unsatisfied" and int(appeal.get("reopens") or 0) < MAX_REOPENS:
        return "reopen"
    return "rate"


def check_merge(duplicate: dict, target: dict) -> None:
    """A duplicate joins an earlier or concurrent appeal of the same matter, not a merged one."""
    if duplicate["_id"] == target["_id"]:
        raise RuleError("不能与自身并案", "into")
    if target["status"] == "merged":
        raise RuleError(f"{target['_id']} 已并入 {target.get('merged_into')}，请并入该诉求", "into")
    if abs(duplicate["created_at"] - target["created_at"]) > MERGE_WINDOW:
        raise RuleError("只有 7 天内的同一事项可以并案", "into", code="merge_window")


def allowed_actions(appeal: dict, actor: Actor, now: dt.datetime) -> list[str]:
    """The steps ``actor`` could take now (for the consoles' buttons); reasons assumed given."""
    out = []
    for name in ACTIONS:
        try:
            check(appeal, name, actor, now, reason="x")
        except (RuleError, NotPermitted):
            continue
        out.append(name)
    return out
