"""Halls (服务大厅), their bookable slots, and the staff side: hall data and holiday schedules."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from miniapp_api.booking import serving
from miniapp_api.booking.schemas import (
    CalendarYearResultSchema,
    CalendarYearSchema,
    HallListSchema,
    HallSchema,
    NearestArgs,
    ServingHallsSchema,
    SlotsArgs,
    SlotsSchema,
)
from miniapp_api.catalogue.repo import GuideRepository
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.core.stores import mongo
from miniapp_api.halls import halls
from miniapp_api.halls.calendar import store_schedule
from miniapp_api.identity.staff import require_role

blp = Blueprint("halls", __name__, url_prefix="/api/v1", description="Service halls and bookable slots")


@blp.route("/halls", methods=["GET"])
@blp.response(200, HallListSchema)
def hall_list():
    """Every hall with its categories, windows and slot times."""
    return {"halls": halls.list_halls()}


@blp.route("/halls/<hall_id>", methods=["GET"])
@blp.response(200, HallSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
def hall_get(hall_id: str):
    """One hall."""
    return halls.public_hall(halls.get_hall(hall_id))


@blp.route("/halls/<hall_id>/slots", methods=["GET"])
@blp.arguments(SlotsArgs(), location="query")
@blp.response(200, SlotsSchema)
@blp.alt_response(404, schema=ErrorResponseSchema, description="unknown hall, item or category")
@blp.alt_response(422, schema=ErrorResponseSchema, description="closed_day or holiday_schedule_unknown")
def hall_slots(args: dict, hall_id: str):
    """Seats left per open slot of a day the hall is open, for an item or bundle (``item_code``) or a category."""
    return serving.slots_view(hall_id, args["date"], args.get("item_code"), args.get("category"))


@blp.route("/items/<item_code>/halls", methods=["GET"])
@blp.response(200, ServingHallsSchema)
@blp.alt_response(404, schema=ErrorResponseSchema, description="no hall serves the item")
def item_halls(item_code: str):
    """全城通办: every hall that serves an item or a 一件事 bundle, with its facts and booking queue."""
    return serving.halls_for_item(item_code.upper())


@blp.route("/halls/nearest", methods=["GET"])
@blp.arguments(NearestArgs(), location="query")
@blp.response(200, ServingHallsSchema)
@blp.alt_response(400, schema=ErrorResponseSchema, description="neither lat/lon nor district given")
@blp.alt_response(404, schema=ErrorResponseSchema, description="no hall serves the item")
def hall_nearest(args: dict):
    """The halls serving an item, nearest first (from lat/lon, or the resident's district first), then by
    earliest free slot; ``nearest`` is the first of them with a free slot."""
    return serving.nearest_halls(args["item_code"].upper(), args.get("lat"), args.get("lon"), args.get("district"))


@blp.route("/staff/halls/<hall_id>", methods=["PUT"])
@blp.arguments(HallSchema())
@blp.response(200, HallSchema)
@blp.alt_response(400, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_role("admin")
def hall_put(body: dict, hall_id: str):
    """Create or replace a hall (admin). Bookings already made keep their seats."""
    hall = halls.replace_hall(hall_id, body)
    GuideRepository(mongo()).audit(g.staff["username"], "replace_hall", None, {"hall_id": hall_id})
    return hall


@blp.route("/staff/calendar/<int:year>", methods=["PUT"])
@blp.arguments(CalendarYearSchema())
@blp.response(200, CalendarYearResultSchema)
@blp.alt_response(400, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_role("admin")
def calendar_put(body: dict, year: int):
    """Load a year's 节假日安排 (holidays and 调休 workdays); it overrides the library for that year."""
    return store_schedule(year, body["holidays"], body["workdays"])
