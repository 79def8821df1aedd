"""Form definitions as data: every published item and bundle gets a well-formed form; checksums."""

from __future__ import annotations

import pytest

from miniapp_api.core.errors import ValidationFailed
from miniapp_api.forms.checks import uscc_check_char, validate_uscc
from miniapp_api.forms.definitions import check_data, definition, form_data
from miniapp_api.guides.catalogue import published_guides


def test_every_item_and_bundle_has_a_form(app):
    with app.app_context():
        guides = published_guides()
        assert len(guides) >= 69
        for code, guide in guides.items():
            form = definition(code)
            keys = [f["key"] for f in form["fields"]]
            assert len(keys) == len(set(keys)), code
            personal = "agent_id_number" if guide["audience"] == "法人" else "applicant_id_number"
            assert personal in keys, code
            assert ("enterprise_name" in keys) == (guide["audience"] == "法人"), code
            assert {"hall_name", "booking_date"} <= set(keys), code
            for field in form["fields"]:
                if field["type"] in ("choice", "multichoice"):
                    assert field["options"], (code, field["key"])


def test_listed_items_exist_and_bad_data_is_refused(app):
    with app.app_context():
        data = form_data()
        guides = published_guides()
    assert set(data["items"]) <= set(guides)
    broken = {**data, "default_extra": [{"key": "x", "label": "X", "type": "colour"}]}
    with pytest.raises(ValueError, match="unknown type"):
        check_data(broken)
    broken = {**data, "default_extra": [{"key": "x", "label": "X", "type": "text", "source": "profile.salary"}]}
    with pytest.raises(ValueError, match="unknown source"):
        check_data(broken)


def test_uscc_checksum():
    assert validate_uscc(" 91350100m000100y43 ", "values.uscc") == "91350100M000100Y43"
    assert uscc_check_char("91110000600037341") == "L"
    for bad in ("91350100M000100Y42", "91350100M000100Y4", "I1350100M000100Y43", "", "913501000000100Y43X"):
        with pytest.raises(ValidationFailed) as err:
            validate_uscc(bad, "values.uscc")
        assert err.value.field == "values.uscc"
