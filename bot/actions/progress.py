"""Looking up a case's progress: progress_form (case number + last 4 of ID or phone)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api_client import ApiRejected, ApiUnavailable, api
from actions.conversation import turn_credential
from actions.texts import BUSY, error_text, progress_reply
from actions.vocabulary import find_case_number, find_factor, hall_time


class ValidateProgressForm(FormValidationAction):
    def name(self) -> str:
        return "validate_progress_form"

    def validate_case_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict) -> dict:  # fmt: skip
        try:
            case_no = find_case_number(value)
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return {"case_number": None}
        if not case_no:
            dispatcher.utter_message(text="办件编号格式不对：是两个字母加一串数字，如 JC2026112800001，请再输入一次。")
        return {"case_number": case_no}

    def validate_factor(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        try:
            factor = find_factor(value)
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return {"factor": None}
        if not factor:
            dispatcher.utter_message(text="请输入 4 位：身份证号或手机号的最后 4 位（身份证末位可以是 X）。")
        return {"factor": factor}


class ActionSubmitProgress(Action):
    def name(self) -> str:
        return "action_submit_progress"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        done = [SlotSet("case_number", None), SlotSet("factor", None)]
        try:
            case = api().cases.lookup(tracker.get_slot("case_number"), tracker.get_slot("factor"),
                                      token=turn_credential(tracker))  # counted per chat user, not per bot
            reply = progress_reply(case, hall_time)
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return done
        except ApiRejected as exc:
            text = error_text("case_not_found" if exc.status == 404 else exc.code, exc.message, exc.status)
            dispatcher.utter_message(text=text, json_message={"status": "not_found"})
            return done
        dispatcher.utter_message(text=reply, json_message={"status": "found", "lamp": case.get("lamp")})
        return done
