"""Staff side of appeals: the dispatcher's queue, the departments' steps, the figures (JSON and CSV)."""

from __future__ import annotations

from flask import Response, g
from flask_smorest import Blueprint

from miniapp_api.appeals import directory, queues, rollup, workflow
from miniapp_api.appeals.rules import Actor
from miniapp_api.appeals.schemas import (
    AppealStaffSchema,
    AppealStepSchema,
    DepartmentBindingSchema,
    FiguresArgs,
    KeywordTableSchema,
    StaffAppealListArgs,
)
from miniapp_api.appeals.views import staff_view
from miniapp_api.core.audit import audit
from miniapp_api.core.clock import local_today
from miniapp_api.core.errors import ValidationFailed
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.core.stores import mongo
from miniapp_api.identity.staff import IMPLIES, account_name, bind_departments, department_clerks, require_role

blp = Blueprint("appeals_staff", __name__, url_prefix="/api/v1/staff/appeals",
                description="Appeals for the 12345 centre and the departments (转办·承办·答复·统计)")  # fmt: skip
STAFF_ROLES = ("dispatcher", "department", "agent")


def actor() -> Actor:
    staff = g.staff
    return Actor(staff["username"], frozenset(IMPLIES.get(staff["role"], {staff["role"]})),
                 frozenset(staff.get("departments") or ()))  # fmt: skip


def _view(doc: dict) -> dict:
    return staff_view(doc, actor(), local_today(), workflow.utcnow(), detail=True)


@blp.route("")
@blp.arguments(StaffAppealListArgs(), location="query")
@blp.response(200)
@require_role(*STAFF_ROLES)
def staff_list(args: dict):
    """Appeals newest first: all for the dispatcher (and, without text or contact, hotline agents); a
    department clerk gets those of their departments."""
    who = actor()
    docs = queues.listing(who, args.get("status"), args.get("department"), args["limit"])
    today, now = local_today(), workflow.utcnow()
    return {"appeals": [staff_view(d, who, today, now) for d in docs]}


@blp.route("/queue")
@blp.response(200)
@require_role("dispatcher")
def dispatcher_queue():
    """New and returned appeals, oldest first, each with a suggested department and likely duplicates."""
    return {"appeals": queues.dispatcher_queue(actor())}


@blp.route("/departments")
@blp.response(200)
@require_role(*STAFF_ROLES)
def department_list():
    """Departments an appeal can be dispatched to."""
    return {"departments": directory.departments()}


@blp.route("/keywords")
@blp.response(200, KeywordTableSchema)
@require_role("dispatcher")
def keywords_get():
    """The keyword table behind the suggested department."""
    return {"departments": directory.keyword_table()}


@blp.route("/keywords", methods=["PUT"])
@blp.arguments(KeywordTableSchema())
@blp.response(200, KeywordTableSchema)
@require_role("dispatcher")
def keywords_put(body: dict):
    """Replace the keyword table (every worker uses it from its next request)."""
    return {"departments": directory.store_keyword_table(body["departments"], g.staff["username"])}


@blp.route("/clerks")
@blp.response(200)
@require_role("admin")
def clerk_list():
    """Department clerks and the departments each handles appeals for (admin)."""
    return {"clerks": department_clerks(), "departments": directory.departments()}


def rebind(username: str, departments: list[str], by: str) -> dict:
    """Bind a clerk to known departments, audited with the departments before and after."""
    names = [directory.check_department(d, "departments") for d in departments]
    name = account_name(username)
    before, after = bind_departments(name, names)
    audit(mongo(), by, "appeal.bind_departments", name, {"before": before, "after": after})
    return {"username": name, "departments": after, "before": before}


@blp.route("/clerks/<username>/departments", methods=["PUT"])
@blp.arguments(DepartmentBindingSchema())
@blp.response(200)
@blp.alt_response(400, schema=ErrorResponseSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@require_role("admin")
def clerk_departments(body: dict, username: str):
    """Change which departments a department clerk is bound to (admin; audited). Takes effect on the
    clerk's next request: the appeals of a department no longer theirs leave their list and steps."""
    return rebind(username, body["departments"], g.staff["username"])


def _period(args: dict) -> tuple:
    first, last = args["from_"], args["to"]
    if last < first:
        raise ValidationFailed("to must not be before from", "to")
    if (last - first).days > rollup.MAX_PERIOD_DAYS:
        raise ValidationFailed(f"a period of at most {rollup.MAX_PERIOD_DAYS} days", "to")
    return first, last


@blp.route("/figures")
@blp.arguments(FiguresArgs(), location="query")
@blp.response(200)
@require_role("dispatcher", "department")
def figures_json(args: dict):
    """The 网络理政 report of a period (appeals received from..to): totals, by department, by type."""
    first, last = _period(args)
    return rollup.report(first, last, local_today(), directory.appeal_types().label)


@blp.route("/figures.csv")
@blp.arguments(FiguresArgs(), location="query")
@require_role("dispatcher", "department")
def figures_csv(args: dict):
    """The same report as CSV (UTF-8 with BOM, opens in Excel)."""
    from miniapp_api.appeals.figures import to_csv

    first, last = _period(args)
    report = rollup.report(first, last, local_today(), directory.appeal_types().label)
    name = f"appeal-figures-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(to_csv(report), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@blp.route("/close-unrated", methods=["POST"])
@blp.response(200)
@require_role("dispatcher")
def close_unrated():
    """Close replied appeals whose 7 rating days are over (as not rated). Also `flask appeals close-unrated`."""
    return {"closed": workflow.close_unrated()}


@blp.route("/<appeal_no>")
@blp.response(200, AppealStaffSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@require_role(*STAFF_ROLES)
def staff_detail(appeal_no: str):
    """One appeal with its timeline (who, when) and the steps the caller may take now."""
    return _view(workflow.get_appeal(appeal_no))


def _step(appeal_no: str, action: str, body: dict) -> dict:
    return _view(workflow.take(appeal_no, action, actor(), **body))


def _route(path: str, action: str, roles: tuple[str, ...], doc: str) -> None:
    """One POST per step; flask-smorest reads the docstring when the route is declared, so set it first."""

    def step(body: dict, appeal_no: str):
        return _step(appeal_no, action, body)

    step.__doc__, step.__name__ = doc, f"step_{action}"
    view = require_role(*roles)(step)
    errors = (blp.alt_response(409, schema=ErrorResponseSchema), blp.alt_response(403, schema=ErrorResponseSchema))
    for decorate in (*errors, blp.response(200, AppealStaffSchema), blp.arguments(AppealStepSchema)):
        view = decorate(view)
    blp.route(f"/<appeal_no>/{path}", methods=["POST"], endpoint=f"step_{action}")(view)


_route("dispatch", "dispatch", ("dispatcher",), "转办: send to a department (body: department, reason optional).")
_route("merge", "merge", ("dispatcher",), "并案: a duplicate joins an earlier appeal (body: into, reason).")
_route("accept", "accept", ("department",), "承办: the department takes the appeal.")
_route("return", "return", ("department",), "退回: back to the dispatcher with a reason (at most twice).")
_route("extension", "request_extension", ("department",), "申请延期 (body: days, reason).")
_route("extension/approve", "approve_extension", ("dispatcher",), "同意延期 (body: days to grant, optional).")
_route("extension/refuse", "refuse_extension", ("dispatcher",), "不同意延期 (body: reason).")
_route("reply", "reply", ("department",), "答复: the reply the resident receives (body: reason = reply text).")
