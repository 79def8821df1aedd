"""Ratings (好差评) and callbacks (回访) pages (agent / backoffice): averages, the daily trend,
and the callback tasks to work off."""

from __future__ import annotations

from flask import g, redirect, request, url_for

from miniapp_api.core.clock import local_today
from miniapp_api.feedback import ratings
from miniapp_api.feedback.trend import satisfaction
from miniapp_api.kb.search_stats import days_back
from miniapp_api.web.pages import console_blueprint, page

bp = console_blueprint("feedback_console", __name__, "/console/feedback", ("agent", "backoffice"))


@bp.route("/")
def index():
    status = request.args.get("status", "open")
    return page("feedback/index.html", "好差评与回访", summary=ratings.summary(),
                trend=satisfaction(days_back(local_today(), 30)), callbacks=ratings.callbacks(status or None),
                status=status, done=request.args.get("done"))


@bp.route("/callbacks/<callback_id>/done", methods=["POST"])
def callback_done(callback_id: str):
    ratings.complete_callback(callback_id, g.console_user["username"], (request.form.get("note") or "").strip())
    return redirect(url_for(".index", done=callback_id[:8]))
