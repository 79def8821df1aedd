"""One source of hall facts: guides name their hall; address and hours come from the hall at read time,
and what residents are shown agrees with the hall's calendar for every guide."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from miniapp_api.catalogue.files import guide_paths
from miniapp_api.catalogue.schema import GuideSchema
from miniapp_api.core.vocabulary import BUNDLE_PREFIX
from miniapp_api.guides.guide_form import form_to_guide
from miniapp_api.halls.facts import DAY_KINDS, hours_text, open_periods, opening_of, serves
from miniapp_api.halls.halls import DEMO_HALLS
from miniapp_api.halls.workdays import WorkdayCalendar
from tests.web.conftest import browser  # noqa: F401, F811  (fixture: a signed-in console client)
from tests.web.test_guide_editor import form_of

GUIDES = Path(__file__).resolve().parents[2] / "guides"
HALLS = {h["_id"]: h for h in DEMO_HALLS}
# Weekend words in a guide's text, and the weekend day each one claims.
WEEKEND = {"周六": ("saturday",), "星期六": ("saturday",), "周日": ("sunday",), "星期天": ("sunday",),
           "周末": ("saturday", "sunday"), "双休": ("saturday", "sunday")}  # fmt: skip
# Weekend words that are not about one of our halls, each with the reason.
NOT_ABOUT_OUR_HALL = {
    ("GR-008", "location.window"): "市车辆管理所 (经开区通港路9号) is another office with its own days",
    ("GR-037", "time_limit.notes"): "the gas company's safety check at the resident's home",
}


def raw_guides() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in guide_paths(GUIDES)}


def texts(guide: dict, prefix: str = ""):
    """(dotted path, text) of every string in a guide."""
    if isinstance(guide, dict):
        for key, value in guide.items():
            yield from texts(value, f"{prefix}{key}.")
    elif isinstance(guide, list):
        for i, value in enumerate(guide):
            yield from texts(value, f"{prefix}{i}.")
    elif isinstance(guide, str):
        yield prefix.rstrip("."), guide


def test_guide_files_name_their_hall_and_type_no_hall_facts():
    raw = raw_guides()
    located = {code: g["location"] for code, g in raw.items() if g["location"].get("hall_id")}
    assert len(located) >= 60  # every guide at one of our halls (the 婚姻登记中心 is not one)
    for code, loc in located.items():
        assert loc["hall_id"] in HALLS, code
        assert not {"hall", "address", "hours"} & set(loc), f"{code} types what its hall gives"
        assert loc["window"] and loc["phone"], code  # the window and the item's own phone stay
    for code, g in raw.items():
        if not g["location"].get("hall_id"):  # a place that is not ours keeps its text
            assert g["location"]["address"] and g["location"]["hours"], code


def test_every_guides_shown_hours_agree_with_its_halls_calendar(client):
    cal = WorkdayCalendar()
    checked = 0
    for code, raw in raw_guides().items():
        shown = client.get(f"/api/v1/guides/{code}").get_json()
        loc = shown["location"]
        if not raw["location"].get("hall_id"):
            assert loc["hours"] == raw["location"]["hours"]
            continue
        hall = HALLS[raw["location"]["hall_id"]]
        assert loc["hours"] == hours_text(hall) and loc["address"] == hall["address"], code
        assert loc["hall"].startswith(hall["name"]) and loc["hall_phone"] == hall["phone"], code
        opening = opening_of(hall)
        # the hours text names a weekend day exactly when the hall's calendar opens then
        for kind, label in (("saturday", "周六"), ("sunday", "周日")):
            days_open = bool(opening[kind])
            says_open = re.search(rf"{label}(、周日)? \d", loc["hours"]) is not None
            assert says_open == days_open, f"{code}: {loc['hours']}"
            ordinary = dt.date(2026, 12, 5) + dt.timedelta(days=kind == "sunday")
            assert bool(open_periods(hall, ordinary, cal)) == days_open, code
        # no text in the guide promises a weekend day its hall is closed
        for path, text in texts(shown):
            for word, kinds in WEEKEND.items():
                if word in text and not any(opening[k] for k in kinds) and path not in ("location.hours",):
                    if path.startswith("location.also_at"):
                        continue  # another hall's own hours
                    assert (code, path) in NOT_ABOUT_OUR_HALL, f"{code} {path}: {text}"
        checked += 1
    assert checked >= 60


def test_other_halls_taking_the_item_are_listed_with_their_own_hours(client):
    loc = client.get("/api/v1/guides/GR-001").get_json()["location"]
    others = {h["hall_id"]: h for h in loc["also_at"]}
    assert set(others) == {hid for hid, h in HALLS.items() if hid != "jc-main" and serves(h, "GR-001")}
    assert "周六 9:00–12:00" in others["jc-east"]["hours"]  # the Saturday is the district hall's, from its data


def test_a_guide_read_and_written_back_stores_no_hall_facts(app, client, admin):
    guide = client.get("/api/v1/guides/GR-006").get_json()
    assert guide["location"]["hours"] and guide["location"]["hall_phone"]
    guide["location"]["window"] = "1楼A区 A13–A16号出入境窗口"
    response = client.put("/api/v1/staff/guides/GR-006/draft", json=guide, headers=admin)
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        stored = app.extensions["mongo"]["guides"].find_one({"code": "GR-006"})["draft"]["location"]
    assert stored == {"hall_id": "jc-main", "zone": "出入境服务区", "window": "1楼A区 A13–A16号出入境窗口",
                      "phone": "0576-88102306"}  # fmt: skip


@pytest.mark.parametrize("change, field", [
    ({"hours": "周一至周六 9:00–17:00"}, "location.hours"),
    ({"address": "别处"}, "location.address"),
    ({"hall_id": "jc-nowhere"}, "location.hall_id"),
])  # fmt: skip
def test_typed_hall_facts_or_unknown_halls_are_refused(client, admin, change, field):
    guide = client.get("/api/v1/guides/GR-006").get_json()
    loc = {k: guide["location"][k] for k in ("hall_id", "zone", "window", "phone")}
    guide["location"] = {**loc, **change}
    response = client.put("/api/v1/staff/guides/GR-006/draft", json=guide, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_free_text_location_needs_its_facts():
    loc = {"hall": "江川市婚姻登记中心", "window": "1号窗口", "phone": "0576-88102601", "address": "和平路26号"}
    errors = GuideSchema().validate({"location": loc}, partial=True)
    assert "hours" in errors["location"]


def test_editor_form_hall_picker_leaves_hall_facts_out():
    form = {
        "location.hall_id": "jc-east",
        "location.zone": "",
        "location.window": "A04",
        "location.phone": "0576-1",
        "location.notes": "",
        "location.hall": "",
        "location.address": "",
        "location.hours": "",
        "issues": "营业执照\n",
    }
    guide = form_to_guide(form)
    assert guide["location"] == {"hall_id": "jc-east", "window": "A04", "phone": "0576-1"}
    assert guide["issues"] == ["营业执照"]
    other = form_to_guide(
        {**form, "location.hall_id": "", "location.hall": "婚姻登记中心", "location.hours": "周一至周五"}
    )
    assert other["location"]["hall"] == "婚姻登记中心" and "hall_id" not in other["location"]


def test_editor_page_picks_a_hall_and_refuses_typed_hours(app, browser):  # noqa: F811
    editor = browser("editor")
    html = editor.get("/console/guides/GR-006").get_data(as_text=True)
    for hall in DEMO_HALLS:  # every hall offered, with the hours residents will be shown for it
        assert f'value="{hall["_id"]}"' in html and hours_text(hall) in html
    data = form_of(html)
    assert data["location.hall_id"] == "jc-main" and data["issues"].strip() == "普通护照"
    typed = editor.post("/console/guides/GR-006", {**data, "location.hours": "周一至周六 9:00–17:00"})
    assert typed.status_code == 400
    assert re.search(r'data-field="location.hours">已选择大厅', typed.get_data(as_text=True))
    moved = editor.post("/console/guides/GR-006", {**data, "location.hall_id": "jc-west"})
    assert moved.status_code == 302
    with app.app_context():
        stored = app.extensions["mongo"]["guides"].find_one({"code": "GR-006"})["draft"]
    assert stored["location"]["hall_id"] == "jc-west" and "hours" not in stored["location"]


def test_online_booking_promises_only_what_a_hall_can_book():
    """A guide (item or bundle) that says 网上预约 is in some hall's categories, so the booking API takes it."""
    for code, guide in raw_guides().items():
        if guide["online"]["level"] == "网上预约":
            assert any(serves(h, code) for h in DEMO_HALLS), f"{code} says 网上预约 but no hall books it"
    bundles = [c for c in raw_guides() if c.startswith(BUNDLE_PREFIX)]
    assert bundles and all(any(serves(h, c) for h in DEMO_HALLS) for c in bundles)


def test_every_hall_opening_is_well_formed():
    for hall in DEMO_HALLS:
        assert set(opening_of(hall)) == set(DAY_KINDS)
