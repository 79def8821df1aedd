"""Cancelling one of the resident's appointments: list them as buttons, DELETE the chosen one."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api_client import ApiRejected, ApiUnavailable, api
from actions.conversation import latest_entity, resident_token
from actions.dates import parse_date
from actions.texts import BUSY, LOGIN_FIRST, error_text


def _rows(body: Any) -> list[dict]:
    if isinstance(body, dict):
        body = body.get("items") or body.get("appointments") or []
    return [a for a in body or [] if a.get("status", "booked") == "booked"]


class ActionCancelAppointment(Action):
    def name(self) -> str:
        return "action_cancel_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        done = [SlotSet("appointment_id", None), SlotSet("date", None)]
        token = resident_token(tracker)
        if not token:
            dispatcher.utter_message(text=LOGIN_FIRST, json_message={"status": "login_required"})
            return done
        chosen = latest_entity(tracker, "appointment_id")
        try:
            if chosen:
                return self._cancel(dispatcher, token, str(chosen["value"])) + done
            return self._offer(dispatcher, tracker, token) + done
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return done

    def _cancel(self, dispatcher: CollectingDispatcher, token: str, appointment_id: str) -> list[dict[str, Any]]:
        try:
            api().booking.cancel(token, appointment_id)
        except ApiRejected as exc:
            dispatcher.utter_message(text=f"取消没有成功：{error_text(exc.code, exc.message, exc.status)}")
            return []
        dispatcher.utter_message(text="已为您取消这条预约。", json_message={"status": "cancelled"})
        return []

    def _offer(self, dispatcher: CollectingDispatcher, tracker: Tracker, token: str) -> list[dict[str, Any]]:
        try:
            rows = _rows(api().booking.mine(token))
        except ApiRejected as exc:
            dispatcher.utter_message(text=error_text(exc.code, exc.message, exc.status))
            return []
        said = latest_entity(tracker, "date")
        day = parse_date(said["value"]) if said else None
        if day:
            rows = [a for a in rows if a.get("date") == day.isoformat()] or rows
        if not rows:
            dispatcher.utter_message(text="您目前没有可以取消的预约。")
            return []
        buttons = [{"title": f"{a.get('item_name') or a.get('item_code')} {a.get('date')} {a.get('slot')}",
                    "payload": f'/cancel_appointment{{"appointment_id":"{a["appointment_id"]}"}}'}
                   for a in rows]  # fmt: skip
        dispatcher.utter_message(text="请选择要取消的预约：", buttons=buttons)
        return []
