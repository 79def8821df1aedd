"""Read a province's item export (JSON lines, the 广东政务服务网 format) into guide dicts.

One record is one published variant of an item: the same item (事项, ``matter_name``) appears in
several situations (办理项, ``subTaskName``) and at several levels/departments, each with its own
national implementation code (``TASK_CODE``). Every field the export carries is mapped; what it
does not carry (fees, process, legal basis …) is listed in the guide's ``missing`` so that answers
can say so instead of inventing it.

A bad row gives a ``RowIssue`` (line number, field, message) and the rest of the file goes on:
``fatal`` issues drop the row (no code, no name, not JSON), the others drop only that field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from miniapp_api.catalogue.importer.values import (
    ImportResult,
    RowIssue,
    conditions_of,
    days,
    missing_elements,
    phones_of,
    text,
    text_list,
    unwrap,
)

SOURCE_FORMAT = "gd_export"
CODE_RE = re.compile(r"^[0-9A-Z]{18,40}$")
LOCATION_PREFIX = re.compile(r"^\s*(?:办理地点|地点|地址)\s*[:：]\s*")
NO_COUNTER = "无线下办理"  # "无线下办理窗口": online only, no counter to go to
ALIAS_SPLIT = re.compile(r"[,，、;；/|]+")
WHOLE_ALIAS_MIN, LIST_ALIAS_MIN = 3, 5
PERSON = "自然人"


def _days(raw, name: str, issues: list[RowIssue], line: int) -> tuple[int | None, str]:
    """Working days from "20(工作日)"; natural days are kept as a note, never converted."""
    try:
        parsed = days(raw)
    except ValueError as exc:
        issues.append(RowIssue(line, name, str(exc)))
        return None, ""
    if parsed is None:
        return None, ""
    count, unit = parsed
    return (None, f"{count} 个自然日") if unit == "自然日" else (count, "")


def _situation(task_name: str | None, name: str, sub: str | None) -> str | None:
    """The 办理项 of a record: ``subTaskName``, else what the full task name adds in brackets."""
    if sub:
        return unwrap(sub) or None
    if task_name and task_name != name and task_name.startswith(name):
        rest = task_name[len(name) :].strip()
        if rest[:1] in "(（" and rest[-1:] in ")）":
            return unwrap(rest) or None
    return None


def _export_aliases(rec: dict, name: str) -> list[str]:
    """The export's own short and everyday names (matter_short, matter_daily).

    A whole value is a name ("自考免考"; "专职 律师 执业" is one name written with spaces). A value
    with separators is often a keyword list ("无线电,频率,新申请"): only its long parts are names,
    since "变更" or "一级" alone would pull every question with that word to this item.
    """
    out: list[str] = []
    for key in ("matter_short", "matter_daily"):
        try:
            raw = text(rec.get(key))
        except ValueError:  # not text: there is no alias to take
            continue
        parts = ALIAS_SPLIT.split(raw or "")
        shortest = WHOLE_ALIAS_MIN if len(parts) == 1 else LIST_ALIAS_MIN
        for part in parts:
            alias = part.replace(" ", "")
            if len(alias) >= shortest and alias != name and alias not in out:
                out.append(alias)
    return out


def map_record(rec: dict, line: int, source: str = "") -> tuple[dict | None, list[RowIssue]]:
    """One export record → (guide dict or None when the row cannot be used, issues)."""
    issues: list[RowIssue] = []

    def get(key: str, conv: Callable, default):
        try:
            return conv(rec.get(key))
        except ValueError as exc:
            issues.append(RowIssue(line, key, str(exc)))
            return default

    code = get("TASK_CODE", text, None)
    if code is None:
        return None, [*issues, RowIssue(line, "TASK_CODE", "the national item code is missing", fatal=True)]
    if not CODE_RE.match(code):
        return None, [*issues, RowIssue(line, "TASK_CODE", f"{code!r} is not a national item code", fatal=True)]
    name = get("matter_name", text, None)
    task_name = get("TASK_NAME", text, None)
    if name is None:
        name = task_name
        if name is None:
            return None, [*issues, RowIssue(line, "matter_name", "the item has no name", fatal=True)]
        issues.append(RowIssue(line, "matter_name", "missing; the task name is used instead"))

    legal, legal_note = _days(rec.get("handle_time"), "handle_time", issues, line)
    promised, promised_note = _days(rec.get("handle_time_limit"), "handle_time_limit", issues, line)
    if legal is not None and promised is not None and promised > legal:
        issues.append(RowIssue(line, "handle_time_limit", f"promised {promised} days exceed the legal {legal}"))
        promised = None
    notes = "；".join(
        f"{label} {note}" for label, note in (("法定时限", legal_note), ("承诺时限", promised_note)) if note
    )
    time_limit = None
    if legal is not None or promised is not None or notes:
        time_limit = {"legal_days": legal, "promised_days": promised, "notes": notes}

    where = get("handle_location", text, None)
    offline = not (where or "").startswith(NO_COUNTER)
    address = LOCATION_PREFIX.sub("", where) if where and offline else None
    consult_text = get("consult_phone", text, None)
    complain_text = get("complain_phone", text, None)
    consult, complain = phones_of(consult_text), phones_of(complain_text)
    if consult_text and not consult:
        issues.append(RowIssue(line, "consult_phone", f"no phone number found in {consult_text[:40]!r}"))
    location = None
    if address or not offline:
        location = {"hall": None, "window": None, "address": address, "hours": None,
                    "phone": consult[0] if consult else None, "offline": offline}  # fmt: skip

    objects = get("service_object_name", text_list, [])
    audiences = [a for a, hit in (("个人", PERSON in objects), ("法人", any(o != PERSON for o in objects))) if hit]
    themes = get("theme_category", text_list, [])
    visits_raw = get("visit_number", text, None)
    visits = int(visits_raw) if visits_raw and visits_raw.isdigit() else None
    booking = get("online_book", text, None)
    booking_url = get("online_book_addr", text, None)
    platform = get("bear_paltform", text, None)  # sic: the export's spelling
    url = get("URL", text, None)
    level = "全程网办" if not offline else ("网上预约" if booking == "是" else "窗口办理")
    courier = get("courier_service", text, None)
    guide = {
        "code": code,
        "national_code": code,
        "catalogue_code": get("CATAID", text, None),
        "name": name,
        "official_name": task_name or name,
        "situation": _situation(task_name, name, get("subTaskName", text, None)),
        "department": get("DEPT_NAME", text, None),
        "co_departments": get("co_department", text, None),
        "level": get("matter_level", text, None),
        "region": get("AREA_CODE_TEXT", text, None),
        "region_code": get("AREACODE", text, None),
        "item_type": get("TASK_TYPE_TEXT", text, None),
        "audience": audiences[0] if audiences else None,
        "audiences": audiences,
        "service_objects": objects,
        "theme": "、".join(themes) or None,
        "themes": themes,
        # Aliases are generated and reviewed later; the export's own short/everyday names are kept
        # apart because many are keyword lists ("证件查询", "律师事务所") that would mislead matching.
        "aliases": [],
        "export_aliases": _export_aliases(rec, name),
        "basis": [],
        "conditions": conditions_of(get("accept_standard", text, None)),
        "materials": [
            {"name": m, "form": None, "copies": None, "required": None, "notes": "", "tolerance": False}
            for m in get("material_intro", text_list, [])
        ],
        "process": [],
        "time_limit": time_limit,
        "fee": None,  # the export publishes no fees
        "visits": visits,
        "online": {"level": level, "channel": platform or url, "booking": booking == "是",
                   "booking_url": booking_url, "platform": platform, "url": url},  # fmt: skip
        "courier": None if courier is None else courier == "是",
        "location": location,
        "contact": {"consult": consult, "complain": complain,
                    "consult_text": consult_text, "complain_text": complain_text},  # fmt: skip
        "faqs": [],
        "items": [],
        "source": {"format": SOURCE_FORMAT, "file": source, "line": line,
                   "id": (rec.get("_id") or {}).get("$oid") if isinstance(rec.get("_id"), dict) else None},  # fmt: skip
    }
    guide["missing"] = missing_elements(guide)
    return guide, issues


def parse_lines(lines: Iterable[str], source: str = "", on_row: Callable[[int], None] | None = None) -> ImportResult:
    """Map every line; ``on_row(line_number)`` is called after each non-blank line (progress)."""
    result = ImportResult()
    first_line: dict[str, int] = {}
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        result.lines += 1
        try:
            rec = json.loads(raw)
        except json.JSONDecodeError as exc:
            result.issues.append(RowIssue(number, "-", f"not valid JSON ({exc.msg} at column {exc.colno})", True))
            rec = None
        if rec is not None and not isinstance(rec, dict):
            msg = f"a record must be a JSON object, not {type(rec).__name__}"
            result.issues.append(RowIssue(number, "-", msg, fatal=True))
            rec = None
        if rec is not None:
            guide, issues = map_record(rec, number, source)
            if guide is not None and guide["code"] in first_line:
                msg = f"{guide['code']} repeats line {first_line[guide['code']]}"
                issues.append(RowIssue(number, "TASK_CODE", msg, fatal=True))
                guide = None
            result.issues.extend(issues)
            if guide is not None:
                first_line[guide["code"]] = number
                result.guides.append(guide)
        if on_row is not None:
            on_row(number)
    return result


def read_export(path: str | Path, on_row: Callable[[int], None] | None = None) -> ImportResult:
    """Read a JSON-lines export file (UTF-8, a BOM tolerated)."""
    p = Path(path)
    with p.open(encoding="utf-8-sig") as fh:
        return parse_lines(fh, source=p.name, on_row=on_row)
