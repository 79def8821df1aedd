"""The app's working-day calendar: chinese_calendar + guides/calendar/<year>.yaml + staff-loaded years.

Staff PUT a year's 节假日安排 into Mongo ``holiday_schedules``; a version token in Redis (shared_versions)
tells every worker to rebuild its calendar, so all workers open and close the same days.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app

from miniapp_api.core import shared_versions
from miniapp_api.core.errors import ValidationFailed
from miniapp_api.core.stores import mongo
from miniapp_api.halls.workdays import WorkdayCalendar, load_schedule_files

_lock = threading.Lock()


def _build() -> WorkdayCalendar:
    folder = Path(current_app.config["GUIDES_DIR"]) / "calendar"
    schedules = load_schedule_files(folder) if folder.is_dir() else {}
    for doc in mongo()["holiday_schedules"].find():
        schedules[int(doc["_id"])] = {"holidays": doc.get("holidays", []), "workdays": doc.get("workdays", [])}
    return WorkdayCalendar(schedules)


def workday_calendar() -> WorkdayCalendar:
    """This worker's calendar, rebuilt when any worker stored a new schedule."""
    version = shared_versions.current("calendar")
    cached = current_app.extensions.get("workday_calendar")
    if cached is None or cached[0] != version:
        with _lock:
            cached = current_app.extensions.get("workday_calendar")
            if cached is None or cached[0] != version:  # threads that waited here find it built
                cached = (version, _build())
                current_app.extensions["workday_calendar"] = cached
    return cached[1]


def store_schedule(year: int, holidays: list[str], workdays: list[str]) -> dict:
    """Validate and store one year's schedule (overrides the library for that year)."""
    if not 2000 <= year <= 2100:
        raise ValidationFailed("year must be between 2000 and 2100", "year")
    data = {"holidays": sorted({str(d) for d in holidays}), "workdays": sorted({str(d) for d in workdays})}
    try:
        WorkdayCalendar().load_year(year, data)
    except ValueError as exc:
        raise ValidationFailed(str(exc), "holidays") from None
    mongo()["holiday_schedules"].replace_one({"_id": year}, {"_id": year, **data}, upsert=True)
    shared_versions.bump("calendar")
    return {"year": year, **data}
