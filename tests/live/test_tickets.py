"""Signed live tickets: made by Flask with SECRET_KEY, checked by the live server."""

from __future__ import annotations

import pytest

from miniapp_api.live.tickets import Ticket, TicketError, allowed, check_ticket, make_ticket

SECRET = "unit-test-secret"


def test_round_trip_keeps_topics_role_and_expiry():
    ticket = make_ticket(SECRET, ["kb.unanswered", "guides", "guides"], "editor", ttl=60, now=1000)
    checked = check_ticket(SECRET, ticket, now=1059)
    assert checked == Ticket(topics=("guides", "kb.unanswered"), role="editor", expires=1060)


def test_expired_at_expiry_second():
    ticket = make_ticket(SECRET, ["guides"], "editor", ttl=60, now=1000)
    with pytest.raises(TicketError) as err:
        check_ticket(SECRET, ticket, now=1060)
    assert err.value.code == "ticket_expired"


@pytest.mark.parametrize("mangle", [
    lambda t: t.replace(".", "x"),                  # no separator
    lambda t: t + ".x",                             # two separators
    lambda t: "",                                   # empty
    lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),  # signature changed
    lambda t: "e30" + t[3:],                        # payload changed, old signature
    lambda t: t.split(".")[0] + ".%%%%",            # signature not base64
])
def test_tampered_ticket_is_invalid(mangle):
    ticket = make_ticket(SECRET, ["guides"], "editor", ttl=60)
    with pytest.raises(TicketError) as err:
        check_ticket(SECRET, mangle(ticket))
    assert err.value.code == "ticket_invalid"


def test_other_secret_is_invalid():
    ticket = make_ticket("another-deployment", ["guides"], "admin", ttl=60)
    with pytest.raises(TicketError) as err:
        check_ticket(SECRET, ticket)
    assert err.value.code == "ticket_invalid"


def test_widened_topics_break_the_signature():
    import base64
    import json

    ticket = make_ticket(SECRET, ["guides"], "editor", ttl=60)
    body, mac = ticket.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["t"].append("cases.lamps")
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode() + "." + mac
    with pytest.raises(TicketError):
        check_ticket(SECRET, forged)


@pytest.mark.parametrize("topics,ttl", [([], 60), (["Bad Topic"], 60), (["a/b"], 60), (["guides"], 0),
                                        (["guides"], 100000)])
def test_make_refuses_bad_input(topics, ttl):
    with pytest.raises(ValueError):
        make_ticket(SECRET, topics, "editor", ttl=ttl)


def test_allowed_public_without_ticket_private_only_if_listed():
    ticket = check_ticket(SECRET, make_ticket(SECRET, ["guides"], "editor"))
    assert allowed(None, "public.hall.jc-main")
    assert not allowed(None, "guides")
    assert allowed(ticket, "guides")
    assert not allowed(ticket, "cases.lamps")
