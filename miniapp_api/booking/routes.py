"""Appointments (预约): residents book and cancel; staff record no-shows and repair counters."""

from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint

from miniapp_api.booking import appointments
from miniapp_api.booking import counters as booking_counters
from miniapp_api.booking.schemas import (
    AppointmentCreateSchema,
    AppointmentListSchema,
    AppointmentSchema,
    RebuildResultSchema,
    SweepResultSchema,
)
from miniapp_api.core import direct_args
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.identity.resident_auth import require_resident
from miniapp_api.identity.staff import require_role

blp = Blueprint("appointments", __name__, url_prefix="/api/v1", description="Appointments (预约)")
IDEMPOTENCY_HEADER = {"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string"},
                      "description": "a retry with the same key returns the same appointment, never a second one"}


@blp.route("/appointments", methods=["POST"])
@direct_args.arguments(blp, AppointmentCreateSchema())  # blp.arguments without webargs on the hot path
@blp.response(201, AppointmentSchema)
@blp.alt_response(200, schema=AppointmentSchema, description="replay: the appointment this Idempotency-Key made")
@blp.alt_response(403, schema=ErrorResponseSchema, description="booking_blocked after repeated no-shows")
@blp.alt_response(404, schema=ErrorResponseSchema, description="unknown hall or item")
@blp.alt_response(409, schema=ErrorResponseSchema, description="slot_full, already_booked, daily_cap_reached")
@blp.alt_response(422, schema=ErrorResponseSchema, description="closed_day, date_past, slot_past, not_yet_open")
@blp.doc(security=[{"bearer": []}], parameters=[IDEMPOTENCY_HEADER])
@require_resident
def appointment_create(body: dict):
    """Book a slot (atomic: never overbooked, never twice for one Idempotency-Key)."""
    doc, replayed = appointments.book(g.resident["resident_id"], body, request.headers.get("Idempotency-Key"))
    return doc, 200 if replayed else 201


@blp.route("/appointments", methods=["GET"])
@blp.response(200, AppointmentListSchema)
@blp.doc(security=[{"bearer": []}])
@require_resident
def appointment_list():
    """My appointments, newest date first."""
    return {"appointments": appointments.mine(g.resident["resident_id"])}


@blp.route("/appointments/<appointment_id>", methods=["GET"])
@blp.response(200, AppointmentSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_resident
def appointment_get(appointment_id: str):
    """One of my appointments."""
    return appointments.public(appointments.get_for_resident(g.resident["resident_id"], appointment_id))


@blp.route("/appointments/<appointment_id>", methods=["DELETE"])
@blp.response(200, AppointmentSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.alt_response(409, schema=ErrorResponseSchema, description="cancel_cutoff_passed or not_cancellable")
@blp.doc(security=[{"bearer": []}])
@require_resident
def appointment_cancel(appointment_id: str):
    """Cancel before the cut-off; the seat returns to the pool at once."""
    return appointments.cancel(g.resident["resident_id"], appointment_id)


@blp.route("/staff/appointments/<appointment_id>/no_show", methods=["POST"])
@blp.response(200, AppointmentSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.alt_response(409, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_role("agent")
def appointment_no_show(appointment_id: str):
    """Record a no-show (爽约); NO_SHOW_LIMIT within NO_SHOW_WINDOW_DAYS blocks online booking."""
    return appointments.mark_no_show(appointment_id, by=g.staff["username"])


@blp.route("/staff/appointments/sweep_no_shows", methods=["POST"])
@blp.response(200, SweepResultSchema)
@blp.doc(security=[{"bearer": []}])
@require_role("admin")
def appointment_sweep():
    """Mark still-booked appointments of earlier days as no-shows (run daily, e.g. from cron)."""
    return {"marked": appointments.sweep_no_shows()}


@blp.route("/staff/appointments/rebuild_counters", methods=["POST"])
@blp.response(200, RebuildResultSchema)
@blp.doc(security=[{"bearer": []}])
@require_role("admin")
def appointment_rebuild():
    """Recompute the Redis booking counters from MongoDB."""
    return booking_counters.rebuild_counters()
