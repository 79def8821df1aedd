"""Marshmallow schema of one service guide (办事指南).

The same schema validates the YAML files in ``guides/``, staff edits through the API and
documents the guide resources in the OpenAPI document, so the three can never drift apart.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from miniapp_api.core.vocabulary import BUNDLE_PREFIX, ITEM_CODE_RE

AUDIENCES = ("个人", "法人")
ONLINE_LEVELS = ("全程网办", "网上预约", "窗口办理")
MATERIAL_FORMS = ("原件", "复印件", "原件及复印件", "电子证照", "原件或电子证照")
# Words that betray an unfinished guide.
PLACEHOLDERS = ("TODO", "TBD", "待补充", "xxx", "XXX", "示例文本", "lorem")

NonEmpty = validate.Length(min=1)


def _no_placeholder(value: str) -> None:
    for marker in PLACEHOLDERS:
        if marker in value:
            raise ValidationError(f"contains the placeholder {marker!r}")


class Text(fields.String):
    """A non-empty string without placeholder words."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", [NonEmpty, _no_placeholder])
        super().__init__(**kwargs)


class MaterialSchema(Schema):
    name = Text(required=True)
    form = fields.String(required=True, validate=validate.OneOf(MATERIAL_FORMS))
    copies = fields.Integer(required=True, validate=validate.Range(min=0, max=20))
    required = fields.Boolean(required=True)
    notes = fields.String(load_default="")
    tolerance = fields.Boolean(
        load_default=False, metadata={"description": "容缺受理: may be handed in later"}
    )


class StepSchema(Schema):
    step = Text(required=True)
    detail = Text(required=True)


class TimeLimitSchema(Schema):
    legal_days = fields.Integer(required=True, validate=validate.Range(min=0, max=365))
    promised_days = fields.Integer(required=True, validate=validate.Range(min=0, max=365))
    notes = fields.String(load_default="")

    @validates_schema
    def _promise_within_law(self, data: dict, **_kwargs) -> None:
        if data["promised_days"] > data["legal_days"] and data["legal_days"] > 0:
            raise ValidationError("must not exceed legal_days", "promised_days")


class FeeItemSchema(Schema):
    name = Text(required=True)
    amount = fields.Float(required=True, validate=validate.Range(min=0))
    unit = Text(required=True)


class FeeSchema(Schema):
    free = fields.Boolean(required=True)
    items = fields.List(fields.Nested(FeeItemSchema), load_default=list)
    basis = fields.String(load_default="")

    @validates_schema
    def _items_match_free(self, data: dict, **_kwargs) -> None:
        if not data["free"] and not data["items"]:
            raise ValidationError("a charged item needs at least one fee item", "items")
        if not data["free"] and not data["basis"]:
            raise ValidationError("a charged item needs the basis of its fee", "basis")


class OnlineSchema(Schema):
    level = fields.String(required=True, validate=validate.OneOf(ONLINE_LEVELS))
    channel = Text(required=True, metadata={"description": "where to apply or book online"})


HALL_FACTS = ("hall", "address", "hours")  # what a guide at one of our halls takes from the hall, never types
READ_TIME_FACTS = (*HALL_FACTS, "hall_phone", "district", "parking", "transport", "also_at")


class LocationSchema(Schema):
    """Where to go: one of our halls (``hall_id``; its name, address, hours come from the hall data
    at read time, halls/facts.py ``located``) or, for a place that is not one of our halls, free text.

    The fields after ``notes`` are filled at read time and only shown (a stored guide never has them)."""

    hall_id = fields.String(metadata={"description": "one of our halls (GET /api/v1/halls)"})
    zone = fields.String(metadata={"description": "the area inside the hall (出入境服务区)"})
    hall = Text(metadata={"description": "hall name; typed only for a place that is not one of our halls"})
    window = Text(required=True)
    address = Text(metadata={"description": "typed only without hall_id"})
    hours = Text(metadata={"description": "typed only without hall_id"})
    phone = fields.String(
        required=True, validate=validate.Regexp(r"^[0-9\-、 ]{5,40}$"), metadata={"description": "the item's 咨询电话"}
    )
    notes = fields.String(metadata={"description": "e.g. a 24-hour hotline beside the hall hours"})
    hall_phone = fields.String(dump_only=True, metadata={"description": "the hall's own phone (from the hall)"})
    district = fields.String(dump_only=True)
    parking = fields.String(dump_only=True)
    transport = fields.String(dump_only=True)
    also_at = fields.List(
        fields.Dict(), dump_only=True, metadata={"description": "other halls taking the item (全城通办)"}
    )

    @pre_load
    def _drop_read_time_facts(self, data: object, **_kwargs) -> object:
        """A guide read from the API and written back (GET, edit, PUT) carries what its hall gave it
        (marked by ``hall_phone``, which only the read view has): those facts are the hall's, so they
        are dropped, never stored in the guide."""
        if isinstance(data, dict) and data.get("hall_id") and "hall_phone" in data:
            return {k: v for k, v in data.items() if k not in READ_TIME_FACTS}
        return data

    @validates_schema
    def _hall_or_text(self, data: dict, **_kwargs) -> None:
        if data.get("hall_id"):
            typed = [f for f in HALL_FACTS if data.get(f)]
            if typed:  # typed twice is how 18 guides came to say "周六" while their hall was closed
                raise ValidationError("comes from the hall: leave it empty when hall_id is given", typed[0])
            return
        for name in HALL_FACTS:
            if not data.get(name):
                raise ValidationError("Missing data for required field.", name)


class FaqSchema(Schema):
    q = Text(required=True)
    a = Text(required=True)


LEVELS = ("国家级", "省级", "市级", "县级", "乡镇级")
# What a resident may ask about a guide; an imported guide lists the ones its source does not publish.
ELEMENTS = ("conditions", "materials", "time_limit", "fee", "location", "contact", "process", "basis")
NATIONAL_CODE_RE = r"^[0-9A-Z]{18,40}$"  # 国家政务服务事项实施编码


class ContactSchema(Schema):
    consult = fields.List(fields.String(), load_default=list, metadata={"description": "咨询电话"})
    complain = fields.List(fields.String(), load_default=list, metadata={"description": "监督投诉电话"})
    consult_text = fields.String(load_default=None, metadata={"description": "as the source wrote it"})
    complain_text = fields.String(load_default=None)


class GeneratedAliasSchema(Schema):
    text = fields.String(required=True)
    rule = fields.String(required=True, metadata={"description": "the alias rule that made it"})


class CatalogueFieldsMixin(Schema):
    """Elements of a real catalogue, optional for every guide (hand-written ones may carry them too).

    No defaults: a guide that does not use them loads exactly as it is written."""

    national_code = fields.String(allow_none=True, validate=validate.Regexp(NATIONAL_CODE_RE))
    catalogue_code = fields.String(allow_none=True, metadata={"description": "目录编码, shared by an item family"})
    official_name = fields.String(allow_none=True, metadata={"description": "full official name with situation"})
    situation = fields.String(allow_none=True, metadata={"description": "办理项/情形 within the item family"})
    level = fields.String(allow_none=True, validate=validate.OneOf(LEVELS))
    region = fields.String(allow_none=True)
    region_code = fields.String(allow_none=True)
    item_type = fields.String(allow_none=True, metadata={"description": "行政许可, 公共服务 …"})
    co_departments = fields.String(allow_none=True)
    service_objects = fields.List(fields.String(), allow_none=True)
    audiences = fields.List(fields.String(validate=validate.OneOf(AUDIENCES)), allow_none=True)
    themes = fields.List(fields.String(), allow_none=True)
    courier = fields.Boolean(allow_none=True, metadata={"description": "快递送达"})
    contact = fields.Nested(ContactSchema, allow_none=True)
    export_aliases = fields.List(fields.String(), allow_none=True)
    generated_aliases = fields.List(fields.Nested(GeneratedAliasSchema), allow_none=True)
    missing = fields.List(
        fields.String(validate=validate.OneOf(ELEMENTS)), allow_none=True,
        metadata={"description": "elements the source does not publish (answered honestly, never invented)"},
    )  # fmt: skip
    source = fields.Dict(allow_none=True, metadata={"description": "file, line and format it was imported from"})
    import_ = fields.Dict(data_key="import", attribute="import", allow_none=True,
                          metadata={"description": "import bookkeeping: source, fingerprint, gone"})  # fmt: skip


class GuideSchema(CatalogueFieldsMixin):
    """One item (事项) or one 一件事 bundle."""

    code = fields.String(required=True, validate=validate.Regexp(ITEM_CODE_RE))
    name = Text(required=True)
    department = Text(required=True)
    audience = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    theme = Text(required=True)
    items = fields.List(
        fields.String(validate=validate.Regexp(ITEM_CODE_RE)),
        load_default=list,
        metadata={"description": "bundles only: the items merged into one application"},
    )
    aliases = fields.List(Text(), required=True, validate=validate.Length(min=5))
    basis = fields.List(Text(), required=True, validate=NonEmpty)
    conditions = fields.List(Text(), required=True, validate=NonEmpty)
    materials = fields.List(fields.Nested(MaterialSchema), load_default=list)
    process = fields.List(fields.Nested(StepSchema), required=True, validate=NonEmpty)
    time_limit = fields.Nested(TimeLimitSchema, required=True)
    fee = fields.Nested(FeeSchema, required=True)
    issues = fields.List(
        Text(), metadata={"description": "办理结果: the certificates or papers the item issues ([]: none)"}
    )
    visits = fields.Integer(required=True, validate=validate.OneOf((0, 1)))
    online = fields.Nested(OnlineSchema, required=True)
    location = fields.Nested(LocationSchema, required=True)
    faqs = fields.List(fields.Nested(FaqSchema), required=True, validate=validate.Length(3, 6))

    @validates_schema
    def _bundle_rules(self, data: dict, **_kwargs) -> None:
        is_bundle = data["code"].startswith(BUNDLE_PREFIX)
        if is_bundle and len(data["items"]) < 2:
            raise ValidationError("a bundle merges at least two items", "items")
        if not is_bundle and data["items"]:
            raise ValidationError("only bundles list items", "items")
        if not is_bundle and not data["materials"]:
            raise ValidationError("an item needs at least one material", "materials")
        if data["visits"] == 0 and data["online"]["level"] != "全程网办":
            raise ValidationError("zero visits needs online level 全程网办", "visits")
        if len(set(data["aliases"])) != len(data["aliases"]):
            raise ValidationError("aliases repeat", "aliases")
