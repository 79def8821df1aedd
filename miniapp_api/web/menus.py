"""The console menu: which pages each role sees (the same role rules as the JSON API:
``identity.staff.IMPLIES`` — admin implies every role, publisher implies editor)."""

from __future__ import annotations

from miniapp_api.identity.staff import IMPLIES

# (endpoint, label, roles that may open it: any one suffices)
MENU: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("dashboard_console.index", "运行看板", ("admin", "publisher", "backoffice", "dispatcher")),
    ("guides_console.index", "办事指南", ("editor",)),
    ("kb_console.index", "知识库", ("editor",)),
    ("cases_console.index", "效能督查", ("admin", "backoffice")),
    ("feedback_console.index", "好差评与回访", ("agent", "backoffice")),
    ("call_console.call_screen", "热线坐席", ("agent",)),
    ("conversation_console.index", "转人工", ("agent",)),
    ("queue_console.index", "窗口叫号", ("agent",)),
    ("appeals_console.index", "诉求办理", ("dispatcher", "department")),
    ("web.accounts", "账号管理", ("admin",)),
)

ROLE_LABELS = {"editor": "编辑", "publisher": "发布审核", "admin": "管理员", "agent": "坐席/窗口",
               "backoffice": "审批后台", "dispatcher": "12345派单", "department": "承办部门"}


def has_role(role: str, needed: tuple[str, ...] | list[str]) -> bool:
    return bool(IMPLIES.get(role, set()) & set(needed))


def menu_for(role: str) -> list[tuple[str, str]]:
    """(endpoint, label) of the pages ``role`` may open, in menu order."""
    return [(endpoint, label) for endpoint, label, roles in MENU if has_role(role, roles)]
