"""The subscribe-message bodies of each notification kind.

Keys follow the templates chosen in the mini-program console (configure the template ids in
WECHAT_TEMPLATE_*); WeChat rejects over-long values, so each value is cut to its field type's
limit (thing ≤ 20 characters, phrase ≤ 5, character_string ≤ 32).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

LIMITS = {"thing": 20, "phrase": 5, "character_string": 32, "number": 32, "time": 32, "date": 32}


def _value(key: str, text) -> dict:
    kind = key.rstrip("0123456789")
    text = str(text if text not in (None, "") else "-")
    limit = LIMITS.get(kind, 20)
    return {"value": text if len(text) <= limit else text[: limit - 1] + "…"}


def _body(fields: dict) -> dict:
    return {key: _value(key, text) for key, text in fields.items()}


def _minute(iso: str | None) -> str:
    if not iso:
        return "-"
    try:
        return dt.datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def case_status(data: dict) -> tuple[str, dict]:
    """data: case_no, item_name, status_label, at (ISO), note."""
    page = f"pages/cases/detail?case_no={data.get('case_no', '')}"
    return page, _body({"character_string1": data.get("case_no"), "thing2": data.get("item_name"),
                        "phrase3": data.get("status_label"), "time4": _minute(data.get("at")),
                        "thing5": data.get("note") or "点击查看办理进度"})  # fmt: skip


def appointment_reminder(data: dict) -> tuple[str, dict]:
    """data: appointment_id, item_name, hall_name, date, slot, checkin_code."""
    start = (data.get("slot") or "").split("-")[0]
    page = f"pages/appointments/detail?id={data.get('appointment_id', '')}"
    return page, _body({"thing1": data.get("item_name"), "time2": f"{data.get('date', '')} {start}".strip(),
                        "thing3": data.get("hall_name"), "character_string4": data.get("checkin_code"),
                        "thing5": "明天办事，请携带身份证件按时到场"})  # fmt: skip


def queue_near(data: dict) -> tuple[str, dict]:
    """data: ticket_id, number, and ahead or position (3rd in line = 2 ahead); hall_name optional."""
    ahead = data.get("ahead", max(0, int(data.get("position") or 3) - 1))
    page = f"pages/queue/ticket?id={data.get('ticket_id', '')}"
    return page, _body({"character_string1": data.get("number"), "thing2": data.get("hall_name") or "市民服务中心",
                        "number3": ahead, "thing4": f"前面还有{ahead}位，请到等候区留意叫号"})  # fmt: skip


def appeal_reply(data: dict) -> tuple[str, dict]:
    """data: appeal_no, department, reply, status_label, at (ISO)."""
    page = f"pages/appeals/detail?appeal_no={data.get('appeal_no', '')}"
    return page, _body({"character_string1": data.get("appeal_no"), "thing2": data.get("department") or "承办单位",
                        "phrase3": data.get("status_label") or "已答复", "time4": _minute(data.get("at")),
                        "thing5": data.get("reply") or "点击查看答复并评价"})  # fmt: skip


def delivery_sent(data: dict) -> tuple[str, dict]:
    """data: case_no, item_name, carrier, tracking_no, at (ISO)."""
    page = f"pages/cases/detail?case_no={data.get('case_no', '')}"
    return page, _body({"character_string1": data.get("case_no"), "thing2": data.get("item_name"),
                        "character_string3": f"{data.get('carrier') or 'EMS'} {data.get('tracking_no') or ''}".strip(),
                        "time4": _minute(data.get("at")), "thing5": "证照已寄出，请留意查收"})  # fmt: skip


FORMATTERS: dict[str, Callable[[dict], tuple[str, dict]]] = {
    "case_status": case_status,
    "appointment_reminder": appointment_reminder,
    "queue_near": queue_near,
    "appeal_reply": appeal_reply,
    "delivery_sent": delivery_sent,
}
