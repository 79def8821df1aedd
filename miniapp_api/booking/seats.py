"""A seat's way through Redis around the MongoDB write that makes it real: taken (pending), then
confirmed after the insert or given back; a cancel noted before MongoDB changes and given back after.
A process that dies anywhere in between leaves a pending entry that booking.sweeper settles.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from miniapp_api.booking import lua as keys
from miniapp_api.booking.counters import IDEMPOTENCY_TTL, ensure_counters, store_id
from miniapp_api.booking.rules import blocked_error
from miniapp_api.core.errors import ApiError, Conflict, Unavailable
from miniapp_api.core.stores import rds, rds_coalesced


@dataclass
class Seat:
    """One reservation's keys and script arguments (see lua.RESERVE)."""

    appointment_id: str
    keys: list[str]
    args: list
    day: str
    slot: str

    @property
    def member(self) -> str:
        return f"r:{self.appointment_id}"

    @property
    def fields(self) -> dict:
        """The keys RELEASE gives back, as the pending hash names them."""
        ready, idem, active, daily, seats, *_ = self.keys
        return {"seats": seats, "daily": daily, "active": active,
                "idem": idem if self.args[5] == "1" else ""}


def seat(appointment_id: str, resident_id: str, item_code: str, hall_id: str, category: str, day: str, slot: str,
         capacity: int, idempotency_key: str | None, ttl: int, today: str) -> Seat:
    member = f"r:{appointment_id}"
    key_list = [keys.ready_key(), keys.idem_key(resident_id, idempotency_key or "-"),
                keys.active_key(resident_id, item_code), keys.daily_key(resident_id, day),
                keys.seats_key(hall_id, category, day, slot), keys.blocked_key(resident_id),
                keys.pending_key(), keys.pending_hash_key(member)]
    cfg = current_app.config
    args = [appointment_id, capacity, cfg["BOOKING_DAILY_CAP"], ttl, IDEMPOTENCY_TTL,
            "1" if idempotency_key else "0", today, store_id(), cfg["BOOKING_PENDING_SECONDS"]]
    return Seat(appointment_id, key_list, args, day, slot)


def take(s: Seat) -> tuple[str, str, str]:
    """RESERVE, rebuilding the counters first when they are missing or stale: (outcome, ref, generation)."""
    for _ in range(3):
        outcome, ref, *generation = keys.reserve(rds(), rds_coalesced(), s.keys, s.args)
        if outcome != "rebuild":
            return outcome, ref, generation[0] if generation else ""
        ensure_counters()
    raise Unavailable("booking counters are being rebuilt, please retry", None)


def refusal(outcome: str, ref: str, s: Seat) -> ApiError:
    """The 4xx of a refused reservation."""
    if outcome == "blocked":
        return blocked_error(ref)
    if outcome == "already_booked":
        return Conflict("您已预约过该事项，请先取消原预约再重新预约", "item_code", code="already_booked")
    if outcome == "daily_cap":
        cap = current_app.config["BOOKING_DAILY_CAP"]
        return Conflict(f"每人每天最多预约{cap}个号，{s.day} 已达上限", "date", code="daily_cap_reached")
    return Conflict(f"{s.day} {s.slot} 已约满，请选择其他时段", "slot", code="slot_full")


def confirm(s: Seat, reserved_in: str) -> ApiError | None:
    """After the insert: stop being pending. When the counters were rebuilt in between without this
    appointment (its insert landed after the rebuild read MongoDB), take the seat again in the new
    generation; None when the seat is held, else the refusal (the caller voids the appointment)."""
    client = rds()
    for _ in range(4):
        generation = keys.script(client, "CONFIRM")(keys=[keys.pending_key(), keys.pending_hash_key(s.member),
                                                         keys.ready_key()], args=[s.member])
        if generation == reserved_in:
            return None
        if generation is None:  # Redis lost everything meanwhile: rebuild, then see whether it counted us
            ensure_counters()
            reserved_in = ""
            continue
        if client.sismember(keys.counted_key(generation), s.appointment_id):
            return None
        outcome, ref, reserved_in = take(s)
        if outcome == "replay" and ref == s.appointment_id:
            return None
        if outcome != "ok":
            return refusal(outcome, ref, s)
    return Unavailable("booking counters keep changing, please retry", None)


def give_back(s: Seat) -> bool:
    """The insert failed: give the seat back (unless the sweeper already did)."""
    return keys.release(rds(), s.member, s.appointment_id, s.fields)


def note_cancel(appointment_id: str, fields: dict) -> None:
    """Before MongoDB says cancelled: note what the cancel gives back, with a deadline for the sweeper."""
    member = f"c:{appointment_id}"
    for _ in range(3):
        generation = keys.script(rds(), "CANCEL_MARK")(
            keys=[keys.ready_key(), keys.pending_key(), keys.pending_hash_key(member)],
            args=[member, fields["seats"], fields["daily"], fields["active"], fields["idem"],
                  current_app.config["BOOKING_PENDING_SECONDS"], store_id()])
        if generation:
            return
        ensure_counters()
    raise Unavailable("booking counters are being rebuilt, please retry", None)


def finish_cancel(appointment_id: str, fields: dict, cancelled: bool) -> None:
    """After the MongoDB update: give the seat back, or forget the note when nothing was cancelled."""
    member = f"c:{appointment_id}"
    if cancelled:
        keys.release(rds(), member, appointment_id, fields)
    else:
        keys.script(rds(), "DROP")(keys=[keys.pending_key(), keys.pending_hash_key(member)], args=[member])
