"""Looking up a case's progress: progress_form (case number + last 4 of ID or phone)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api_client import ApiRejected, ApiUnavailable, api
from actions.texts import BUSY, find_case_number, find_factor, progress_reply


class ValidateProgressForm(FormValidationAction):
    def name(self) -> str:
        return "validate_progress_form"

    def validate_case_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict) -> dict:  # fmt: skip
        case_no = find_case_number(value)
        if not case_no:
            dispatcher.utter_message(text="办件编号格式不对：是两个字母加一串数字，如 JC2026112800001，请再输入一次。")
        return {"case_number": case_no}

    def validate_factor(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        factor = find_factor(value)
        if not factor:
            dispatcher.utter_message(text="请输入 4 位：身份证号或手机号的最后 4 位（身份证末位可以是 X）。")
        return {"factor": factor}


class ActionSubmitProgress(Action):
    def name(self) -> str:
        return "action_submit_progress"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        done = [SlotSet("case_number", None), SlotSet("factor", None)]
        params = {"case_no": tracker.get_slot("case_number"), "factor": tracker.get_slot("factor")}
        try:
            case = api().get("/api/v1/cases/lookup", params=params)
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return done
        except ApiRejected as exc:
            if exc.status == 429:
                text = "查询次数太多了，请稍后再试，或带身份证到窗口查询。"
            elif exc.status == 404:
                text = "没有查到这个办件，或后 4 位不匹配。请核对受理回执上的编号后再试。"
            else:
                text = f"查询没有成功：{exc.message or exc.code}"
            dispatcher.utter_message(text=text, json_message={"status": "not_found"})
            return done
        dispatcher.utter_message(text=progress_reply(case), json_message={"status": "found", "lamp": case.get("lamp")})
        return done
