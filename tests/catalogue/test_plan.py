"""Import plans on the real export: idempotent, changed → update, gone → flagged, staff work kept."""

from __future__ import annotations

import copy

from miniapp_api.catalogue.importer.plan import CONFLICT, CREATE, GONE, UNCHANGED, UPDATE, fingerprint, plan_import

SOURCE = "gd_export"


def published_after(plan, published: dict | None = None) -> dict:
    out = dict(published or {})
    out.update({e.code: e.guide for e in plan.to_write()})
    return out


def test_first_import_then_the_same_file_again(gd_result):
    first = plan_import(gd_result.guides, {}, SOURCE)
    assert first.counts() == {CREATE: 2262, UPDATE: 0, UNCHANGED: 0, GONE: 0, CONFLICT: 0}
    assert first.incomplete()["fee"] == 2262 and first.incomplete()["conditions"] == 950
    published = published_after(first)
    again = plan_import(gd_result.guides, published, SOURCE)
    assert again.counts()[UNCHANGED] == 2262 and again.to_write() == []


def test_changed_record_gone_record_and_back(gd_result):
    published = published_after(plan_import(gd_result.guides, {}, SOURCE))
    changed = copy.deepcopy(gd_result.guides)
    changed[0]["time_limit"] = {"legal_days": 30, "promised_days": 5, "notes": ""}
    changed[0]["source"] = {**changed[0]["source"], "line": 99}  # moving in the file is no change
    removed = changed.pop(1)
    plan = plan_import(changed, published, SOURCE)
    assert plan.counts() == {CREATE: 0, UPDATE: 1, UNCHANGED: 2260, GONE: 1, CONFLICT: 0}
    update = next(e for e in plan.entries if e.action == UPDATE)
    assert update.code == changed[0]["code"] and update.fields == ["time_limit"]
    gone = next(e for e in plan.entries if e.action == GONE)
    assert gone.code == removed["code"] and gone.guide["import"]["gone"] is True
    assert gone.guide["name"] == removed["name"]  # flagged, content kept
    published = published_after(plan, published)
    # flagged once; the next import of the same file does not flag it again
    assert plan_import(changed, published, SOURCE).counts()[GONE] == 0
    back = plan_import(gd_result.guides, published, SOURCE)
    entry = next(e for e in back.entries if e.code == removed["code"])
    assert entry.action == UPDATE and entry.reason == "back in the source" and not entry.guide["import"]["gone"]


def test_staff_work_survives_a_changed_record(gd_result):
    published = published_after(plan_import(gd_result.guides, {}, SOURCE))
    code = gd_result.guides[0]["code"]
    edited = copy.deepcopy(published[code])
    edited["fee"] = {"free": True, "items": [], "basis": "国家未设收费项目"}
    edited["missing"] = [m for m in edited["missing"] if m != "fee"]
    edited["aliases"] = ["提价申报"]
    edited["faqs"] = [{"q": "能网上办吗", "a": "可以"}]
    published[code] = edited
    changed = copy.deepcopy(gd_result.guides)
    changed[0]["conditions"] = ["新的受理条件"]
    entry = next(e for e in plan_import(changed, published, SOURCE).entries if e.code == code)
    assert entry.action == UPDATE and entry.fields == ["conditions"]
    assert entry.guide["fee"]["basis"] == "国家未设收费项目" and "fee" not in entry.guide["missing"]
    assert entry.guide["aliases"] == ["提价申报"] and entry.guide["faqs"] == edited["faqs"]


def test_hand_written_and_foreign_codes_are_not_overwritten(gd_result):
    record = gd_result.guides[0]
    hand_written = {"code": record["code"], "name": "手写的指南"}
    plan = plan_import([record], {record["code"]: hand_written}, SOURCE)
    assert [(e.action, e.reason) for e in plan.entries] == [(CONFLICT, "the code belongs to a hand-written guide")]
    other = published_after(plan_import([record], {}, "xlsx:江川"))
    assert plan_import([record], other, SOURCE).entries[0].action == CONFLICT
    # a guide of another source is never flagged gone by this one
    assert plan_import([], other, SOURCE).entries == []


def test_fingerprint_ignores_bookkeeping(gd_result):
    g = copy.deepcopy(gd_result.guides[3])
    before = fingerprint(g)
    g["source"]["file"], g["missing"] = "renamed.jsonl", []
    assert fingerprint(g) == before
    g["department"] = "别的部门"
    assert fingerprint(g) != before
