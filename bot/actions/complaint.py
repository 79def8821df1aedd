"""Filing a complaint / appeal: complaint_form (what, where, contact) → POST /api/v1/appeals."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api_client import ApiRejected, ApiUnavailable, api
from actions.texts import find_phone

MIN_WHAT = 4  # "态度差" alone says too little for staff to act on


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

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
        if len(text) < 2:
            dispatcher.utter_message(text="请说一下地点，比如“市民服务中心 A07 窗口”。")
            return {"complaint_where": None}
        return {"complaint_where": text[:200]}

    def validate_complaint_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: dict) -> dict:  # fmt: skip
        phone = find_phone(value)
        if not phone:
            dispatcher.utter_message(text="电话号码格式不对，请输入 11 位手机号或带区号的固定电话。")
        return {"complaint_contact": phone}


class ActionSubmitComplaint(Action):
    def name(self) -> str:
        return "action_submit_complaint"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        slots = ("complaint_what", "complaint_where", "complaint_contact")
        done = [SlotSet(name, None) for name in slots]
        body = {"what": tracker.get_slot("complaint_what"), "where": tracker.get_slot("complaint_where"),
                "contact": tracker.get_slot("complaint_contact"), "session_id": tracker.sender_id}  # fmt: skip
        try:
            appeal = api().appeals.file(body)
        except ApiUnavailable:
            dispatcher.utter_message(text="抱歉，系统繁忙，投诉暂时没能提交。请稍后再试，或拨打 12345 热线反映。")
            return done
        except ApiRejected as exc:
            dispatcher.utter_message(text=f"投诉没能提交：{exc.message or exc.code}")
            return done
        dispatcher.utter_message(
            text=f"您的投诉已受理，编号 {appeal['appeal_no']}。工作人员会在 3 个工作日内联系您，查询时请报这个编号。",
            json_message={"status": "appeal_created", "appeal_no": appeal["appeal_no"]},
        )
        return done
