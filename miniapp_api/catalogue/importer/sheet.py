"""The Excel template of our own guide elements: written by ``catalogue template``, read by
``catalogue import FILE.xlsx``.

One row of the sheet 事项 is one item (or one situation of an item). Columns are found by their
key in brackets ("事项名称 (name)"), so staff may reorder them or leave optional ones out.
Multi-value cells hold one value per line; a material line is 名称|形式|份数|是否必需, a fee line
项目|金额|单位 (or just 不收费), a process line 步骤|说明. Rows map to the same guide dict as the
province export (gd_export), so everything downstream treats both alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from miniapp_api.catalogue.importer.values import ImportResult, RowIssue, missing_elements, phones_of, text

SOURCE_FORMAT = "xlsx"
SHEET = "事项"
CODE_RE = re.compile(r"^(?:(?:GR|QY)-\d{3}|[0-9A-Z]{18,40})$")
MATERIAL_FORMS = ("原件", "复印件", "原件及复印件", "电子证照", "原件或电子证照")
ONLINE_LEVELS = ("全程网办", "网上预约", "窗口办理")
LEVELS = ("国家级", "省级", "市级", "县级", "乡镇级")
YES, NO = ("是", "有", "支持", "y", "yes", "true", "1"), ("否", "无", "不支持", "n", "no", "false", "0")
KEY_IN_HEADER = re.compile(r"\(([a-z_]+)\)\s*$")

# (key, header label, required, help shown in the 说明 sheet)
COLUMNS: tuple[tuple[str, str, bool, str], ...] = (
    ("code", "事项编码", True, "本地编码（如 GR-038）或国家实施编码；同一编码再次导入即更新该事项"),
    ("national_code", "国家实施编码", False, "国家政务服务事项实施编码，可空"),
    ("catalogue_code", "目录编码", False, "同一事项各办理项共用的目录编码，可空"),
    ("name", "事项名称", True, "官方事项名称；名称相同的各行是同一事项的不同办理项"),
    ("situation", "办理项", False, "情形，如 首次申领 / 变更 / 注销"),
    ("department", "实施部门", False, ""),
    ("level", "层级", False, "、".join(LEVELS)),
    ("region", "行政区划", False, "如 江川市"),
    ("item_type", "事项类型", False, "行政许可、公共服务 …"),
    ("service_objects", "服务对象", False, "一行一个：自然人、企业法人 …"),
    ("theme", "主题分类", False, ""),
    ("aliases", "别名", False, "一行一个，群众常说的叫法"),
    ("conditions", "受理条件", False, "一行一条"),
    ("materials", "申请材料", False, "一行一项：名称|形式|份数|是否必需，如 居民身份证|原件|1|是"),
    ("legal_days", "法定时限（工作日）", False, "整数"),
    ("promised_days", "承诺时限（工作日）", False, "整数，0 为即办件"),
    ("fee", "收费", False, "不收费，或一行一项：项目|金额|单位"),
    ("fee_basis", "收费依据", False, "收费时必填"),
    ("process", "办理流程", False, "一行一步：步骤|说明"),
    ("basis", "设定依据", False, "一行一条"),
    ("hall", "办事大厅", False, ""),
    ("window", "窗口", False, ""),
    ("address", "办理地点", False, ""),
    ("hours", "办公时间", False, ""),
    ("phone", "咨询电话", False, ""),
    ("complain_phone", "监督投诉电话", False, ""),
    ("online_level", "网办程度", False, "、".join(ONLINE_LEVELS)),
    ("online_channel", "网办入口", False, "网址、小程序或公众号名称"),
    ("booking", "可网上预约", False, "是 / 否"),
    ("courier", "快递送达", False, "是 / 否"),
    ("visits", "到现场次数", False, "整数"),
)
COLUMN_KEYS = tuple(c[0] for c in COLUMNS)


def header(key: str) -> str:
    label = next(c[1] for c in COLUMNS if c[0] == key)
    return f"{label} ({key})"


def write_template(path: str | Path) -> Path:
    """An empty template: the sheet 事项 with headers and pick lists, and a 说明 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([header(key) for key in COLUMN_KEYS])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for col, (_key, _label, required, _help) in enumerate(COLUMNS, 1):
        cell = ws.cell(row=1, column=col)
        cell.font, cell.alignment = bold, Alignment(wrap_text=True, vertical="top")
        if required:
            cell.fill = fill
        ws.column_dimensions[cell.column_letter].width = 24
    ws.freeze_panes = "A2"
    for key, choices in (("level", LEVELS), ("online_level", ONLINE_LEVELS), ("booking", ("是", "否")),
                         ("courier", ("是", "否"))):  # fmt: skip
        letter = ws.cell(row=1, column=COLUMN_KEYS.index(key) + 1).column_letter
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        rule.add(f"{letter}2:{letter}5000")
        ws.add_data_validation(rule)
    notes = wb.create_sheet("说明")
    notes.append(["列", "必填", "说明"])
    for key, label, required, help_text in COLUMNS:
        notes.append([f"{label} ({key})", "是" if required else "", help_text])
    notes.column_dimensions["A"].width, notes.column_dimensions["C"].width = 28, 80
    out = Path(path)
    wb.save(out)
    return out


def _lines(value) -> list[str]:
    """One value per line of a cell (text() would join the lines)."""
    if value is None:
        return []
    if not isinstance(value, str | int | float):
        raise ValueError(f"expected text, got {type(value).__name__}")
    out = [text(line) for line in re.split(r"[\r\n]+", str(value))]
    return [line for line in out if line]


def _yes_no(value) -> bool | None:
    raw = text(value)
    if raw is None:
        return None
    if raw.lower() in YES:
        return True
    if raw.lower() in NO:
        return False
    raise ValueError(f"{raw!r} is not 是 or 否")


def _count(value) -> int | None:
    raw = text(value)
    if raw is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not re.fullmatch(r"\d{1,3}", raw):
        raise ValueError(f"{raw!r} is not a whole number")
    return int(raw)


def _materials(value) -> list[dict]:
    out = []
    for line in _lines(value):
        parts = [p.strip() for p in line.split("|")]
        name, form = parts[0], (parts[1] if len(parts) > 1 and parts[1] else None)
        if form is not None and form not in MATERIAL_FORMS:
            raise ValueError(f"material form {form!r} is not one of {'、'.join(MATERIAL_FORMS)}")
        copies = _count(parts[2]) if len(parts) > 2 and parts[2] else None
        required = _yes_no(parts[3]) if len(parts) > 3 and parts[3] else None
        out.append({"name": name, "form": form, "copies": copies, "required": required, "notes": "",
                    "tolerance": False})  # fmt: skip
    return out


def _fee(value, basis: str | None) -> dict | None:
    lines = _lines(value)
    if not lines:
        return None
    if len(lines) == 1 and lines[0] in ("不收费", "免费", "0"):
        return {"free": True, "items": [], "basis": basis or ""}
    items = []
    for line in lines:
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3:
            raise ValueError(f"fee line {line!r} is not 项目|金额|单位")
        try:
            amount = float(parts[1])
        except ValueError:
            raise ValueError(f"fee amount {parts[1]!r} is not a number") from None
        items.append({"name": parts[0], "amount": amount, "unit": parts[2]})
    if not basis:
        raise ValueError("a charged item needs its 收费依据 (fee_basis)")
    return {"free": False, "items": items, "basis": basis}


def _process(value) -> list[dict]:
    steps = []
    for line in _lines(value):
        step, _, detail = line.partition("|")
        steps.append({"step": step.strip(), "detail": detail.strip() or step.strip()})
    return steps


def map_row(cells: dict, row: int, source: str = "") -> tuple[dict | None, list[RowIssue]]:
    """One sheet row ({key: cell value}) → (guide dict or None, issues)."""
    issues: list[RowIssue] = []

    def get(key: str, conv: Callable, default=None):
        try:
            return conv(cells.get(key))
        except ValueError as exc:
            issues.append(RowIssue(row, header(key), str(exc)))
            return default

    code = get("code", text) or get("national_code", text)
    name = get("name", text)
    if code is None or name is None:
        missing = header("code") if code is None else header("name")
        return None, [*issues, RowIssue(row, missing, "is required", fatal=True)]
    if not CODE_RE.match(code):
        message = f"{code!r} is neither GR/QY-nnn nor a national code"
        return None, [*issues, RowIssue(row, header("code"), message, fatal=True)]
    legal, promised = get("legal_days", _count), get("promised_days", _count)
    if legal is not None and promised is not None and legal and promised > legal:
        issues.append(RowIssue(row, header("promised_days"), f"{promised} exceeds the legal {legal} days"))
        promised = None
    consult = phones_of(get("phone", text))
    address, hall = get("address", text), get("hall", text)
    location = None
    if address or hall:
        location = {"hall": hall, "window": get("window", text), "address": address, "hours": get("hours", text),
                    "phone": consult[0] if consult else None, "offline": True}  # fmt: skip
    objects = get("service_objects", _lines, [])
    online_level = get("online_level", text)
    if online_level is not None and online_level not in ONLINE_LEVELS:
        message = f"{online_level!r} is not one of {'、'.join(ONLINE_LEVELS)}"
        issues.append(RowIssue(row, header("online_level"), message))
        online_level = None
    level = get("level", text)
    if level is not None and level not in LEVELS:
        issues.append(RowIssue(row, header("level"), f"{level!r} is not one of {'、'.join(LEVELS)}"))
        level = None
    channel = get("online_channel", text)
    guide = {
        "code": code,
        "national_code": get("national_code", text),
        "catalogue_code": get("catalogue_code", text),
        "name": name,
        "official_name": name,
        "situation": get("situation", text),
        "department": get("department", text),
        "co_departments": None,
        "level": level,
        "region": get("region", text),
        "region_code": None,
        "item_type": get("item_type", text),
        "audience": None,
        "audiences": [],
        "service_objects": objects,
        "theme": get("theme", text),
        "themes": [t for t in re.split(r"[、,，]", get("theme", text) or "") if t],
        "aliases": get("aliases", _lines, []),
        "export_aliases": [],
        "basis": get("basis", _lines, []),
        "conditions": get("conditions", _lines, []),
        "materials": get("materials", _materials, []),
        "process": get("process", _process, []),
        "time_limit": None if legal is None and promised is None
        else {"legal_days": legal, "promised_days": promised, "notes": ""},
        "fee": get("fee", lambda v: _fee(v, text(cells.get("fee_basis")))),
        "visits": get("visits", _count),
        "online": {"level": online_level or "窗口办理", "channel": channel, "booking": bool(get("booking", _yes_no)),
                   "booking_url": None, "platform": None, "url": None},  # fmt: skip
        "courier": get("courier", _yes_no),
        "location": location,
        "contact": {"consult": consult, "complain": phones_of(get("complain_phone", text)),
                    "consult_text": get("phone", text), "complain_text": get("complain_phone", text)},  # fmt: skip
        "faqs": [],
        "items": [],
        "source": {"format": SOURCE_FORMAT, "file": source, "line": row, "id": None},
    }
    persons, legal_persons = "自然人" in objects, any(o != "自然人" for o in objects)
    guide["audiences"] = [a for a, hit in (("个人", persons), ("法人", legal_persons)) if hit]
    guide["audience"] = guide["audiences"][0] if guide["audiences"] else None
    guide["missing"] = missing_elements(guide)
    return guide, issues


def read_sheet(path: str | Path, on_row: Callable[[int], None] | None = None) -> ImportResult:
    """Read the sheet 事项 of a filled-in template."""
    p = Path(path)
    result = ImportResult()
    wb = load_workbook(p, read_only=True, data_only=True)
    try:
        if SHEET not in wb.sheetnames:
            result.issues.append(RowIssue(0, SHEET, f"the workbook has no sheet {SHEET!r}", fatal=True))
            return result
        rows = wb[SHEET].iter_rows(values_only=True)
        head = next(rows, None) or ()
        columns: dict[int, str] = {}
        for i, title in enumerate(head):
            m = KEY_IN_HEADER.search(str(title or ""))
            key = m.group(1) if m else next((c[0] for c in COLUMNS if c[1] == str(title or "").strip()), None)
            if key in COLUMN_KEYS:
                columns[i] = key
        for key in ("code", "name"):
            if key not in columns.values():
                result.issues.append(RowIssue(1, header(key), "the header row lacks this column", fatal=True))
                return result
        seen: dict[str, int] = {}
        for number, values in enumerate(rows, 2):
            cells = {columns[i]: v for i, v in enumerate(values) if i in columns}
            if all(text(v) is None for v in cells.values()):
                continue
            result.lines += 1
            guide, issues = map_row(cells, number, p.name)
            if guide is not None and guide["code"] in seen:
                message = f"{guide['code']} repeats row {seen[guide['code']]}"
                issues.append(RowIssue(number, header("code"), message, fatal=True))
                guide = None
            result.issues.extend(issues)
            if guide is not None:
                seen[guide["code"]] = number
                result.guides.append(guide)
            if on_row is not None:
                on_row(number)
    finally:
        wb.close()
    return result
