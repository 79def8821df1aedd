"""The agent pages refuse other roles and bad input with a 4xx naming the field (never a 500)."""

from __future__ import annotations

from tests.web.conftest import Browser, make_account

PASSWORD = "Kx9-harbour-lantern"


def _signed(app, role: str) -> Browser:
    b = Browser(app.test_client())
    assert b.login(make_account(app, role), PASSWORD).status_code == 302
    return b


def test_call_screen_feedback_and_refusals(app):
    editor = _signed(app, "editor")
    assert editor.get("/console/calls/").status_code == 403
    assert editor.get("/console/handoffs/").status_code == 403
    agent = _signed(app, "agent")
    page = agent.get("/console/calls/?call_id=c-test")
    assert page.status_code == 200
    shown = agent.post("/console/calls/c-test/suggest", {"text": "办护照要带什么"})
    assert shown.status_code == 200 and 'data-item="GR-006"' in shown.get_data(as_text=True)
    turn = shown.get_data(as_text=True).split('data-turn="', 1)[1].split('"', 1)[0]
    ok = agent.post("/console/calls/c-test/feedback", {"item_code": "GR-006", "field": "materials", "turn_id": turn,
                                                       "verdict": "rejected"})  # fmt: skip
    assert ok.status_code == 200 and "已驳回" in ok.get_data(as_text=True)
    with app.app_context():
        saved = app.extensions["mongo"]["agent_feedback"].find_one({"call_id": "c-test"})
    assert (saved["question"], saved["verdict"]) == ("办护照要带什么", "rejected")
    assert agent.post("/console/calls/c-test/suggest", {"text": "  "}).status_code == 400
    bad = agent.post("/console/calls/c-test/feedback", {"item_code": "GR-006", "verdict": "maybe"})
    assert bad.status_code == 400 and "verdict" in bad.get_data(as_text=True)
    unknown = agent.post("/console/calls/c-test/feedback", {"item_code": "ZZ-999", "verdict": "adopted"})
    assert unknown.status_code == 400
    assert agent.post("/console/calls/c-test/suggest", {"text": "x"}, token=False).status_code == 403
    assert agent.get("/console/handoffs/nope").status_code == 404
    summary = agent.get("/console/calls/c-test/summary").get_data(as_text=True)
    assert "普通护照签发（GR-006）" in summary and "办护照要带什么" in summary and "驳回" in summary
