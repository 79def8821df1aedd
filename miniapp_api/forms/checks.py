"""Field types of a form and their checks: each raw value (any JSON) becomes the stored value or is
refused with ValidationFailed naming the field (``values.<key>``)."""

from __future__ import annotations

import datetime as dt
import re

from miniapp_api.core.errors import ValidationFailed
from miniapp_api.core.pii import mask_pii
from miniapp_api.identity.resident_auth import mask_id_number, mask_phone, validate_id_number, validate_phone

TYPES = ("text", "textarea", "id_number", "mobile", "date", "uscc", "number", "choice", "multichoice")
SECRET_TYPES = frozenset({"id_number"})  # stored encrypted, decrypted only to print

# GB 32100-2015 统一社会信用代码: 18 characters of this alphabet (no I, O, S, V, Z), check character
# = 31 - (Σ value·weight mod 31), 31 counting as 0.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(rf"^[{_USCC_ALPHABET}]{{18}}$")
_DEFAULT_MAX = {"text": 100, "textarea": 500}


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(raw: str, name: str) -> str:
    value = raw.strip().upper()
    if not _USCC_RE.match(value):
        raise ValidationFailed("统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）", name)
    if uscc_check_char(value[:17]) != value[17]:
        raise ValidationFailed("统一社会信用代码校验位不正确，请核对", name)
    return value


def _text(field: dict, raw: object, name: str) -> str:
    if not isinstance(raw, str):
        raise ValidationFailed(f"{field['label']}应为文字", name)
    value = raw.strip()
    low, high = int(field.get("min", 1)), int(field.get("max", _DEFAULT_MAX.get(field["type"], 100)))
    if not low <= len(value) <= high:
        raise ValidationFailed(f"{field['label']}应为{low}–{high}个字", name)
    return value


def _date(field: dict, raw: object, name: str, today: dt.date) -> str:
    try:
        value = dt.date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
    except ValueError:
        value = None
    if value is None:
        raise ValidationFailed(f"{field['label']}应为日期 YYYY-MM-DD", name)
    if field.get("past") and value > today:
        raise ValidationFailed(f"{field['label']}不能晚于今天", name)
    return value.isoformat()


def _number(field: dict, raw: object, name: str) -> int | float:
    if isinstance(raw, str):
        try:
            raw = float(raw) if "." in raw else int(raw)
        except ValueError:
            raw = None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != raw or abs(raw) > 1e15:
        raise ValidationFailed(f"{field['label']}应为数字", name)
    low, high = field.get("min"), field.get("max")
    if (low is not None and raw < low) or (high is not None and raw > high):
        raise ValidationFailed(f"{field['label']}应在 {low}–{high} 之间", name)
    return raw


def check_value(field: dict, raw: object, today: dt.date) -> object:
    """The normalised value of ``raw`` for ``field``, or ValidationFailed naming ``values.<key>``."""
    name, kind = f"values.{field['key']}", field["type"]
    if kind in ("text", "textarea"):
        return _text(field, raw, name)
    if kind == "date":
        return _date(field, raw, name, today)
    if kind == "number":
        return _number(field, raw, name)
    if kind == "choice":
        if raw not in field["options"]:
            raise ValidationFailed(f"{field['label']}应为其中之一：{'、'.join(field['options'])}", name)
        return raw
    if kind == "multichoice":
        if not isinstance(raw, list) or not raw or any(v not in field["options"] for v in raw):
            raise ValidationFailed(f"{field['label']}应为所列选项中的一项或多项", name)
        return list(dict.fromkeys(raw))
    if not isinstance(raw, str):
        raise ValidationFailed(f"{field['label']}应为文字", name)
    if kind == "id_number":
        try:
            return validate_id_number(raw)
        except ValidationFailed as exc:  # the same rule as the profile's, named after this form field
            raise ValidationFailed(exc.message, name) from None
    if kind == "mobile":
        try:
            return validate_phone(raw)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, name) from None
    if kind == "uscc":
        return validate_uscc(raw, name)
    raise ValidationFailed(f"unknown field type {kind!r}", name)


def is_empty(raw: object) -> bool:
    return raw is None or (isinstance(raw, str | list) and not (raw.strip() if isinstance(raw, str) else raw))


def masked(field: dict, value: object) -> object:
    """How a value is shown in JSON: ID numbers and phones masked, free text with any number in it tagged."""
    if value is None:
        return None
    if field["type"] == "id_number":
        return mask_id_number(str(value))
    if field["type"] == "mobile":
        return mask_phone(str(value))
    if isinstance(value, str):
        return mask_pii(value)
    return value
