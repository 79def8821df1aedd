"""The appeal transition table: every step allowed and refused, roles, limits, the rating window."""

from __future__ import annotations

import datetime as dt

import pytest

from miniapp_api.appeals import rules
from miniapp_api.appeals.rules import ACTIONS, STATUSES, TRANSITIONS, Actor, NotPermitted, RuleError, check

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
DISPATCHER = Actor("d1", frozenset({"dispatcher"}))
CLERK = Actor("c1", frozenset({"department"}), frozenset({"城市管理局", "水务局"}))
OTHER_CLERK = Actor("c2", frozenset({"department"}), frozenset({"公安局"}))
OWNER = Actor.resident("r-1")
STRANGER = Actor.resident("r-2")
ADMIN = Actor("admin", frozenset({"dispatcher", "department", "editor"}), frozenset())
ACTOR_OF_ROLE = {"dispatcher": DISPATCHER, "department": CLERK, "resident": OWNER, "system": Actor.system()}


def appeal(status: str, **extra) -> dict:
    doc = {"_id": "TS202603100001", "status": status, "department": "城市管理局", "resident_id": "r-1",
           "returns": 0, "extensions": 0, "reopens": 0, "created_at": NOW - dt.timedelta(days=1),
           "replied_at": NOW - dt.timedelta(days=1)}  # fmt: skip
    doc.update(extra)
    return doc


def when(action: str) -> dt.datetime:
    # close_unrated only after the 7-day rating window; everything else inside it
    return NOW + dt.timedelta(days=8) if action == "close_unrated" else NOW


CASES = [(a, s) for a in ACTIONS for s in STATUSES]


@pytest.mark.parametrize("action,status", CASES)
def test_every_action_from_every_status(action, status):
    """Allowed exactly from the table's sources (right actor, counters free); 409 from anywhere else."""
    spec = ACTIONS[action]
    actor = ACTOR_OF_ROLE[spec.role]
    if status in spec.sources:
        assert check(appeal(status), action, actor, when(action), reason="理由").target == spec.target
    else:
        with pytest.raises(RuleError) as info:
            check(appeal(status), action, actor, when(action), reason="理由")
        assert info.value.status == 409 and info.value.code == "illegal_transition"
        assert status in info.value.message and info.value.field == "status"


def test_the_table_is_the_documented_flow():
    assert TRANSITIONS["received"] == {"dispatched", "merged"}
    assert TRANSITIONS["dispatched"] == {"accepted", "returned"}
    assert TRANSITIONS["returned"] == {"dispatched", "merged"}
    assert TRANSITIONS["accepted"] == {"extension_requested", "replied"}
    assert TRANSITIONS["extension_requested"] == {"accepted", "replied"}
    assert TRANSITIONS["replied"] == {"closed", "reopened"}
    assert TRANSITIONS["reopened"] == {"accepted", "replied"}
    assert TRANSITIONS["closed"] == TRANSITIONS["merged"] == frozenset()
    for targets in TRANSITIONS.values():
        assert targets <= set(STATUSES)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_other_role_is_refused_with_403(action):
    spec = ACTIONS[action]
    for role, actor in ACTOR_OF_ROLE.items():
        if role == spec.role:
            continue
        with pytest.raises(NotPermitted) as info:
            check(appeal(next(iter(spec.sources))), action, actor, when(action), reason="理由")
        assert info.value.status == 403


@pytest.mark.parametrize("action", ["accept", "return", "request_extension", "reply"])
def test_a_department_acts_only_on_appeals_it_holds(action):
    status = next(iter(ACTIONS[action].sources))
    with pytest.raises(NotPermitted):
        check(appeal(status), action, OTHER_CLERK, NOW, reason="理由")
    with pytest.raises(NotPermitted):  # an admin without departments is no department clerk
        check(appeal(status), action, ADMIN, NOW, reason="理由")
    check(appeal(status, department="水务局"), action, CLERK, NOW, reason="理由")  # any of the clerk's departments


def test_only_the_filer_rates():
    with pytest.raises(NotPermitted):
        check(appeal("replied"), "rate", STRANGER, NOW)
    with pytest.raises(NotPermitted):  # an anonymous appeal cannot be rated through the API
        check(appeal("replied", resident_id=None), "rate", Actor("x", frozenset({"resident"})), NOW)
    check(appeal("replied"), "rate", OWNER, NOW)
    # whoever proved the contact number of an anonymous appeal acts as its owner
    anonymous = appeal("replied", resident_id=None)
    check(anonymous, "rate", Actor.resident(rules.owner_key(anonymous)), NOW)
    with pytest.raises(NotPermitted):
        check(anonymous, "rate", Actor.resident(rules.owner_key(appeal("replied", _id="TS9", resident_id=None))), NOW)


@pytest.mark.parametrize("action", [a for a, s in ACTIONS.items() if s.reason_required])
def test_reasons_are_required(action):
    spec = ACTIONS[action]
    with pytest.raises(RuleError) as info:
        check(appeal(next(iter(spec.sources))), action, ACTOR_OF_ROLE[spec.role], NOW, reason="  ")
    assert info.value.code == "reason_required" and info.value.field == "reason"


def test_returned_at_most_twice():
    check(appeal("dispatched", returns=1), "return", CLERK, NOW, reason="不归我们管")
    with pytest.raises(RuleError) as info:
        check(appeal("dispatched", returns=2), "return", CLERK, NOW, reason="不归我们管")
    assert info.value.code == "returns_limit"
    check(appeal("dispatched", returns=2), "accept", CLERK, NOW)  # it must be taken now


def test_one_approved_extension():
    check(appeal("accepted", extensions=0), "request_extension", CLERK, NOW, reason="需要现场勘查")
    with pytest.raises(RuleError) as info:
        check(appeal("accepted", extensions=1), "request_extension", CLERK, NOW, reason="还要更久")
    assert info.value.code == "extensions_limit"
    with pytest.raises(RuleError):
        check(appeal("extension_requested", extensions=1), "approve_extension", DISPATCHER, NOW)
    check(appeal("extension_requested", extensions=1), "refuse_extension", DISPATCHER, NOW, reason="不同意")


def test_unsatisfied_reopens_once_then_closes():
    assert rules.rating_action(appeal("replied", reopens=0), "unsatisfied") == "reopen"
    assert rules.rating_action(appeal("replied", reopens=1), "unsatisfied") == "rate"
    assert rules.rating_action(appeal("replied", reopens=0), "basic") == "rate"
    assert rules.rating_action(appeal("replied", reopens=0), "satisfied") == "rate"
    with pytest.raises(RuleError) as info:
        check(appeal("replied", reopens=1), "reopen", OWNER, NOW)
    assert info.value.code == "reopens_limit"
    with pytest.raises(RuleError) as info:
        rules.rating_action(appeal("replied"), "meh")
    assert info.value.code == "invalid_rating" and info.value.field == "rating"


def test_rating_window_is_seven_days():
    replied_at = NOW
    inside, outside = NOW + dt.timedelta(days=7), NOW + dt.timedelta(days=7, seconds=1)
    doc = appeal("replied", replied_at=replied_at)
    check(doc, "rate", OWNER, inside)
    check(doc, "reopen", OWNER, inside)
    for action in ("rate", "reopen"):
        with pytest.raises(RuleError) as info:
            check(doc, action, OWNER, outside)
        assert info.value.code == "rating_window_closed"
    with pytest.raises(RuleError) as info:  # no rating yet is not closed as satisfied before time
        check(doc, "close_unrated", Actor.system(), inside)
    assert info.value.code == "rating_window_open"
    check(doc, "close_unrated", Actor.system(), outside)


def test_merge_checks():
    dup = appeal("received", _id="TS2", created_at=NOW)
    rules.check_merge(dup, appeal("accepted", _id="TS1", created_at=NOW - dt.timedelta(days=6)))
    rules.check_merge(dup, appeal("closed", _id="TS1", created_at=NOW - dt.timedelta(days=2)))
    with pytest.raises(RuleError):
        rules.check_merge(dup, dup)
    with pytest.raises(RuleError):
        rules.check_merge(dup, appeal("merged", _id="TS1", merged_into="TS0"))
    with pytest.raises(RuleError) as info:
        rules.check_merge(dup, appeal("accepted", _id="TS1", created_at=NOW - dt.timedelta(days=8)))
    assert info.value.code == "merge_window"


@pytest.mark.parametrize("status", STATUSES)
def test_who_sees_text_and_contact(status):
    doc = appeal(status, department=None if status in rules.WITH_DISPATCHER else "城市管理局")
    assert rules.may_see_private(DISPATCHER, doc)
    assert rules.may_see_private(OWNER, doc)
    assert not rules.may_see_private(STRANGER, doc)
    assert not rules.may_see_private(OTHER_CLERK, doc)
    assert not rules.may_see_private(Actor("agent", frozenset({"agent"})), doc)
    assert rules.may_see_private(CLERK, doc) == (status not in rules.WITH_DISPATCHER | {"merged"})


def test_a_returned_appeal_is_no_longer_the_departments_even_if_the_field_lingers():
    assert not rules.may_see_private(CLERK, appeal("returned", department="城市管理局"))


def test_allowed_actions_lists_the_buttons():
    assert rules.allowed_actions(appeal("dispatched"), CLERK, NOW) == ["accept", "return"]
    assert rules.allowed_actions(appeal("dispatched", returns=2), CLERK, NOW) == ["accept"]
    assert rules.allowed_actions(appeal("received", department=None), DISPATCHER, NOW) == ["dispatch", "merge"]
    assert rules.allowed_actions(appeal("replied"), OWNER, NOW) == ["rate", "reopen"]
    assert rules.allowed_actions(appeal("closed"), DISPATCHER, NOW) == []


def test_unknown_action():
    with pytest.raises(RuleError) as info:
        check(appeal("received"), "teleport", DISPATCHER, NOW)
    assert info.value.code == "unknown_action"
