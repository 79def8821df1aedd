"""Queue numbers (取号): residents check in or take a number; window staff call and close tickets.

Window staff use a staff token with role ``agent`` (``admin`` implies it).
"""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from miniapp_api.core.errors import NotFound
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.identity.resident_auth import require_resident
from miniapp_api.identity.staff import require_role
from miniapp_api.queue import announce
from miniapp_api.queue import service as queue
from miniapp_api.queue.schemas import (
    BoardSchema,
    CallResultSchema,
    CheckinSchema,
    TicketSchema,
    TicketViewSchema,
    TransferSchema,
    WalkInSchema,
)

blp = Blueprint("queue", __name__, url_prefix="/api/v1", description="Queue numbers (取号)")


def _respond(view: dict, created: bool):
    # 201 for a new number, 200 when the same request found the resident's existing ticket
    return view, 201 if created else 200


@blp.route("/queue/checkin", methods=["POST"])
@blp.arguments(CheckinSchema())
@blp.response(201, TicketViewSchema)
@blp.alt_response(200, schema=TicketViewSchema, description="already checked in: the same ticket")
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.alt_response(409, schema=ErrorResponseSchema)
@blp.alt_response(422, schema=ErrorResponseSchema, description="the booking is not for today")
@blp.doc(security=[{"bearer": []}])
@require_resident
def checkin(body: dict):
    """Check in at the hall with a booking's check-in code → a booked ticket (served before walk-ins)."""
    ticket, created = queue.check_in(g.resident["resident_id"], body["checkin_code"].strip().upper(), body["green"])
    if created:
        announce.announce_board(ticket["hall_id"], "checkin")
    return _respond(queue.ticket_view(ticket), created)


@blp.route("/queue/tickets", methods=["POST"])
@blp.arguments(WalkInSchema())
@blp.response(201, TicketViewSchema)
@blp.alt_response(200, schema=TicketViewSchema, description="you already hold a number in this category")
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_resident
def take_number(body: dict):
    """Take a walk-in number for a category (green = 绿色通道 for elderly / disabled, checked at the window)."""
    ticket, created = queue.take_walk_in(g.resident["resident_id"], body["hall_id"], body["category"], body["green"])
    if created:
        announce.announce_board(ticket["hall_id"], "walk_in")
    return _respond(queue.ticket_view(ticket), created)


@blp.route("/queue/tickets/<ticket_id>")
@blp.response(200, TicketViewSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_resident
def ticket_status(ticket_id: str):
    """My ticket: position (1 = next), people ahead and the estimated wait from recent service times."""
    ticket = queue.get_ticket(ticket_id)
    if ticket.get("resident_id") != g.resident["resident_id"]:
        raise NotFound(f"no ticket {ticket_id!r}", "ticket_id")  # someone else's: do not confirm it exists
    return queue.ticket_view(ticket)


@blp.route("/queue/halls/<hall_id>")
@blp.response(200, BoardSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
def hall_board(hall_id: str):
    """The hall's queue board: people waiting and estimated wait per category (no personal data)."""
    return queue.board(hall_id)


@blp.route("/staff/windows/<hall_id>/<window_no>/call", methods=["POST"])
@blp.response(200, CallResultSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_role("agent")
def call_next(hall_id: str, window_no: str):
    """Call the next ticket for this window: 绿色通道 first, else the longest of its categories' queues."""
    ticket = queue.call_next(hall_id, window_no)
    if ticket is not None:
        announce.announce_call(ticket)  # the hall's displays show and speak it
        announce.announce_board(hall_id, "call")
    return {"ticket": ticket}


@blp.route("/staff/tickets/<ticket_id>/served", methods=["POST"])
@blp.response(200, TicketSchema)
@blp.alt_response(409, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_role("agent")
def mark_served(ticket_id: str):
    """The called ticket was served; its service time feeds the wait estimate."""
    ticket = queue.finish(ticket_id, "served")
    announce.announce_board(ticket["hall_id"], "served")  # the estimate moved with the new service time
    return ticket


@blp.route("/staff/tickets/<ticket_id>/no_show", methods=["POST"])
@blp.response(200, TicketSchema)
@blp.alt_response(409, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_role("agent")
def mark_no_show(ticket_id: str):
    """过号: the called resident did not come; a booked ticket's appointment counts as a no-show."""
    ticket = queue.finish(ticket_id, "no_show")
    announce.announce_board(ticket["hall_id"], "no_show")
    return ticket


@blp.route("/staff/tickets/<ticket_id>/transfer", methods=["POST"])
@blp.arguments(TransferSchema())
@blp.response(200, TicketSchema)
@blp.alt_response(409, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_role("agent")
def transfer(body: dict, ticket_id: str):
    """Transfer to another category: a new number there, keeping the ticket's priority and arrival."""
    ticket = queue.transfer(ticket_id, body["category"])
    announce.announce_board(ticket["hall_id"], "transfer")  # one queue shorter, another longer
    return ticket
