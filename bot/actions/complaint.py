"""Filing an appeal (诉求): complaint_form (type, what, where, contact) → POST /api/v1/appeals.

The type (咨询 / 求助 / 投诉 / 建议) sets the reply deadline, so it is asked first — unless the
message that started the form already names it ("我要投诉", "提个建议"). The types and the words
that name them are the API's (GET /api/v1/appeals/types, kept for TYPES_TTL), not a copy here.
"""

from __future__ import annotations

import time
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api_client import ApiRejected, ApiUnavailable, api
from actions.conversation import turn_credential
from actions.texts import find_phone

MIN_WHAT = 4  # "态度差" alone says too little for staff to act on
MIN_WHERE = 4  # "楼下" is no place a department can go to
TYPES_TTL = 600.0
ASK_PLACE = "请说具体一点的地点，比如“光华大道 88 号楼下”“XX 小区 3 栋”或“市民服务中心 A07 窗口”。"
_types: tuple[float, list[dict]] | None = None


def appeal_types() -> list[dict]:
    """The API's appeal types (raises ApiUnavailable when it cannot be asked)."""
    global _types
    if _types is None or time.monotonic() - _types[0] > TYPES_TTL:
        _types = (time.monotonic(), api().appeals.types())
    return _types[1]


def reset_types() -> None:
    global _types
    _types = None


def parse_type(text: str | None, types: list[dict]) -> dict | None:
    """The type a resident's words name: a code, a label, or words of exactly one type (else None)."""
    said = (text or "").strip()
    if not said:
        return None
    for kind in types:
        if said.lower() == kind["code"] or said == kind["label"]:
            return kind
    hits = [k for k in types if k["label"] in said or any(w in said for w in k.get("words", []))]
    return hits[0] if len(hits) == 1 else None


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

    def extract_complaint_type(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        """The answer when the type is asked; before that, the form's first message when it names one."""
        if tracker.get_slot("complaint_type"):
            return {}
        text = tracker.latest_message.get("text") or ""
        if tracker.get_slot("requested_slot") == "complaint_type":
            return {"complaint_type": text}
        try:
            kind = parse_type(text, appeal_types())
        except ApiUnavailable:
            return {}
        return {"complaint_type": kind["label"]} if kind else {}

    def validate_complaint_type(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: dict) -> dict:  # fmt: skip
        try:
            types = appeal_types()
        except ApiUnavailable:  # the API decides on submit (and says so if it is still down)
            return {"complaint_type": str(value or "").strip()[:40] or None}
        kind = parse_type(str(value or ""), types)
        if kind is None:
            options = "、".join(f"{t['label']}（{t['hint']}）" if t.get("hint") else t["label"] for t in types)
            dispatcher.utter_message(text=f"请从这几类中选一个：{options}。")
            return {"complaint_type": None}
        return {"complaint_type": kind["label"]}

    def validate_complaint_what(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: dict) -> dict:  # fmt: skip
        text = str(value or "").strip()
        if len(text) < MIN_WHAT:
            dispatcher.utter_message(text="请再具体说说发生了什么，比如哪天、什么事、怎么回事。")
            return {"complaint_what": None}
        return {"complaint_what": text[:1000]}

    def validate_complaint_where(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: dict) -> dict:  # fmt: skip
        text = str(value or "").strip()
        if len(text) < MIN_WHERE:
            dispatcher.utter_message(text=ASK_PLACE)
            return {"complaint_where": None}
        return {"complaint_where": text[:200]}

    def validate_complaint_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: dict) -> dict:  # fmt: skip
        phone = find_phone(value)
        if not phone:
            dispatcher.utter_message(text="电话号码格式不对，请输入 11 位手机号或带区号的固定电话。")
        return {"complaint_contact": phone}


class ActionAskComplaintType(Action):
    """Asks the type with each type's reply limit, as the API states them (buttons for the mini-program)."""

    def name(self) -> str:
        return "action_ask_complaint_type"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        try:
            types = appeal_types()
        except ApiUnavailable:
            dispatcher.utter_message(text="请问您要反映的是哪一类：咨询、求助、投诉还是建议？")
            return []
        options = "、".join(f"{t['label']}（{t['days']} 个工作日内答复）" for t in types)
        dispatcher.utter_message(text=f"请问您要反映的是哪一类？{options}",
                                 buttons=[{"title": t["label"], "payload": t["label"]} for t in types])  # fmt: skip
        return []


class ActionSubmitComplaint(Action):
    def name(self) -> str:
        return "action_submit_complaint"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        slots = ("complaint_type", "complaint_what", "complaint_where", "complaint_contact")
        done = [SlotSet(name, None) for name in slots]
        body = {"what": tracker.get_slot("complaint_what"), "where": tracker.get_slot("complaint_where"),
                "contact": tracker.get_slot("complaint_contact"), "session_id": tracker.sender_id,
                "type": tracker.get_slot("complaint_type")}  # fmt: skip
        try:
            # with the resident's token the appeal is theirs: "我的诉求", and the reply as a subscribe message
            appeal = api().appeals.file(body, token=turn_credential(tracker))  # the turn's resident, if any
        except ApiUnavailable:
            dispatcher.utter_message(text="抱歉，系统繁忙，诉求暂时没能提交。请稍后再试，或拨打 12345 热线反映。")
            return done
        except ApiRejected as exc:
            dispatcher.utter_message(text=f"诉求没能提交：{exc.message or exc.code}")
            return done
        label = appeal.get("type_label") or "诉求"
        due = f"，承办单位将在 {appeal['due_on']} 前答复" if appeal.get("due_on") else ""
        dispatcher.utter_message(
            text=f"您的{label}已受理，编号 {appeal['appeal_no']}{due}。答复会发到这里，查询时请报这个编号。",
            json_message={"status": "appeal_created", "appeal_no": appeal["appeal_no"], "due_on": appeal.get("due_on")},
        )
        return done
