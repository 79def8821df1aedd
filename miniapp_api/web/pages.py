"""What every console page shares: the blueprint factory with sign-in, CSRF and role checks,
HTML error pages, the page helper with the live-update ticket.

A console blueprint's views are signed-in by default; ``@roles(...)`` narrows a view below the
blueprint's own roles. Unsafe methods (POST…) must carry the CSRF token (``csrf.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from miniapp_api.core.errors import ApiError
from miniapp_api.live.tickets import make_ticket
from miniapp_api.web import csrf, sessions
from miniapp_api.web.menus import ROLE_LABELS, has_role, menu_for

ERROR_TITLES = {400: "输入有误", 401: "请先登录", 403: "无权访问", 404: "页面不存在", 409: "操作冲突",
                413: "内容太大", 422: "无法处理", 429: "操作太频繁", 503: "服务暂不可用"}


def roles(*needed: str) -> Callable:
    """Decorator: this view needs one of ``needed`` (checked by the blueprint's before_request)."""

    def mark(view: Callable) -> Callable:
        view.console_roles = needed  # type: ignore[attr-defined]
        return view

    return mark


def public(view: Callable) -> Callable:
    """Decorator: this view needs no sign-in (the login page); CSRF still applies."""
    view.console_public = True  # type: ignore[attr-defined]
    return view


def current_user() -> dict | None:
    """The signed-in staff member ``{username, role, departments}`` (read fresh from the account) or None."""
    if "console_user" in g:
        return g.console_user
    # Refreshes a page makes on its own carry X-Console-Auto (hx-headers): they do not count as activity.
    g.console_user = sessions.load(request.cookies.get(sessions.COOKIE),
                                   renew=request.headers.get("X-Console-Auto") != "1")
    return g.console_user


def _wants_fragment() -> bool:
    return request.headers.get("HX-Request") == "true"


def _guard(blueprint_roles: tuple[str, ...]) -> Callable[[], Any]:
    def before() -> Any:
        if request.method not in csrf.SAFE_METHODS and not csrf.valid():
            return error_page(403, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试", code="csrf_failed")
        view = current_app.view_functions.get(request.endpoint or "")
        if (request.endpoint or "").endswith(".static") or getattr(view, "console_public", False):
            return None
        user = current_user()
        if user is None:
            if _wants_fragment():  # htmx: a full redirect of the page, not a login form in a table cell
                return "", 401, {"HX-Redirect": url_for("web.login", next=request.full_path)}
            return redirect(url_for("web.login", next=request.full_path))
        needed = getattr(view, "console_roles", None) or blueprint_roles
        if needed and not has_role(user["role"], needed):
            return error_page(403, f"此页面需要角色：{'、'.join(ROLE_LABELS.get(r, r) for r in needed)}；"
                                   f"您的角色是{ROLE_LABELS.get(user['role'], user['role'])}", code="forbidden")
        return None

    return before


def error_page(status: int, message: str, code: str = "error", field: str | None = None) -> tuple[str, int]:
    template = "web/error_fragment.html" if _wants_fragment() else "web/error.html"
    return render_template(template, status=status, title=ERROR_TITLES.get(status, "出错了"), message=message,
                           code=code, field=field), status


def _api_error(exc: ApiError) -> tuple[str, int]:
    return error_page(exc.status, exc.message, exc.code, exc.field)


def _http_error(exc: HTTPException) -> tuple[str, int]:
    return error_page(exc.code or 500, exc.description or exc.name, (exc.name or "error").lower().replace(" ", "_"))


def console_blueprint(name: str, import_name: str, url_prefix: str, needed: tuple[str, ...] = (),
                      static: bool = False) -> Blueprint:
    """A blueprint of console pages: templates from the area's own ``templates/`` folder (names are
    prefixed by the area, e.g. ``guides/list.html``), sign-in, CSRF, roles, HTML errors."""
    extra = {"static_folder": "static", "static_url_path": "/static"} if static else {}
    bp = Blueprint(name, import_name, url_prefix=url_prefix, template_folder="templates", **extra)
    bp.before_request(_guard(needed))
    bp.register_error_handler(ApiError, _api_error)
    bp.register_error_handler(HTTPException, _http_error)
    return bp


def live_ticket(topics: tuple[str, ...] | list[str]) -> str:
    user = current_user()
    role = user["role"] if user else "anonymous"
    return make_ticket(current_app.config["SECRET_KEY"], list(topics), role,
                       ttl=int(current_app.config["LIVE_TICKET_TTL"]))


def page(template: str, title: str, live: tuple[str, ...] = (), http_status: int = 200, **context: Any):
    """Render a full console page; ``live`` topics make the page follow those live updates."""
    return render_template(template, title=title, live_topics=",".join(live),
                           live_ticket=live_ticket(live) if live else "", **context), http_status


def template_globals() -> dict[str, Any]:
    user = current_user() if request else None
    return {"console_user": user, "csrf_token": csrf.token, "role_labels": ROLE_LABELS,
            "menu": menu_for(user["role"]) if user else [], "has_role": has_role,
            "live_url": current_app.config["LIVE_PUBLIC_URL"], "live_port": current_app.config["LIVE_PORT"]}
