"""Which hall a booking is for (全城通办): an item served by several halls needs the resident's choice.

The halls, their names and the names residents use for them ("东区分中心", "东区") come from the API's
meta; which halls serve an item from GET /api/v1/items/<code>/halls. Nothing about a hall is typed here.
"""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.api_client import api
from actions.vocabulary import default_hall


def resolve_hall(text: str | None) -> str | None:
    """A hall id from what the resident said: the id itself or the longest hall name / alias in the text."""
    said = str(text or "").strip().replace(" ", "")
    if not said:
        return None
    halls = api().meta.get()["halls"]
    best, best_len = None, 0
    for hall in halls:
        if said == hall["hall_id"]:
            return hall["hall_id"]
        for name in [hall["name"], *(hall.get("aliases") or [])]:
            if name and name in said and len(name) > best_len:
                best, best_len = hall["hall_id"], len(name)
    return best


def serving(item_code: str) -> list[dict]:
    """The halls that serve ``item_code`` (raises ApiRejected 404 when none, ApiUnavailable)."""
    return api().booking.halls_for(item_code)


def booking_hall(tracker: Tracker) -> str:
    """The hall the form books at: the resident's choice, else the city centre (which serves every item)."""
    return resolve_hall(tracker.get_slot("hall")) or default_hall()


def hall_button_title(hall: dict) -> str:
    where = hall.get("district") or hall.get("address") or ""
    return f"{hall['name']}（{where}）" if where else hall["name"]
