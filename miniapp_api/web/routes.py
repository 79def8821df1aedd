"""Sign-in, sign-out, the console home, staff accounts (admin) and live tickets."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, g, jsonify, redirect, request, url_for

from miniapp_api.core.audit import audit
from miniapp_api.core.errors import ApiError, TooManyRequests, ValidationFailed
from miniapp_api.core.stores import mongo
from miniapp_api.identity.staff import ROLES, create_staff, update_staff
from miniapp_api.identity.staff_login import login as staff_login
from miniapp_api.live.publish import valid_topic
from miniapp_api.web import csrf, sessions
from miniapp_api.web.menus import menu_for
from miniapp_api.web.pages import console_blueprint, current_user, live_ticket, page, public, roles

bp = console_blueprint("web", __name__, "/console", static=True)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no //evil.example open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if request.method == "GET":
        if current_user():
            return redirect(_safe_next(request.args.get("next")))
        return page("web/login.html", "登录", next=request.args.get("next", ""))
    username = (request.form.get("username") or "").strip()
    # The JSON API's sign-in: name normalisation, failure throttling and lock-out, constant time.
    try:
        token = staff_login(username, request.form.get("password") or "", request.remote_addr)["token"]
    except TooManyRequests as exc:
        minutes = max(1, (exc.retry_after + 59) // 60)
        return page("web/login.html", "登录", http_status=429, next=request.form.get("next", ""), username=username,
                    error=f"登录失败次数过多，请 {minutes} 分钟后再试")
    except ApiError:
        return page("web/login.html", "登录", http_status=401, next=request.form.get("next", ""), username=username,
                    error="用户名或密码错误")
    sessions.end(request.cookies.get(sessions.COOKIE))  # a session cookie from before sign-in is not reused
    sessions.start(token)
    csrf.renew()
    response = redirect(_safe_next(request.form.get("next")))
    response.set_cookie(sessions.COOKIE, token, httponly=True, samesite="Lax", path="/",
                        secure=request.is_secure or current_app.config["WEB_COOKIE_SECURE"])
    return response


@bp.route("/logout", methods=["POST"])
@public
def logout():
    sessions.end(request.cookies.get(sessions.COOKIE))
    csrf.renew()
    response = redirect(url_for("web.login"))
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


@bp.route("/")
def home():
    entries = menu_for(current_user()["role"])
    if entries:
        return redirect(url_for(entries[0][0]))
    return page("web/home.html", "工作台")


@bp.route("/live-ticket")
def fresh_live_ticket():
    """A new ticket for a page whose live connection was refused (its ticket expired)."""
    topics = [t for t in (request.args.get("topics") or "").split(",") if t]
    if not topics or len(topics) > 16 or not all(valid_topic(t) for t in topics):
        raise ValidationFailed("topics: comma-separated live topic names", "topics")
    return jsonify({"ticket": live_ticket(topics)})


# -- staff accounts (admin) ------------------------------------------------------------------
@bp.route("/accounts", methods=["GET"])
@roles("admin")
def accounts():
    return _accounts_page()


def _accounts_page(error: ApiError | None = None, form: dict | None = None, status: int = 200):
    rows = list(mongo()["staff"].find({}, {"_id": 0, "password_hash": 0}).sort("username", 1))
    return page("web/accounts.html", "账号管理", rows=rows, roles=ROLES, error=error, form=form or {},
                http_status=status)


def _departments(raw: str | None) -> list[str]:
    return [d.strip() for d in (raw or "").replace("，", ",").split(",") if d.strip()]


@bp.route("/accounts", methods=["POST"])
@roles("admin")
def account_create():
    form = {k: (request.form.get(k) or "").strip() for k in ("username", "role", "departments")}
    try:
        user = create_staff(mongo(), form["username"], request.form.get("password") or "", form["role"],
                            _departments(form["departments"]))
    except ApiError as exc:
        return _accounts_page(exc, form, exc.status)
    audit(mongo(), g.console_user["username"], "create_staff", None, {"username": user["username"],
                                                                      "role": user["role"]})
    return redirect(url_for("web.accounts"))


@bp.route("/accounts/<username>", methods=["POST"])
@roles("admin")
def account_update(username: str):
    role, active = request.form.get("role") or None, request.form.get("active") == "1"
    me = g.console_user["username"]
    if username == me and (role not in (None, "admin") or not active):
        raise ValidationFailed("不能撤销自己的管理员权限或停用自己（避免系统没有管理员）", "role")
    departments = _departments(request.form.get("departments")) if "departments" in request.form else None
    # update_staff ends every session and token of the account when its role changes or it is disabled.
    updated = update_staff(username, active=active, role=role, departments=departments)
    audit(mongo(), me, "update_staff", None, {"username": updated["username"], "role": updated["role"],
                                              "active": updated["active"]})
    return redirect(url_for("web.accounts"))


def site_root():
    """``/``: the site leads to sign-in (or, signed in, to the console)."""
    return redirect(url_for("web.home"))
