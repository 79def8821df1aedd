"""Demo cases with known numbers and second factors, so the README walk-through can look one up.

Their dates are computed relative to today, so the lamps are right whenever the demo runs: on a
later day the demo cases (only those still marked ``demo``) are rebuilt. Real cases are never
touched. Numbers and factors (last 4 of the ID number, or of the phone):

    JC2026112800001  factor 1234  最低生活保障申请, corrected once, under review   → green
    JC2026112800002  factor 2345  普通护照签发, deadline is the next working day   → yellow
    JC2026112800003  factor 3456  社会保障卡申领, accepted 10 working days ago (7 promised) → red
    JC2026112800004  factor 4567  居民身份证换领, completed and mailed             → none
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app

from miniapp_api.cases.service import apply_event, case_document
from miniapp_api.cases.view_cache import case_changed
from miniapp_api.core.clock import hall_tz, local_today
from miniapp_api.core.stores import mongo
from miniapp_api.halls.lamps import ProvisionalCalendar, case_clock, workday_calendar

log = logging.getLogger(__name__)
BY = "demo-seed"

# (case_no, item, applicant name, ID number, phone, lamp wanted)
DEMO = (
    ("JC2026112800001", "GR-013", "张明", "110105198705161234", "13800001234", "green"),
    ("JC2026112800002", "GR-006", "李华", "320102199003132345", "13900002345", "yellow"),
    ("JC2026112800003", "GR-017", "王芳", "440304197612163456", "13700003456", "red"),
    ("JC2026112800004", "GR-001", "赵强", "510107200108284567", "13600004567", "none"),
)


def _back(cal: ProvisionalCalendar, day: dt.date, n: int) -> dt.date:
    """The working day ``n`` working days before ``day``."""
    while n > 0:
        day -= dt.timedelta(days=1)
        n -= cal.is_workday(day)
    return day


def _fwd(cal: ProvisionalCalendar, day: dt.date, n: int) -> dt.date:
    return cal.add_workdays(day, n)


def _events(lamp: str, promised: int, today: dt.date, cal: ProvisionalCalendar) -> list[tuple[str, dt.date, str]]:
    if lamp == "green":
        accepted = _back(cal, today, 3)
        return [("submitted", accepted, "网上申请"), ("accepted", accepted, ""),
                ("correction_requested", _fwd(cal, accepted, 1), "请补充近6个月家庭收入证明"),
                ("accepted", _fwd(cal, accepted, 2), "已补正"),
                ("under_review", _fwd(cal, accepted, 2), "入户调查")]  # fmt: skip
    if lamp == "yellow":
        last_day = today if cal.is_workday(today) else _fwd(cal, today, 1)
        accepted = _back(cal, last_day, promised)
        return [("submitted", accepted, ""), ("accepted", accepted, ""),
                ("under_review", _fwd(cal, accepted, 1), "制证中")]  # fmt: skip
    if lamp == "red":
        accepted = _back(cal, today, promised + 3)
        return [("submitted", accepted, ""), ("accepted", accepted, ""),
                ("under_review", _fwd(cal, accepted, 1), "等待银行制卡")]  # fmt: skip
    accepted = _back(cal, today, promised + 4)
    return [("submitted", accepted, ""), ("accepted", accepted, ""), ("under_review", _fwd(cal, accepted, 1), ""),
            ("approved", _fwd(cal, accepted, 6), ""), ("completed", _fwd(cal, accepted, 7), "证件已制好"),
            ("mailed", _fwd(cal, accepted, 8), "EMS 1187654321098")]  # fmt: skip


def _build(spec: tuple, today: dt.date, cal: ProvisionalCalendar) -> dict:
    case_no, item_code, name, id_number, phone, lamp = spec
    tz = hall_tz()
    body = {"item_code": item_code, "channel": "window",
            "applicant": {"name": name, "id_number": id_number, "phone": phone}}  # fmt: skip
    events = _events(lamp, 0, today, cal)
    start = dt.datetime.combine(events[0][1], dt.time(9, 0), tz)
    doc = case_document(body, BY, start)
    events = _events(lamp, doc["promised_days"], today, cal)
    doc["timeline"] = []
    for i, (status, day, note) in enumerate(events):
        at = dt.datetime.combine(day, dt.time(9 + i, 0), tz).astimezone(dt.UTC)
        changes, event = apply_event(doc, status, note, BY, at)
        doc.update(changes)
        doc["timeline"].append(event)
    doc.update(_id=case_no, version=1, demo=True, demo_seeded_on=today.isoformat(), created_at=doc["timeline"][0]["at"])
    doc["deadline"] = case_clock(doc, today, cal)["deadline"]
    return doc


def ensure_demo_cases() -> None:
    """Seed (or, on a new day, refresh) the demo cases; cheap after the first call of the day."""
    cfg, ext = current_app.config, current_app.extensions
    today = local_today()
    if not cfg.get("CASES_DEMO_SEED") or ext.get("cases_demo_day") == today:
        return
    cal = ProvisionalCalendar(workday_calendar())
    cases = mongo()["cases"]
    for spec in DEMO:
        existing = cases.find_one({"_id": spec[0]}, {"demo": 1, "demo_seeded_on": 1})
        if existing and (not existing.get("demo") or existing.get("demo_seeded_on") == today.isoformat()):
            continue  # a real case with that number, or already fresh today
        try:
            cases.replace_one({"_id": spec[0]}, _build(spec, today, cal), upsert=True)
            case_changed(spec[0])
        except Exception:  # a demo must never break a request
            log.exception("could not seed demo case %s", spec[0])
    ext["cases_demo_day"] = today
