"""The dashboard page (admin / publisher / backoffice): today, 7 days or 30 days."""

from __future__ import annotations

from flask import request

from miniapp_api.core.clock import local_today
from miniapp_api.dashboard.figures import RANGES, dashboard
from miniapp_api.kb.search_stats import days_back
from miniapp_api.web.pages import console_blueprint, page

bp = console_blueprint("dashboard_console", __name__, "/console/dashboard",
                       ("admin", "publisher", "backoffice", "dispatcher"), static=True)  # fmt: skip
# Chart data is refreshed when something it shows changes, and every minute for the searches.
LIVE = ("guides", "kb.unanswered", "cases")
RANGE_LABELS = {"today": "今天", "7d": "近 7 天", "30d": "近 30 天"}


@bp.route("/")
def index():
    chosen = request.args.get("range", "7d")
    if chosen not in RANGES:
        chosen = "7d"
    figures = dashboard(days_back(local_today(), RANGES[chosen]))
    template = "dashboard/_body.html" if request.args.get("partial") == "body" else "dashboard/index.html"
    rendered = page(template, "运行看板", LIVE, figures=figures, chosen=chosen, range_labels=RANGE_LABELS)
    return rendered[0] if request.args.get("partial") == "body" else rendered
