"""The knowledge-base desk (editor): unanswered and clarify questions with counts, a synonym from a
question in two clicks and the question asked again, the synonym table, and a search box that shows
exactly what residents get (the same ``knowledge_base().search`` as /api/v1/kb/search). An FAQ from
a question is a guide edit: its form and route are the guide editor's (``guides/console.py``).
"""

from __future__ import annotations

import copy

from flask import g, request

from miniapp_api.catalogue.repo import GuideRepository
from miniapp_api.core.errors import ApiError, ValidationFailed
from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.kb.service import knowledge_base
from miniapp_api.kb.synonyms import check_conflicts, with_variant
from miniapp_api.web.pages import console_blueprint, page

bp = console_blueprint("kb_console", __name__, "/console/kb", ("editor",))
LIVE = ("kb.unanswered", "guides")
STATUS_LABELS = {"answered": "已回答", "clarify": "需澄清", "unanswerable": "无法回答"}


def ask(question: str) -> dict:
    """What a resident gets for ``question`` — without counting it as a resident's search."""
    return knowledge_base().search(question, 3, log_unanswered=False).as_dict()


def _groups() -> list[dict]:
    kb = knowledge_base()
    kb.refresh()
    return kb.synonym_groups


def _save_groups(groups: list[dict]) -> int:
    check_conflicts(groups)
    repo = GuideRepository(mongo())
    repo.save_synonyms(groups)
    version = knowledge_base().set_synonyms(groups)
    repo.audit(g.console_user["username"], "edit_synonyms", None, {"groups": len(groups), "kb_version": version})
    return version


def _questions() -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {"unanswerable": [], "clarify": []}
    for row in knowledge_base().unanswered(limit=200):
        grouped[row["status"]].append(row)
    return grouped


@bp.route("/")
def index():
    q = (request.args.get("q") or "").strip()
    grouped = _questions()
    context = {"grouped": grouped, "q": q, "result": ask(q) if q else None, "labels": STATUS_LABELS,
               "totals": {k: sum(r["count"] for r in v) for k, v in grouped.items()}}
    if request.args.get("partial") == "questions":
        return page("kb/_questions.html", "知识库", **context)[0]
    return page("kb/desk.html", "知识库", LIVE, **context)


@bp.route("/ask")
def reask():
    q = (request.args.get("q") or "").strip()
    if not q:
        raise ValidationFailed("请输入问题", "q")
    return page("kb/_answer.html", "知识库", q=q, result=ask(q), labels=STATUS_LABELS)[0]


def _canonical_choices() -> list[str]:
    names = [gd["name"] for gd in knowledge_base().guides().values()]
    return sorted({grp["canonical"] for grp in _groups()} | set(names))


@bp.route("/synonym-form")
def synonym_form():
    question = (request.args.get("question") or "").strip()
    words = knowledge_base().current().pipeline.words(knowledge_base().current().pipeline.normalize(question))
    return page("kb/_synonym_form.html", "知识库", question=question, words=[w for w in words if len(w) > 1],
                choices=_canonical_choices(), error=None, form={})[0]


@bp.route("/synonyms/add", methods=["POST"])
def synonym_add():
    question = (request.form.get("question") or "").strip()
    form = {k: (request.form.get(k) or "").strip() for k in ("canonical", "variant")}
    try:
        version = _save_groups(with_variant(_groups(), form["canonical"], form["variant"]))
    except ApiError as exc:
        return page("kb/_synonym_form.html", "知识库", question=question, words=[], choices=_canonical_choices(),
                    error=exc, form=form)[0], exc.status
    message = f"已添加同义词：{form['variant']} → {form['canonical']}（知识库 v{version}）"
    return page("kb/_answer.html", "知识库", q=question, result=ask(question) if question else None,
                labels=STATUS_LABELS, message=message)[0]


@bp.route("/unanswered/dismiss", methods=["POST"])
def dismiss():
    """Take a worked-off question off the list (it comes back if residents ask it again)."""
    question, status = request.form.get("question") or "", request.form.get("status") or ""
    if status not in ("unanswerable", "clarify"):
        raise ValidationFailed("status must be unanswerable or clarify", "status")
    rds().zrem(rkey("kb", "unanswered", status), question)
    return ""


@bp.route("/synonyms")
def synonyms():
    return page("kb/synonyms.html", "同义词表", ("guides",), groups=_groups(), error=None, form={})


@bp.route("/synonyms", methods=["POST"])
def synonyms_save():
    """Edit one group (its variants as one text area) or add a new group."""
    groups = copy.deepcopy(_groups())
    index = request.form.get("index", "new")
    canonical = (request.form.get("canonical") or "").strip()
    variants = [v.strip() for v in (request.form.get("variants") or "").replace("，", ",").split(",") if v.strip()]
    form = {"index": index, "canonical": canonical, "variants": ",".join(variants)}
    try:
        if not canonical or not variants:
            raise ValidationFailed("标准词和同义词都要填写", "canonical" if not canonical else "variants")
        group = {"canonical": canonical, "variants": list(dict.fromkeys(variants))}
        if index == "new":
            groups.append(group)
            position = len(groups) - 1
        else:
            position = int(index)
            if request.form.get("delete"):
                groups.pop(position)
            else:
                groups[position] = group
        try:
            _save_groups(groups)
        except ValidationFailed as exc:
            bad = int((exc.field or "groups.0").split(".")[1])
            clash = groups[bad if bad != position else position]
            raise ValidationFailed(f"冲突：{exc.message}（第 {bad + 1} 组“{clash['canonical']}”）", "variants",
                                   code="synonym_conflict") from None
    except (ValueError, IndexError):
        return page("kb/synonyms.html", "同义词表", ("guides",), groups=_groups(),
                    error=ValidationFailed("没有这一组", "index"), form=form, http_status=400)
    except ApiError as exc:
        return page("kb/synonyms.html", "同义词表", ("guides",), groups=_groups(), error=exc, form=form,
                    http_status=exc.status)
    return page("kb/synonyms.html", "同义词表", ("guides",), groups=_groups(), error=None, form={},
                saved=canonical)
