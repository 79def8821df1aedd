"""Schemas of halls, slots, appointments and the holiday calendar."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from miniapp_api.core.errors import ApiError
from miniapp_api.core.vocabulary import ITEM_CODE_RE
from miniapp_api.identity.resident_auth import validate_phone

CODE = validate.Regexp(r"^[A-Z]{1,3}$", error="category code: 1–3 capital letters (the queue-number prefix)")
ITEM = validate.Regexp(ITEM_CODE_RE, error="item code looks like GR-006")


class CategorySchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(1, 50))
    items = fields.List(fields.String(validate=ITEM), required=True)


class WindowSchema(Schema):
    no = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]\d{2,3}$", error="window number like A07"))
    categories = fields.List(fields.String(validate=CODE), required=True, validate=validate.Length(min=1))


PERIODS = fields.List(fields.String(validate=validate.Length(11, 11)), load_default=list,
                      validate=validate.Length(max=6))


class OpeningSchema(Schema):
    """The one source of a hall's hours: periods per day kind; statutory holidays are closed and 调休
    workdays open like weekdays (the working-day calendar decides which is which)."""

    weekdays = fields.List(fields.String(validate=validate.Length(11, 11)), required=True,
                           validate=validate.Length(max=6), metadata={"example": ["09:00-12:00", "13:30-17:30"]})
    saturday = PERIODS
    sunday = PERIODS


class HallLocationSchema(Schema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))


class HallSchema(Schema):
    hall_id = fields.String(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 100))
    address = fields.String(required=True, validate=validate.Length(1, 200))
    hours = fields.String(validate=validate.Length(1, 300),
                          metadata={"description": "generated from opening; may be sent back unchanged"})
    phone = fields.String(validate=validate.Length(0, 30))
    district = fields.String(required=True, validate=validate.Length(1, 20), metadata={"example": "新城区"})
    location = fields.Nested(HallLocationSchema, metadata={"description": "for the nearest hall"})
    parking = fields.String(validate=validate.Length(0, 200))
    transport = fields.String(validate=validate.Length(0, 200))
    opening = fields.Nested(OpeningSchema, required=True)
    categories = fields.List(fields.Nested(CategorySchema), required=True, validate=validate.Length(1, 50))
    windows = fields.List(fields.Nested(WindowSchema), required=True, validate=validate.Length(max=500))
    slot_times = fields.List(fields.String(), required=True, validate=validate.Length(1, 48))
    capacity = fields.Dict(keys=fields.String(validate=CODE), values=fields.Integer(validate=validate.Range(0, 10_000)),
                           required=True)


class HallListSchema(Schema):
    halls = fields.List(fields.Nested(HallSchema))


class SlotsArgs(Schema):
    date = fields.Date(required=True)
    item_code = fields.String(validate=validate.Length(1, 20))
    category = fields.String(validate=validate.Length(1, 3))


class NearestArgs(Schema):
    item_code = fields.String(required=True, validate=ITEM)
    lat = fields.Float(validate=validate.Range(-90, 90), metadata={"description": "the resident's position"})
    lon = fields.Float(validate=validate.Range(-180, 180))
    district = fields.String(validate=validate.Length(1, 20), metadata={"description": "or the resident's 区/县"})

    @validates_schema
    def _somewhere(self, data: dict, **_kwargs) -> None:
        if ("lat" in data) != ("lon" in data):
            raise ValidationError({"lon" if "lat" in data else "lat": ["give lat and lon together"]})
        if "lat" not in data and not data.get("district"):
            raise ValidationError({"lat": ["give lat and lon, or district"]})


class FreeSlotSchema(Schema):
    date = fields.String()
    slot = fields.String()
    left = fields.Integer()


class ServingHallSchema(Schema):
    hall_id = fields.String()
    name = fields.String()
    address = fields.String()
    district = fields.String()
    phone = fields.String()
    parking = fields.String()
    transport = fields.String()
    hours = fields.String()
    location = fields.Nested(HallLocationSchema, allow_none=True)
    category = fields.String(metadata={"description": "the queue (and seats) the item is booked in"})
    category_name = fields.String()
    items = fields.List(fields.String())
    distance_km = fields.Float(allow_none=True)
    same_district = fields.Boolean()
    earliest = fields.Nested(FreeSlotSchema, allow_none=True, metadata={"description": "earliest free slot"})


class ServingHallsSchema(Schema):
    item_code = fields.String()
    halls = fields.List(fields.Nested(ServingHallSchema))
    nearest = fields.Nested(ServingHallSchema, allow_none=True,
                            metadata={"description": "the first hall in the order that has a free slot"})


class SlotSchema(Schema):
    slot = fields.String()
    capacity = fields.Integer()
    left = fields.Integer()
    bookable = fields.Boolean(metadata={"description": "false when the slot has begun or the day is not open yet"})


class SlotsSchema(Schema):
    hall_id = fields.String()
    date = fields.String()
    category = fields.String()
    opens_at = fields.String(allow_none=True, metadata={"description": "when the day opens for booking, if later"})
    slots = fields.List(fields.Nested(SlotSchema))


DELIVERY_METHODS = ("pickup", "post")


class DeliverySchema(Schema):
    """How the resident gets the result: 窗口领取 (pickup) or 邮寄 (post, EMS) to an address."""

    method = fields.String(required=True, validate=validate.OneOf(DELIVERY_METHODS))
    recipient = fields.String(validate=validate.Length(1, 50), metadata={"description": "post: 收件人"})
    phone = fields.String(validate=validate.Length(1, 20), metadata={"description": "post: 收件人手机号"})
    address = fields.String(validate=validate.Length(5, 200), metadata={"description": "post: 详细地址"})
    postcode = fields.String(validate=validate.Regexp(r"^[0-9]{6}$", error="邮政编码为6位数字"))

    @validates_schema
    def _post_needs_an_address(self, data: dict, **_kwargs) -> None:
        if data.get("method") != "post":
            return
        for name, label in (("recipient", "收件人"), ("phone", "收件人手机号"), ("address", "邮寄地址")):
            if not (data.get(name) or "").strip():
                raise ValidationError({name: [f"邮寄需填写{label}"]})
        try:
            data["phone"] = validate_phone(data["phone"])
        except ApiError as exc:
            raise ValidationError({"phone": [exc.message]}) from None


class AppointmentCreateSchema(Schema):
    hall_id = fields.String(required=True, validate=validate.Length(1, 50))
    item_code = fields.String(required=True, validate=validate.Length(1, 20),
                              metadata={"description": "an item (GR-006) or a 一件事 bundle (YJS-001)"})
    date = fields.Date(required=True)
    slot = fields.String(required=True, validate=validate.Length(1, 20))
    delivery = fields.Nested(DeliverySchema, metadata={"description": "pickup (default) or post with an address"})


class AppointmentSchema(Schema):
    appointment_id = fields.String()
    hall_id = fields.String()
    item_code = fields.String()
    item_name = fields.String()
    category = fields.String()
    date = fields.String()
    slot = fields.String()
    status = fields.String(validate=validate.OneOf(("booked", "cancelled", "checked_in", "no_show", "served")))
    checkin_code = fields.String()
    created_at = fields.DateTime()
    items = fields.List(fields.String(), metadata={"description": "the items this appointment covers (a bundle's)"})
    delivery = fields.Dict(metadata={"description": "pickup or post; the phone masked"})


class AppointmentListSchema(Schema):
    appointments = fields.List(fields.Nested(AppointmentSchema))


class CalendarYearSchema(Schema):
    holidays = fields.List(fields.Date(), required=True, validate=validate.Length(max=366))
    workdays = fields.List(fields.Date(), load_default=list, validate=validate.Length(max=366))


class CalendarYearResultSchema(Schema):
    year = fields.Integer()
    holidays = fields.List(fields.String())
    workdays = fields.List(fields.String())


class SweepResultSchema(Schema):
    marked = fields.Integer()


class RebuildResultSchema(Schema):
    slots = fields.Integer()
    resident_days = fields.Integer()
