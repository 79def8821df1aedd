"""Reply texts shared by several actions, and small pure formatters."""

from __future__ import annotations

import re
from collections.abc import Callable

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

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")

def find_phone(text: str | None) -> str | None:
    text = str(text or "").replace(" ", "")
    m = MOBILE.search(text) or LANDLINE.search(text)
    return m[0] if m else None


def _days_text(case: dict) -> str:
    overdue, left = case.get("overdue_working_days") or 0, case.get("working_days_left")
    if isinstance(overdue, int) and overdue > 0:
        return f"，已超期 {overdue} 个工作日"
    if isinstance(left, int) and left > 0:
        return f"，还剩 {left} 个工作日"
    if left == 0:
        return "，今天到期"
    return ""


def lamp_text(lamp: str | None) -> str | None:
    return LAMPS.get(lamp or "")


def progress_reply(case: dict, when: Callable[[str], str]) -> str:
    """The case's status, last step, deadline and lamp; ``when`` shows an API timestamp in hall time."""
    lines = [f"办件 {case['case_no']}（{case.get('item_name') or case.get('item_code', '')}）",
             f"当前状态：{case.get('status_label') or case.get('status', '未知')}"]  # fmt: skip
    timeline = case.get("timeline") or []
    if timeline:
        last = timeline[-1]
        note = f"，{last['note']}" if last.get("note") else ""
        lines.append(f"最新进展：{last.get('label') or last.get('status', '')}（{when(last.get('at'))}）{note}")
    if case.get("deadline"):
        lines.append(f"承诺办结日期：{str(case['deadline'])[:10]}{_days_text(case)}")
    lamp = lamp_text(case.get("lamp"))
    if lamp:
        lines.append(f"时限亮灯：{lamp}")
    return "\n".join(lines)


# The API's stable error codes → what the resident is told (one table for every action).
ERROR_TEXTS = {
    "closed_day": "那天大厅不办公（周末或节假日），请换一个工作日。",
    "holiday_schedule_unknown": "那天的节假日安排还没公布，暂时不能预约，请换一个近一点的日期。",
    "date_past": "不能预约已经过去的日期，请换一天。",
    "not_yet_open": "那天的号源还没放出，请换一个近一点的日期。",
    "slot_past": "这个时段已经开始或过去了，请选其他时段。",
    "slot_full": "这个时段已约满，请选其他时段。",
    "already_booked": "您已经预约过这个事项了，可以在小程序“我的预约”里查看。",
    "daily_cap_reached": "您当天的预约次数已达上限，请换一天。",
    "booking_blocked": "您近期有多次预约未到，暂时不能在线预约，可以到大厅现场取号办理。",
    "unknown_item": "这个事项不能在网上预约，请到大厅现场取号办理。",
    "cancel_cutoff_passed": "离预约时间太近，已过取消截止时间，不能再取消了；如不能到场，请尽早告知窗口。",
    "not_cancellable": "这条预约已签到、已办理或已取消，不能再取消。",
    "not_found": "没有找到这条记录，请核对后再试。",
    "case_not_found": "没有查到这个办件，或后 4 位不匹配。请核对受理回执上的编号后再试。",
    "too_many_requests": "查询次数太多了，请稍后再试，或带身份证到窗口查询。",
    "unauthorized": LOGIN_FIRST,
}


def error_text(code: str, message: str = "", status: int = 400) -> str:
    """The reply for an API refusal: the table's text for its code, else by status, else its message."""
    if code in ERROR_TEXTS:
        return ERROR_TEXTS[code]
    by_status = {401: LOGIN_FIRST, 404: ERROR_TEXTS["not_found"], 429: ERROR_TEXTS["too_many_requests"]}
    return by_status.get(status) or message or BUSY
