"""The guide editor's form ↔ a guide dict, and the schema's messages in Chinese (pure: no Flask).

Field names are the schema's dotted paths (``materials.0.copies``, ``fee.items.1.amount``), so an
error from ``GuideSchema`` lands beside the input it is about. Table rows whose inputs are all
empty (the spare rows at the end of each table) or whose "删除" box is ticked are dropped;
numbers that do not parse are passed on as text so the schema names them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from miniapp_api.halls.facts import hours_text

# Multi-line text areas: one list entry per line.
LINE_LISTS = ("aliases", "basis", "conditions", "items", "issues")
# Tables: (path, columns) with the kind of each column.
TABLES: dict[str, dict[str, str]] = {
    "materials": {"name": "text", "form": "text", "copies": "int", "required": "bool", "tolerance": "bool",
                  "notes": "text"},
    "process": {"step": "text", "detail": "text"},
    "fee.items": {"name": "text", "amount": "float", "unit": "text"},
    "faqs": {"q": "text", "a": "text"},
}
SCALARS: dict[str, str] = {
    "code": "text", "name": "text", "department": "text", "audience": "text", "theme": "text", "visits": "int",
    "time_limit.legal_days": "int", "time_limit.promised_days": "int", "time_limit.notes": "text",
    "fee.free": "bool", "fee.basis": "text", "online.level": "text", "online.channel": "text",
    "location.hall_id": "text", "location.zone": "text", "location.window": "text", "location.phone": "text",
    "location.notes": "text", "location.hall": "text", "location.address": "text", "location.hours": "text",
}
# Location inputs left empty are absent, not "": a guide at one of our halls (hall picker) has no
# typed hall name, address or hours, and a place that is not one of our halls has no hall_id.
OPTIONAL_LOCATION = ("hall_id", "zone", "notes", "hall", "address", "hours")
SPARE_ROWS = 2

FIELD_LABELS = {
    "code": "事项编码", "name": "事项名称", "department": "实施部门", "audience": "服务对象", "theme": "主题",
    "items": "包含事项", "aliases": "别名/俗称", "basis": "设定依据", "conditions": "办理条件", "materials": "申请材料",
    "process": "办理流程", "time_limit": "办理时限", "fee": "收费", "visits": "跑动次数", "online": "网上办理",
    "location": "办理地点", "faqs": "常见问题", "issues": "办理结果（颁发的证照，每行一个）",
}


def _convert(raw: str, kind: str) -> object:
    text = raw.strip()
    if kind == "int":
        return int(text) if re.fullmatch(r"[+-]?\d{1,9}", text) else text
    if kind == "float":
        try:
            return float(text) if text else text
        except ValueError:
            return text
    return text


def _set(target: dict, dotted: str, value: object) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _rows(form: Mapping[str, str], path: str, columns: dict[str, str]) -> list[dict]:
    indices = sorted({int(m.group(1)) for key in form
                      if (m := re.fullmatch(re.escape(path) + r"\.(\d{1,3})\.\w+", key))})
    rows = []
    for i in indices:
        prefix = f"{path}.{i}."
        if form.get(prefix + "_delete"):
            continue
        texts = {c: form.get(prefix + c, "") for c, kind in columns.items() if kind != "bool"}
        if not any(v.strip() for v in texts.values()):
            continue  # a spare row left empty
        row: dict[str, object] = {}
        for column, kind in columns.items():
            row[column] = bool(form.get(prefix + column)) if kind == "bool" else _convert(texts[column], kind)
        rows.append(row)
    return rows


def form_to_guide(form: Mapping[str, str]) -> dict:
    """The guide the form describes (not validated: ``GuideSchema().load`` does that)."""
    guide: dict = {}
    for path, kind in SCALARS.items():
        value = bool(form.get(path)) if kind == "bool" else _convert(form.get(path, ""), kind)
        _set(guide, path, value)
    for name in LINE_LISTS:
        guide[name] = [line.strip() for line in (form.get(name) or "").splitlines() if line.strip()]
    for path, columns in TABLES.items():
        _set(guide, path, _rows(form, path, columns))
    location = guide["location"]
    for key in OPTIONAL_LOCATION:
        if location.get(key) == "":
            del location[key]
    if "issues" not in form:  # a form without the field (older page) leaves the guide's results unstated
        del guide["issues"]
    return guide


def hall_choices(halls: list[dict]) -> list[dict]:
    """The hall picker's options: every hall with the hours residents will be shown for it."""
    return [{"hall_id": h["_id"], "name": h.get("name", h["_id"]), "address": h.get("address", ""),
             "hours": hours_text(h)} for h in sorted(halls, key=lambda h: h["_id"])]  # fmt: skip


def table_rows(guide: dict, path: str) -> list[dict]:
    """The rows to show for table ``path``: the guide's own, then empty spare rows."""
    value: object = guide
    for part in path.split("."):
        value = value.get(part, {}) if isinstance(value, dict) else {}
    rows = list(value) if isinstance(value, list) else []
    return rows + [{} for _ in range(SPARE_ROWS)]


def lines(guide: dict, name: str) -> str:
    return "\n".join(str(v) for v in guide.get(name) or [])


_MESSAGES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), m) for p, m in [
    (r"^Missing data for required field\.$", "必填"),
    (r"^Field may not be null\.$", "必填"),
    (r"^Not a valid integer\.$", "请填写整数"),
    (r"^Not a valid number\.$", "请填写数字"),
    (r"^Not a valid boolean\.$", "请选择是或否"),
    (r"^Not a valid string\.$", "请填写文字"),
    (r"^Shorter than minimum length 1\.$", "不能为空"),
    (r"^Shorter than minimum length (\d+)\.$", r"至少 \1 条"),
    (r"^Length must be between (\d+) and (\d+)\.$", r"需要 \1–\2 条"),
    (r"^Must be one of: (.*)\.$", r"请从以下选项中选择：\1"),
    (r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$", r"应在 \1 到 \2 之间"),
    (r"^Must be greater than or equal to (\S+)\.$", r"不能小于 \1"),
    (r"^String does not match expected pattern\.$", "格式不正确"),
    (r"^Unknown field\.$", "未知字段"),
    (r"^contains the placeholder '(.*)'$", r"含有占位词“\1”，请填写正式内容"),
    (r"^must not exceed legal_days$", "承诺时限不能超过法定时限"),
    (r"^a charged item needs at least one fee item$", "收费事项至少需要一条收费明细"),
    (r"^a charged item needs the basis of its fee$", "收费事项需要填写收费依据"),
    (r"^aliases repeat$", "别名有重复"),
    (r"^zero visits needs online level 全程网办$", "“零跑动”需要网办程度为全程网办"),
    (r"^an item needs at least one material$", "事项至少需要一项申请材料"),
    (r"^a bundle merges at least two items$", "一件事至少包含两个事项"),
    (r"^only bundles list items$", "只有一件事才填写包含事项"),
    (r"^comes from the hall: leave it empty when hall_id is given$",
     "已选择大厅：名称、地址和办公时间由大厅信息生成，请留空"),
    (r"^unknown hall '(.*)'$", r"没有大厅 \1"),
]]


def chinese(message: str) -> str:
    """The schema's message in the console's language (unknown ones are shown as they are)."""
    for pattern, replacement in _MESSAGES:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


def field_errors(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """(dotted field, message) pairs → {field: Chinese message}; a list entry's error names its line
    (``aliases.3`` → "第 4 行：…") because list fields are edited as one text area per field."""
    out: dict[str, str] = {}
    for field, message in pairs:
        text = chinese(message)
        m = re.fullmatch(r"(" + "|".join(LINE_LISTS) + r")\.(\d+)", field)
        if m:
            field, text = m.group(1), f"第 {int(m.group(2)) + 1} 行：{text}"
        out[field] = f"{out[field]}；{text}" if field in out else text
    return out
