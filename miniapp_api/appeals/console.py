"""The appeals desk in the browser (网络理政): the dispatcher's queue with the suggested department and
likely duplicates (转办, 并案), extensions to decide; a department clerk's appeals with accept, return,
extension and reply; each appeal's timeline; for an admin, which departments each clerk is bound to.

Same rules as the JSON API: every step goes through ``workflow.take`` with the signed-in account as
the actor (``rules.py`` decides), views come from ``views.staff_view`` (text and contact only for the
dispatcher and the department holding the appeal). A refused step shows the rule's message (4xx page).
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from miniapp_api.appeals import directory, queues, rules, workflow
from miniapp_api.appeals.rules import Actor
from miniapp_api.appeals.staff_routes import rebind
from miniapp_api.appeals.views import staff_view
from miniapp_api.core.clock import local_today
from miniapp_api.core.errors import ValidationFailed
from miniapp_api.identity.staff import IMPLIES, department_clerks
from miniapp_api.web.pages import console_blueprint, current_user, page, roles

bp = console_blueprint("appeals_console", __name__, "/console/appeals", ("dispatcher", "department"))
REFRESH = "every 30s"  # the lists refresh themselves; a step reloads the page
# form field → the step's keyword (the JSON API's AppealStepSchema names)
STEP_FIELDS = {"department": str, "reason": str, "into": str, "days": int}
STEPS = {"dispatch": "dispatch", "merge": "merge", "accept": "accept", "return": "return",
         "extension": "request_extension", "approve": "approve_extension", "refuse": "refuse_extension",
         "reply": "reply"}  # fmt: skip


def _actor() -> Actor:
    user = g.get("console_user") or current_user()
    return Actor(user["username"], frozenset(IMPLIES.get(user["role"], {user["role"]})),
                 frozenset(user.get("departments") or ()))  # fmt: skip


def _lists(who: Actor) -> dict:
    today, now = local_today(), workflow.utcnow()
    out: dict = {"queue": [], "extensions": [], "mine": []}
    if "dispatcher" in who.roles:
        out["queue"] = queues.dispatcher_queue(who)
        pending = queues.listing(who, "extension_requested", None, 100)
        out["extensions"] = [staff_view(d, who, today, now) for d in pending]
        out["recent"] = [staff_view(d, who, today, now) for d in queues.listing(who, None, None, 30)]
    if who.departments:
        open_statuses = rules.WITH_DEPARTMENT
        rows = [d for d in queues.listing(who, None, None, 200) if d["status"] in open_statuses]
        out["mine"] = [staff_view(d, who, today, now) for d in rows]
    return out


@bp.route("/")
def index():
    who = _actor()
    context = {"lists": _lists(who), "who": who, "departments": directory.departments(), "refresh": REFRESH}
    if request.args.get("partial") == "lists":
        return render_template("appeals/_lists.html", **context)
    return page("appeals/index.html", "诉求办理", (), **context)


@bp.route("/<appeal_no>")
def detail(appeal_no: str):
    who = _actor()
    view = staff_view(workflow.get_appeal(appeal_no), who, local_today(), workflow.utcnow(), detail=True)
    suggestion = None
    if view["status"] in rules.WITH_DISPATCHER and view.get("private"):
        suggestion = directory.router().suggest(view["what"]).public()
    return page("appeals/appeal.html", f"诉求 {view['appeal_no']}", (), a=view, suggestion=suggestion,
                departments=directory.departments())  # fmt: skip


def _params() -> dict:
    params: dict = {}
    for name, kind in STEP_FIELDS.items():
        raw = (request.form.get(name) or "").strip()
        if not raw:
            continue
        if kind is int:
            if not raw.isdigit():
                raise ValidationFailed("天数应为整数", name)
            params[name] = int(raw)
        else:
            params[name] = raw[:2000]
    return params


@bp.route("/<appeal_no>/<step>", methods=["POST"])
def take_step(appeal_no: str, step: str):
    action = STEPS.get(step)
    if action is None:
        raise ValidationFailed(f"未知的操作 {step!r}", "action")
    workflow.take(appeal_no, action, _actor(), **_params())
    back = request.form.get("back")
    if back == "list" or action in ("dispatch", "merge"):  # the dispatcher goes on with the queue
        return redirect(url_for("appeals_console.index"))
    return redirect(url_for("appeals_console.detail", appeal_no=appeal_no))


@bp.route("/clerks")
@roles("admin")
def clerks():
    return page("appeals/clerks.html", "承办人员与部门", (), clerks=department_clerks(),
                departments=directory.departments())  # fmt: skip


@bp.route("/clerks/<username>", methods=["POST"])
@roles("admin")
def clerk_bind(username: str):
    chosen = request.form.getlist("departments")
    rebind(username, chosen, _actor().name)
    return redirect(url_for("appeals_console.clerks"))
