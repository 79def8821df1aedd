"""Guide editor pages (editor / publisher): list, structured form with the schema's errors beside
each field, side-by-side diff, submit / reject with a comment / publish (four eyes), history and
rollback. Every step goes through ``editions`` — the same workflow as the JSON API."""

from __future__ import annotations

import copy

from flask import current_app, g, redirect, request, url_for
from marshmallow import ValidationError

from miniapp_api.catalogue.repo import GuideRepository
from miniapp_api.catalogue.schema import AUDIENCES, MATERIAL_FORMS, ONLINE_LEVELS, GuideSchema
from miniapp_api.core.errors import ApiError, NotFound, ValidationFailed, flatten_errors
from miniapp_api.core.stores import mongo
from miniapp_api.guides import editions
from miniapp_api.guides.diffview import side_by_side
from miniapp_api.guides.edition_rules import STATUS_LABELS, allowed_actions, draft_editors
from miniapp_api.guides.guide_form import FIELD_LABELS, field_errors, form_to_guide, hall_choices, lines, table_rows
from miniapp_api.kb.console import STATUS_LABELS as KB_STATUS_LABELS
from miniapp_api.kb.console import ask
from miniapp_api.kb.service import knowledge_base
from miniapp_api.web.menus import has_role
from miniapp_api.web.pages import console_blueprint, page, roles

bp = console_blueprint("guides_console", __name__, "/console/guides", ("editor",))
LIVE = ("guides",)
DONE_MESSAGES = {"saved": "草稿已保存", "submitted": "已提交审核", "rejected": "已退回并附意见",
                 "published": "已发布，新版本已同步到知识库和各渠道", "rolled_back": "已回滚为新版本"}


def _status(record: dict) -> str:
    return record.get("draft_status") or "published"


def _rows(q: str, status: str) -> list[dict]:
    projection = {"code": 1, "published.name": 1, "published.department": 1, "draft.name": 1, "draft_status": 1,
                  "published_edition": 1, "updated_at": 1, "draft_by": 1, "_id": 0}
    rows = []
    for doc in mongo()["guides"].find({}, projection).sort("code", 1):
        shown = doc.get("draft") or doc.get("published") or {}
        published = doc.get("published") or {}
        row = {"code": doc["code"], "name": shown.get("name") or published.get("name", ""),
               "department": published.get("department", ""), "status": _status(doc),
               "edition": doc.get("published_edition", 0), "updated_at": doc.get("updated_at"),
               "draft_by": doc.get("draft_by") if doc.get("draft_status") else None}
        if status and row["status"] != status:
            continue
        if q and q.lower() not in f"{row['code']} {row['name']} {row['department']}".lower():
            continue
        rows.append(row)
    return rows


@bp.route("/")
def index():
    q, status = (request.args.get("q") or "").strip(), request.args.get("status") or ""
    rows = _rows(q, status)
    if request.args.get("partial") == "rows":
        return page("guides/_rows.html", "办事指南", rows=rows, status_labels=STATUS_LABELS)[0]
    counts: dict[str, int] = {}
    for row in _rows("", ""):
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return page("guides/list.html", "办事指南", LIVE, rows=rows, q=q, status=status, counts=counts,
                status_labels=STATUS_LABELS)


def _record(code: str) -> dict:
    record = GuideRepository(mongo()).record(code)
    if record is None:
        raise NotFound(f"没有事项 {code}", "code")
    return record


def _editor(code: str, guide: dict | None = None, errors: dict | None = None, status: int = 200):
    record = _record(code)
    user = g.console_user
    guide = guide if guide is not None else (record.get("draft") or record.get("published") or {})
    actions = allowed_actions(record.get("draft_status"), user["username"], draft_editors(record))
    if not has_role(user["role"], ("publisher",)):
        actions = [a for a in actions if a not in ("reject", "publish")]
    blocked_by_four_eyes = (record.get("draft_status") == "in_review" and has_role(user["role"], ("publisher",))
                            and user["username"] in draft_editors(record))
    return page("guides/edit.html", f"编辑 {code}", LIVE, http_status=status, code=code, record=record, guide=guide,
                errors=errors or {}, actions=actions, four_eyes=blocked_by_four_eyes, table_rows=table_rows,
                lines=lines, labels=FIELD_LABELS, audiences=AUDIENCES, material_forms=MATERIAL_FORMS,
                online_levels=ONLINE_LEVELS, status_labels=STATUS_LABELS,
                halls=hall_choices(list(mongo()["halls"].find({}, {"windows": 0}))),
                done=DONE_MESSAGES.get(request.args.get("done", "")))


@bp.route("/<code>")
def edit(code: str):
    return _editor(code.upper())


@bp.route("/<code>", methods=["POST"])
def save(code: str):
    code = code.upper()
    guide = form_to_guide(request.form)
    guide["code"] = code  # the code is not editable here
    try:
        GuideSchema().load(guide)
    except ValidationError as exc:
        return _editor(code, guide, field_errors(flatten_errors(exc.messages)), status=400)
    try:
        editions.save_draft(code, guide, g.console_user["username"], current_app.config["GUIDES_DIR"])
    except ValidationFailed as exc:  # checks beyond the schema (catalogue, bundle items)
        return _editor(code, guide, {exc.field or "_form": exc.message}, status=400)
    return redirect(url_for(".edit", code=code, done="saved"))


@bp.route("/<code>/submit", methods=["POST"])
def submit(code: str):
    editions.submit(code.upper(), g.console_user["username"])
    return redirect(url_for(".edit", code=code.upper(), done="submitted"))


@bp.route("/<code>/reject", methods=["POST"])
@roles("publisher")
def reject(code: str):
    editions.reject(code.upper(), g.console_user["username"], request.form.get("comment", ""))
    return redirect(url_for(".edit", code=code.upper(), done="rejected"))


@bp.route("/<code>/publish", methods=["POST"])
@roles("publisher")
def publish(code: str):
    note = (request.form.get("note") or "").strip() or "审核通过，发布"
    editions.publish(code.upper(), g.console_user["username"], note)
    return redirect(url_for(".edit", code=code.upper(), done="published"))


@bp.route("/<code>/diff")
def diff(code: str):
    record = _record(code.upper())
    fields = side_by_side(record.get("published"), record.get("draft")) if record.get("draft") else []
    return page("guides/diff.html", f"差异 {code.upper()}", LIVE, code=code.upper(), record=record, fields=fields,
                status_labels=STATUS_LABELS)


@bp.route("/<code>/history")
def history(code: str):
    code = code.upper()
    record = _record(code)
    repo = GuideRepository(mongo())
    return page("guides/history.html", f"版本 {code}", LIVE, code=code, record=record,
                editions=list(reversed(repo.history(code))), audit=repo.audit_entries(code, limit=50),
                status_labels=STATUS_LABELS,
                done=DONE_MESSAGES.get(request.args.get("done", "")))


@bp.route("/<code>/rollback", methods=["POST"])
@roles("publisher")
def rollback(code: str):
    try:
        edition = int(request.form.get("edition", ""))
    except ValueError:
        raise ValidationFailed("edition 必须是版本号", "edition") from None
    editions.rollback(code.upper(), edition, g.console_user["username"], request.form.get("note", ""))
    return redirect(url_for(".history", code=code.upper(), done="rolled_back"))


# -- an FAQ from a question on the KB desk: a guide edit, so it goes through the review ------------
def _candidates(question: str) -> list[dict]:
    """Items the question might be about (the KB's own guesses first, then every item)."""
    guesses = [{"code": r["item_code"], "name": r["item_name"]} for r in ask(question)["results"]] if question else []
    others = [{"code": c, "name": gd["name"]} for c, gd in sorted(knowledge_base().guides().items())
              if c not in {x["code"] for x in guesses}]
    return guesses + others


@bp.route("/faq-form")
def faq_form():
    question = (request.args.get("question") or "").strip()
    return page("guides/_faq_form.html", "知识库", question=question, candidates=_candidates(question), error=None,
                form={"q": question})[0]


@bp.route("/faqs/add", methods=["POST"])
def faq_add():
    """Append the FAQ to the item's draft and submit it for review: an FAQ is part of the guide, so
    it is published by a publisher like any other edit (four eyes)."""
    form = {k: (request.form.get(k) or "").strip() for k in ("item_code", "q", "a", "question")}
    user = g.console_user["username"]
    try:
        if not form["q"] or not form["a"]:
            raise ValidationFailed("问题和回答都要填写", "a" if form["q"] else "q")
        record = GuideRepository(mongo()).record(form["item_code"])
        if record is None:
            raise ValidationFailed("请选择事项", "item_code")
        guide = copy.deepcopy(record.get("draft") or record["published"])
        guide["faqs"] = [*guide.get("faqs", []), {"q": form["q"], "a": form["a"]}]
        editions.save_draft(form["item_code"], guide, user, current_app.config["GUIDES_DIR"])
        if (GuideRepository(mongo()).record(form["item_code"]) or {}).get("draft_status") != "in_review":
            editions.submit(form["item_code"], user)
    except ApiError as exc:
        return page("guides/_faq_form.html", "知识库", question=form["question"],
                    candidates=_candidates(form["question"]), error=exc, form=form)[0], exc.status
    message = f"已把问答加入 {form['item_code']} 的草稿并提交审核，发布后居民即可得到这条回答"
    result = ask(form["question"]) if form["question"] else None
    return page("kb/_answer.html", "知识库", q=form["question"], result=result, labels=KB_STATUS_LABELS,
                message=message)[0]
