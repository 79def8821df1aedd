"""Supervision pages (admin / backoffice): lamps by department and by item, the overdue list,
and each case's timeline."""

from __future__ import annotations

from miniapp_api.cases.service import case_view, get_case
from miniapp_api.cases.supervision import supervision_summary
from miniapp_api.web.pages import console_blueprint, page

bp = console_blueprint("cases_console", __name__, "/console/supervision", ("admin", "backoffice"))
LIVE = ("cases",)


@bp.route("/")
def index():
    from flask import request

    summary = supervision_summary()
    template = "cases/_summary.html" if request.args.get("partial") == "summary" else "cases/supervision.html"
    rendered = page(template, "效能督查", LIVE, s=summary)
    return rendered[0] if request.args.get("partial") == "summary" else rendered


@bp.route("/cases/<case_no>")
def case(case_no: str):
    view = case_view(get_case(case_no), staff=True)
    return page("cases/case.html", f"办件 {view['case_no']}", LIVE, c=view)
