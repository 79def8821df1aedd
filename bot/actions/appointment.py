"""Booking an appointment: appointment_form (item, hall, date, slot, confirm).

The rules are the resident API's: its meta says which halls and how far ahead, GET
/api/v1/items/<item>/halls which halls serve the item (全城通办: the form asks which hall only when
more than one does), GET /api/v1/halls/<hall>/slots which days are open at that hall and how many
places each slot has, POST /api/v1/appointments books with the resident's token; its error codes
become the replies.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api_client import ApiRejected, ApiUnavailable, api
from actions.conversation import resident_token
from actions.dates import is_slot_label, parse_date, pick_slot, today
from actions.halls import booking_hall, hall_button_title, resolve_hall, serving
from actions.texts import BUSY, CLARIFY, LOGIN_FIRST, error_text
from actions.vocabulary import hall_name, is_item_code, last_bookable_date

log = logging.getLogger(__name__)
RESET = ["date", "slot", "confirm"]


def free_slots(item_code: str, day: str, hall_id: str) -> list[dict]:
    """The day's slots for the item at the hall (raises ApiRejected closed_day etc., ApiUnavailable)."""
    return api().booking.slots(hall_id, item_code, day)


def hall_for_item(item_code: str, tracker: Tracker, dispatcher: CollectingDispatcher) -> dict:
    """{"hall": id} when one hall serves the item or the resident named one that does; {"hall": None}
    when several do and none was named (the form then asks). Raises ApiRejected / ApiUnavailable."""
    ids = [h["hall_id"] for h in serving(item_code)]
    said = resolve_hall(tracker.get_slot("hall"))
    if said in ids:
        return {"hall": said}
    if said:
        dispatcher.utter_message(text=f"{hall_name(said)}不办理这个事项。")
    return {"hall": ids[0] if len(ids) == 1 else None}


def reset_events() -> list[dict[str, Any]]:
    return [SlotSet(name, None) for name in RESET]


class ActionStartAppointment(Action):
    """Checks the resident is logged in before the form starts (booking needs their token)."""

    def name(self) -> str:
        return "action_start_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if not resident_token(tracker):
            dispatcher.utter_message(text=LOGIN_FIRST, json_message={"status": "login_required"})
            return [SlotSet("logged_in", False)]
        return [SlotSet("logged_in", True), SlotSet("confirm", None)]


class ValidateAppointmentForm(FormValidationAction):
    def name(self) -> str:
        return "validate_appointment_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        # every check needs the API's facts (patterns, clock, horizon): without the API, say so once
        try:
            return await super().run(dispatcher, tracker, domain)
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return []

    def validate_item(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        value = str(value or "").strip()
        try:
            if is_item_code(value):
                guide = api().guides.get(value)
                return self._with_hall({"item": guide["code"], "item_name": guide["name"]}, dispatcher, tracker)
            outcome = api().kb.search(value)
        except ApiRejected:
            dispatcher.utter_message(text="没有找到这个事项，请换个说法，比如“护照”“身份证换领”。")
            return {"item": None}
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return {"item": None}
        results = outcome.get("results") or []
        if outcome.get("status") == "answered" and results:
            chosen = {"item": results[0]["item_code"], "item_name": results[0]["item_name"]}
            return self._with_hall(chosen, dispatcher, tracker)
        if outcome.get("status") == "clarify" and results:
            buttons = [{"title": r["item_name"], "payload": f'/inform{{"item":"{r["item_code"]}"}}'} for r in results]
            dispatcher.utter_message(text=CLARIFY, buttons=buttons)
        else:
            dispatcher.utter_message(text="没有找到这个事项，请换个说法，比如“护照”“身份证换领”。")
        return {"item": None}

    @staticmethod
    def _with_hall(chosen: dict, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict:
        try:
            return {**chosen, **hall_for_item(chosen["item"], tracker, dispatcher)}
        except ApiRejected:  # no hall serves it
            dispatcher.utter_message(text=f"{chosen['item_name']}暂不能网上预约，请直接到大厅办理或咨询12345。")
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
        return {"item": None}

    def validate_hall(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        """A hall the resident named or picked; it must serve the item, and a date already chosen is
        checked again at this hall (its own hours: a Saturday may be open at one hall only)."""
        item = tracker.get_slot("item")
        try:
            hall_id = resolve_hall(value)
            ids = [h["hall_id"] for h in serving(item)] if hall_id and is_item_code(item) else None
        except ApiRejected:  # no hall serves the item at all
            ids = []
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return {"hall": None}
        if hall_id is None:
            dispatcher.utter_message(text="没听清是哪个大厅，请点选，或说出大厅名称，比如“东区分中心”。")
            return {"hall": None}
        if ids is not None and hall_id not in ids:
            others = "、".join(hall_name(i) for i in ids) or "暂无"
            dispatcher.utter_message(text=f"{hall_name(hall_id)}不办理这个事项，可以去：{others}。")
            return {"hall": None}
        result = {"hall": hall_id}
        day = parse_date(tracker.get_slot("date")) if tracker.get_slot("date") else None
        if ids is not None and day is not None:
            try:
                free_slots(item, day.isoformat(), hall_id)
            except ApiRejected as exc:  # e.g. closed that day at this hall: ask the date again
                dispatcher.utter_message(text=_closed_text(exc))
                result.update(date=None, slot=None)
            except ApiUnavailable:
                pass  # the date is checked again when the slot is asked
        return result

    def validate_date(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        try:
            day, last = parse_date(value), last_bookable_date()
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return {"date": None}
        if day is None:
            dispatcher.utter_message(text="没听清是哪一天，请说“明天”“周三”或“12月3日”这样的日期。")
            return {"date": None}
        if day < today():
            dispatcher.utter_message(text=error_text("date_past"))
            return {"date": None}
        if last is not None and day > last:
            dispatcher.utter_message(text=f"现在最远能预约到 {last.isoformat()}，请换一个更近的日期。")
            return {"date": None}
        item = tracker.get_slot("item")
        if not is_item_code(item):
            return {"date": day.isoformat()}  # the slot check waits until the item is known
        try:
            slots = free_slots(item, day.isoformat(), booking_hall(tracker))
        except ApiRejected as exc:
            dispatcher.utter_message(text=_closed_text(exc))
            return {"date": None}
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return {"date": None}
        if not any(s.get("left", 0) > 0 for s in slots):
            dispatcher.utter_message(text=f"{day.isoformat()} 已经约满了，请换一天。")
            return {"date": None}
        result = {"date": day.isoformat()}
        wanted = tracker.get_slot("slot")
        if wanted and not is_slot_label(wanted):  # 上午 said before the date was known
            chosen, _problem = pick_slot(wanted, slots)
            result["slot"] = chosen
        return result

    def validate_slot(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        day = parse_date(tracker.get_slot("date"))
        item = tracker.get_slot("item")
        if day is None or not is_item_code(item):
            return {"slot": str(value)}  # resolved once the date is validated
        try:
            slots = free_slots(item, day.isoformat(), booking_hall(tracker))
        except ApiRejected as exc:
            dispatcher.utter_message(text=_closed_text(exc))
            return {"slot": None, "date": None}
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return {"slot": None}
        chosen, problem = pick_slot(str(value), slots)
        if chosen is None:
            dispatcher.utter_message(text="这个时段已约满，请选其他时段。" if problem == "full" else "没找到这个时段。")
        return {"slot": chosen}


def _closed_text(exc: ApiRejected) -> str:
    return error_text(exc.code, f"这一天不能预约：{exc.message or exc.code}", exc.status)


class ActionAskAppointmentFormSlot(Action):
    """Asks for a time slot, offering the day's free slots as buttons."""

    def name(self) -> str:
        return "action_ask_appointment_form_slot"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        item, day = tracker.get_slot("item"), tracker.get_slot("date")
        try:
            slots = free_slots(item, day, booking_hall(tracker)) if is_item_code(item) and day else []
        except (ApiRejected, ApiUnavailable):
            slots = []
        buttons = [{"title": f"{s['slot']}（余{s['left']}）", "payload": f'/inform{{"time":"{s["slot"]}"}}'}
                   for s in slots if s.get("left", 0) > 0]  # fmt: skip
        dispatcher.utter_message(text="您想约哪个时段？可以说“上午”“下午2点”，或点选：", buttons=buttons)
        return []


class ActionAskAppointmentFormHall(Action):
    """Asks which hall when several serve the item, offering them as buttons (全城通办)."""

    def name(self) -> str:
        return "action_ask_appointment_form_hall"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        item = tracker.get_slot("item")
        try:
            halls = serving(item) if is_item_code(item) else []
        except (ApiRejected, ApiUnavailable):
            halls = []
        buttons = [{"title": hall_button_title(h), "payload": f'/inform{{"hall":"{h["hall_id"]}"}}'} for h in halls]
        name = tracker.get_slot("item_name") or "这个事项"
        dispatcher.utter_message(text=f"{name}在以下大厅都能办理（全城通办），您想去哪一个？", buttons=buttons)
        return []


class ActionAskAppointmentFormConfirm(Action):
    def name(self) -> str:
        return "action_ask_appointment_form_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        name = tracker.get_slot("item_name") or tracker.get_slot("item")
        when = f"{tracker.get_slot('date')} {tracker.get_slot('slot')}"
        try:
            where = hall_name(booking_hall(tracker))
        except ApiUnavailable:
            where = "服务大厅"
        text = f"请确认预约：{name}，{when}，{where}。确认预约吗？"
        dispatcher.utter_message(text=text, buttons=[{"title": "确认", "payload": "/affirm"},
                                                     {"title": "取消", "payload": "/deny"}])  # fmt: skip
        return []


class ActionSubmitAppointment(Action):
    def name(self) -> str:
        return "action_submit_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        if tracker.get_slot("confirm") is not True:
            dispatcher.utter_message(response="utter_appointment_stopped")
            return reset_events()
        token = resident_token(tracker)
        if not token:
            dispatcher.utter_message(text=LOGIN_FIRST, json_message={"status": "login_required"})
            return reset_events()
        try:
            hall_id = booking_hall(tracker)
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return reset_events()
        body = {"hall_id": hall_id, "item_code": tracker.get_slot("item"),
                "date": tracker.get_slot("date"), "slot": tracker.get_slot("slot")}  # fmt: skip
        key = f"bot:{tracker.sender_id}:{body['item_code']}:{body['date']}:{body['slot']}"
        try:
            booked = api().booking.book(token, body, key)
        except ApiUnavailable:
            dispatcher.utter_message(text=BUSY)
            return reset_events()
        except ApiRejected as exc:
            if exc.status == 401:
                dispatcher.utter_message(text=LOGIN_FIRST, json_message={"status": "login_required"})
            else:
                dispatcher.utter_message(text=f"预约没有成功：{error_text(exc.code, exc.message, exc.status)}")
            return reset_events()
        dispatcher.utter_message(
            text=(f"预约成功！{booked.get('item_name') or body['item_code']}，{booked['date']} {booked['slot']}，"
                  f"{hall_name(hall_id)}。签到码：{booked['checkin_code']}（到大厅后凭签到码取号）。"),
            json_message={"status": "booked", "appointment_id": booked.get("appointment_id")},
        )
        return reset_events()
