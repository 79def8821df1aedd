"""Reply texts shared by several actions, and small pure formatters."""

from __future__ import annotations

import re

BUSY = "抱歉，系统繁忙，暂时查不到信息，请稍后再试，或拨打 12345 政务服务热线。"
LOGIN_FIRST = "预约和取消预约需要先登录：请在“江川政务”微信小程序里登录（实名）后，再在小程序里和我对话。"
HANDOFF_DONE = "已为您转接人工客服，工作人员会接手这段对话，请稍候。您刚才的对话记录已一并转交。"
HANDOFF_BUSY = "抱歉，人工坐席暂时无法接通，请拨打 12345 政务服务热线，或稍后再试。"
UNANSWERABLE = "抱歉，知识库里没有找到能准确回答这个问题的内容。您可以换个说法，或者转人工客服。"
CLARIFY = "您问的是下面哪一项？请点选："

FIELD_HINTS = {
    "ask_materials": "需要什么材料",
    "ask_fee": "收费吗",
    "ask_time_limit": "办理时限多久",
    "ask_location": "在哪里办",
    "ask_conditions": "申请条件",
    "ask_process": "办理流程",
}

LAMPS = {
    "green": "绿灯（正常办理中）",
    "yellow": "黄灯（临近承诺时限，正在加紧办理）",
    "red": "红灯（已超出承诺时限，已转督办）",
}

CASE_NUMBER = re.compile(r"[A-Za-z]{2}\d{12,16}")
FACTOR = re.compile(r"(?<![0-9])[0-9]{3}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
ITEM_CODE = re.compile(r"[A-Z]{2,3}-\d{3}")


def find_case_number(text: str | None) -> str | None:
    m = CASE_NUMBER.search(str(text or "").replace(" ", ""))
    return m[0].upper() if m else None


def find_factor(text: str | None) -> str | None:
    m = FACTOR.search(str(text or "").strip())
    return m[0].upper() if m else None


def find_phone(text: str | None) -> str | None:
    text = str(text or "").replace(" ", "")
    m = MOBILE.search(text) or LANDLINE.search(text)
    return m[0] if m else None


def is_item_code(value: str | None) -> bool:
    return bool(value and ITEM_CODE.fullmatch(str(value)))


def lamp_text(lamp: str | None) -> str | None:
    return LAMPS.get(lamp or "")


def progress_reply(case: dict) -> str:
    lines = [f"办件 {case['case_no']}（{case.get('item_name') or case.get('item_code', '')}）",
             f"当前状态：{case.get('status_label') or case.get('status', '未知')}"]  # fmt: skip
    timeline = case.get("timeline") or []
    if timeline:
        last = timeline[-1]
        note = f"，{last['note']}" if last.get("note") else ""
        when = str(last.get("at", ""))[:16].replace("T", " ")
        lines.append(f"最新进展：{last.get('label') or last.get('status', '')}（{when}）{note}")
    if case.get("deadline"):
        left = case.get("working_days_left")
        extra = f"，还剩 {left} 个工作日" if isinstance(left, int) and left >= 0 else ""
        lines.append(f"承诺办结日期：{str(case['deadline'])[:10]}{extra}")
    lamp = lamp_text(case.get("lamp"))
    if lamp:
        lines.append(f"时限亮灯：{lamp}")
    return "\n".join(lines)
