import pytest

from miniapp_api.cases.rules import CLOSED, STATUSES, TRANSITIONS, check_transition
from miniapp_api.core.errors import Conflict


def test_every_status_has_a_row_and_targets_are_known():
    assert set(TRANSITIONS) == set(STATUSES)
    for targets in TRANSITIONS.values():
        assert targets <= set(STATUSES)


@pytest.mark.parametrize("current,new", [
    ("submitted", "accepted"), ("submitted", "rejected"), ("accepted", "under_review"),
    ("accepted", "correction_requested"), ("correction_requested", "accepted"), ("under_review", "approved"),
    ("approved", "completed"), ("completed", "mailed"), ("completed", "picked_up"),
])  # fmt: skip
def test_allowed(current, new):
    check_transition(current, new)


@pytest.mark.parametrize("current,new", [
    ("submitted", "mailed"), ("submitted", "completed"), ("accepted", "mailed"), ("approved", "mailed"),
    ("mailed", "picked_up"), ("rejected", "accepted"), ("completed", "under_review"), ("submitted", "submitted"),
])  # fmt: skip
def test_illegal_jumps_are_409_with_the_allowed_next_states(current, new):
    with pytest.raises(Conflict) as info:
        check_transition(current, new)
    assert info.value.code == "illegal_transition"
    assert current in info.value.message and new in info.value.message
    assert info.value.field == "status"


def test_closed_states_end_the_clock():
    assert CLOSED == {"rejected", "completed", "mailed", "picked_up"}
