"""The steps of an appeal after it is filed: 转办, 并案, 承办, 退回, 延期, 答复, 评价, 重办, 逾期未评.

``take`` is the only writer of a filed appeal: ``rules.check`` decides whether the step is allowed,
``_changes`` computes the new fields, and one conditional update (on ``version``) writes them with
the timeline entry, so two clerks clicking at once cannot both move the same old state. After the
write: the figures' cells, the audit log, and — for a reply — the resident is told.
"""

from __future__ import annotations

import datetime as dt

from miniapp_api.appeals import rollup, rules
from miniapp_api.appeals.deadlines import add_workdays, workdays_between
from miniapp_api.appeals.delivery import deliver_reply
from miniapp_api.appeals.directory import appeal_types, check_department
from miniapp_api.appeals.rules import Actor, NotPermitted, RuleError
from miniapp_api.core.audit import audit
from miniapp_api.core.clock import local_date
from miniapp_api.core.errors import Conflict, NotFound, ValidationFailed
from miniapp_api.core.stores import mongo
from miniapp_api.core.vocabulary import APPEAL_NO_RE
from miniapp_api.halls.calendar import workday_calendar
from miniapp_api.halls.lamps import ProvisionalCalendar


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def calendar() -> ProvisionalCalendar:
    # a year without a loaded schedule counts Monday–Friday rather than refusing to file an appeal
    return ProvisionalCalendar(workday_calendar())


def get_appeal(appeal_no: str) -> dict:
    number = (appeal_no or "").upper()
    doc = mongo()["appeals"].find_one({"_id": number}) if APPEAL_NO_RE.match(number) else None
    if doc is None:
        raise NotFound(f"诉求 {appeal_no} 不存在", "appeal_no")
    for name in ("created_at", "replied_at"):
        if doc.get(name) is not None:
            doc[name] = aware(doc[name])
    return doc


def due_on(clock_from: str, days: int, extension_days: int) -> str:
    return add_workdays(calendar(), dt.date.fromisoformat(clock_from), days + extension_days).isoformat()


def _changes(doc: dict, action: rules.Action, actor: Actor, now: dt.datetime, params: dict) -> dict:
    """The fields one allowed step sets (besides the timeline)."""
    today = local_date(now).isoformat()
    changes: dict = {"status": action.target, "version": doc.get("version", 1) + 1, "updated_at": now}
    if action.counts:
        changes[action.counts] = int(doc.get(action.counts) or 0) + 1
    name = action.name
    if name == "dispatch":
        changes["department"] = params["department"]
    elif name == "merge":
        changes["merged_into"] = params["target"]["_id"]
    elif name == "return":
        changes.update(department=None, returned_from=doc.get("department"))
    elif name == "request_extension":
        days = params.get("days")
        if not isinstance(days, int) or not 1 <= days <= rules.MAX_EXTENSION_DAYS:
            raise ValidationFailed(f"延期天数应为 1–{rules.MAX_EXTENSION_DAYS} 个工作日", "days")
        changes["pending_extension"] = {"days": days, "reason": params["reason"], "by": actor.name, "at": now}
    elif name == "approve_extension":
        asked = int(doc["pending_extension"]["days"])
        days = params.get("days") or asked
        if not 1 <= days <= asked:
            raise ValidationFailed(f"批准的天数应为 1–{asked} 个工作日", "days")
        extension = int(doc.get("extension_days") or 0) + days
        changes.update(pending_extension=None, extension_days=extension,
                       due_on=due_on(doc["clock_from"], doc["limit_days"], extension))  # fmt: skip
    elif name == "refuse_extension":
        changes["pending_extension"] = None
    elif name == "reply":
        changes.update(reply=params["reason"], replied_at=now, replied_by=doc.get("department"),
                       replies=int(doc.get("replies") or 0) + 1, pending_extension=None)  # fmt: skip
        if doc.get("first_replied_on") is None:
            received = dt.date.fromisoformat(doc["received_on"])
            changes.update(first_replied_on=today, replied_on_time=today <= doc["due_on"],
                           reply_workdays=workdays_between(calendar(), received, local_date(now)))  # fmt: skip
    elif name in ("rate", "reopen"):
        rating = {"rating": params["rating"], "comment": params.get("reason", ""), "at": now}
        changes.update(rating=params["rating"], ratings=[*doc.get("ratings", []), rating])
        if name == "reopen":  # 重办: the same department, a fresh time limit from today
            changes.update(clock_from=today, extension_days=0, due_on=due_on(today, doc["limit_days"], 0))
    return changes


def _note(action: rules.Action, params: dict) -> str:
    if action.name == "dispatch":
        return f"转办至{params['department']}" + (f"：{params['reason']}" if params.get("reason") else "")
    if action.name == "merge":
        return f"与 {params['target']['_id']} 为同一事项，并案办理：{params['reason']}"
    if action.name in ("rate", "reopen"):
        label = rules.RATINGS[params["rating"]]
        return f"评价：{label}" + (f"（{params['reason']}）" if params.get("reason") else "")
    if action.name == "request_extension":
        return f"申请延期 {params['days']} 个工作日：{params['reason']}"
    return params.get("reason", "")


def take(appeal_no: str, action_name: str, actor: Actor, now: dt.datetime | None = None, **params) -> dict:
    """Apply one step by ``actor``; returns the updated appeal document."""
    doc = get_appeal(appeal_no)
    now = aware(now or utcnow())
    params["reason"] = str(params.get("reason") or "").strip()
    if action_name == "rate":
        action_name = rules.rating_action(doc, params.get("rating"))
    if action_name == "merge":
        if not params.get("into"):
            raise ValidationFailed("并案需要指明并入的诉求编号", "into")
        params["target"] = get_appeal(params["into"])
    action = rules.check(doc, action_name, actor, now, params["reason"])
    if action_name == "merge":
        rules.check_merge(doc, params["target"])
    if action_name == "dispatch":
        params["department"] = check_department(params.get("department"))
    changes = _changes(doc, action, actor, now, params)
    event = {"status": action.target, "action": action.name, "at": now, "by": actor.name,
             "role": action.role, "department": doc.get("department") if action.role == "department" else None,
             "note": _note(action, params)}  # fmt: skip
    result = mongo()["appeals"].update_one({"_id": doc["_id"], "version": doc.get("version", 1)},
                                           {"$set": changes, "$push": {"timeline": event}})  # fmt: skip
    if result.modified_count != 1:
        raise Conflict("诉求刚被其他人更新，请刷新后重试", "status", code="concurrent_update")
    after = {**doc, **changes, "timeline": [*doc.get("timeline", []), event]}
    rollup.apply(doc, after)
    audit(mongo(), actor.name, f"appeal.{action.name}", doc["_id"],
          {"from": doc["status"], "to": action.target, "department": after.get("department")})
    if action_name == "merge":
        mongo()["appeals"].update_one({"_id": params["target"]["_id"]}, {"$addToSet": {"duplicates": doc["_id"]}})
    if action_name == "reply":
        deliver_reply(after)
    return after


def close_unrated(now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Close replied appeals whose 7 rating days are over, as not rated (never as satisfied)."""
    now = aware(now or utcnow())
    cutoff = now - rules.RATING_WINDOW
    rows = mongo()["appeals"].find({"status": "replied", "replied_at": {"$lt": cutoff}}, {"_id": 1}).limit(limit)
    closed = 0
    for row in list(rows):
        try:
            take(row["_id"], "close_unrated", Actor.system(), now, reason="评价期满未评价")
            closed += 1
        except (RuleError, NotPermitted, Conflict):  # rated or reopened meanwhile
            continue
    return closed


def filed_fields(kind: str, received: dt.date) -> dict:
    """The deadline fields of a newly filed appeal of type ``kind``."""
    days = appeal_types().days(kind)
    clock_from = received.isoformat()
    return {"type": kind, "received_on": clock_from, "clock_from": clock_from, "limit_days": days,
            "extension_days": 0, "due_on": due_on(clock_from, days, 0)}  # fmt: skip
