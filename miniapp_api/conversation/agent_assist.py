"""Hotline agent assist: what the caller just said → intent, entities, 3 suggested answers, next actions.

Rasa's NLU (/model/parse) classifies when it answers within AGENT_RASA_TIMEOUT; otherwise the
knowledge base and service keywords do (``intent.source`` says which). A call keeps its running
transcript in Redis (rkey("call", call_id), a list) and its current item (rkey("call", call_id,
"ctx")), so "那要多少钱？" later in the same call is about the item discussed before.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

from flask import current_app

from miniapp_api.conversation import rasa_client
from miniapp_api.conversation.chat import fallback_intent, resolve_item
from miniapp_api.core.errors import ValidationFailed
from miniapp_api.core.pii import mask_pii
from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.core.vocabulary import CASE_NO_PATTERN, INTENT_FIELDS, KB_INTENTS
from miniapp_api.guides.catalogue import published_guides
from miniapp_api.kb.answers import compose
from miniapp_api.kb.service import knowledge_base

TRANSCRIPT_KEEP = 200
# What an agent most often needs next about an item, after the field asked.
COMMON_FIELDS = ("materials", "fee", "time_limit", "location", "process", "conditions")
RULE_ENTITIES: list[tuple[str, re.Pattern]] = [
    ("case_no", re.compile(CASE_NO_PATTERN, re.I)),
    ("phone", re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")),
    ("date", re.compile(r"大后天|今天|明天|后天|下周[一二三四五六日天]|(?:周|星期)[一二三四五六日天]|"
                        r"\d{1,2}月\d{1,2}[日号]|\d{4}-\d{1,2}-\d{1,2}")),  # fmt: skip
    ("time", re.compile(r"上午|下午|中午|早上|\d{1,2}[点:：]\d{0,2}")),
]
NEXT_BY_INTENT = {
    "book_appointment": ["book_appointment"],
    "cancel_appointment": ["cancel_appointment"],
    "ask_progress": ["lookup_progress"],
    "complain": ["open_appeal", "handoff"],
    "human_handoff": ["handoff"],
    "out_of_scope": ["handoff"],
}
VERDICTS = ("adopted", "edited", "rejected")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def rule_entities(text: str) -> list[dict]:
    found = []
    for name, pattern in RULE_ENTITIES:
        for m in pattern.finditer(text):
            found.append({"entity": name, "value": m.group(0).upper() if name == "case_no" else m.group(0),
                          "start": m.start(), "end": m.end(), "source": "rules"})  # fmt: skip
    return found


def _classify(text: str, outcome) -> tuple[dict, list[dict]]:
    cfg = current_app.config
    try:
        nlu = rasa_client.parse(cfg["RASA_URL"], text, cfg["AGENT_RASA_TIMEOUT"])
    except rasa_client.RasaUnavailable:
        name, confidence = fallback_intent(text, outcome)
        return {"name": name, "confidence": confidence, "source": "kb_fallback"}, rule_entities(text)
    intent = {"name": nlu["intent"].get("name"), "confidence": round(float(nlu["intent"].get("confidence") or 0), 3),
              "source": "rasa"}  # fmt: skip
    entities = [{"entity": e.get("entity"), "value": e.get("value"), "start": e.get("start"), "end": e.get("end"),
                 "source": "rasa"} for e in nlu.get("entities") or [] if isinstance(e, dict)]  # fmt: skip
    have = {e["entity"] for e in entities}
    entities += [e for e in rule_entities(text) if e["entity"] not in have]
    return intent, entities


def _suggestion(guide: dict, field: str | None, score: float, carried: bool = False) -> dict:
    return {"item_code": guide["code"], "item_name": guide["name"], "field": field,
            "answer": compose(guide, field), "score": round(score, 3), "carried_over": carried}  # fmt: skip


def suggest(call_id: str, text: str) -> dict:
    """Assist one caller utterance; remembers the call's item for the next ones."""
    kb = knowledge_base()
    outcome = kb.search(text, 3)
    intent, entities = _classify(text, outcome)
    guides = kb.guides()
    ctx_key, transcript_key = rkey("call", call_id, "ctx"), rkey("call", call_id)
    previous = rds().hget(ctx_key, "item_code")

    item_code, carried = None, False
    if outcome.status == "answered":
        item_code = outcome.results[0].item_code
    else:
        mention = next((e["value"] for e in entities if e["entity"] == "item" and e.get("value")), None)
        item_code = resolve_item(str(mention)) if mention else None
    if item_code is None and outcome.status == "unanswerable" and previous in guides:
        item_code, carried = previous, True

    if carried:
        field = outcome.field or INTENT_FIELDS.get(intent["name"] or "")
        guide = guides[item_code]
        suggestions = [_suggestion(guide, field, 1.0, carried=True)]
        others = [f for f in COMMON_FIELDS if f != field][: 3 - len(suggestions)]
        suggestions += [_suggestion(guide, f, 0.5 - 0.1 * i, carried=True) for i, f in enumerate(others)]
    else:
        suggestions = [dict(r.as_dict(), carried_over=False) for r in outcome.results[:3]]

    if item_code and not any(e["entity"] == "item" for e in entities):
        entities.append({"entity": "item", "value": guides[item_code]["name"], "item_code": item_code,
                         "source": "context" if carried else "kb"})  # fmt: skip
    for e in entities:
        if e["entity"] == "item" and "item_code" not in e:
            e["item_code"] = resolve_item(str(e["value"])) if e.get("value") else None

    actions = _next_actions(intent["name"], entities, guides.get(item_code) if item_code else None, outcome.status)
    turn_id = uuid.uuid4().hex[:12]
    for s in suggestions:
        s["turn_id"] = turn_id  # feedback on a suggestion names the utterance it answered
    answered = [[s["item_code"], s.get("field")] for s in suggestions]
    _remember(ctx_key, transcript_key, {"id": turn_id, "text": text, "intent": intent["name"], "item_code": item_code,
                                        "suggested": answered}, guides)  # fmt: skip
    return {"call_id": call_id, "turn_id": turn_id, "intent": intent, "entities": entities, "suggestions": suggestions,
            "next_actions": actions, "item_code": item_code,
            "status": "answered" if carried else outcome.status}  # fmt: skip


def _next_actions(intent: str | None, entities: list[dict], guide: dict | None, status: str) -> list[str]:
    actions = list(NEXT_BY_INTENT.get(intent or "", []))
    kinds = {e["entity"] for e in entities}
    if "case_no" in kinds and "lookup_progress" not in actions:
        actions.append("lookup_progress")
    if intent in KB_INTENTS:
        # An item that needs a visit to the hall: offer to book the visit.
        if guide and guide.get("online", {}).get("level") != "全程网办" and "book_appointment" not in actions:
            actions.append("book_appointment")
        if status == "unanswerable" and not guide:
            actions.append("handoff")
    return actions


def _remember(ctx_key: str, transcript_key: str, turn: dict, guides: dict) -> None:
    ttl = current_app.config["AGENT_CALL_TTL"]
    turn = {"at": _now().isoformat(), **turn}
    item_code, intent = turn["item_code"], turn["intent"]
    pipe = rds().pipeline(transaction=True)
    if item_code:
        pipe.hset(ctx_key, mapping={"item_code": item_code, "item_name": guides[item_code]["name"]})
    pipe.hset(ctx_key, "last_intent", intent or "")
    pipe.expire(ctx_key, ttl)
    pipe.rpush(transcript_key, json.dumps(turn, ensure_ascii=False))
    pipe.ltrim(transcript_key, -TRANSCRIPT_KEEP, -1)
    pipe.expire(transcript_key, ttl)
    pipe.execute()


def transcript(call_id: str) -> list[dict]:
    return [json.loads(t) for t in rds().lrange(rkey("call", call_id), 0, -1)]


def _answered_question(turns: list[dict], suggestion: dict) -> str | None:
    """The utterance the suggestion answered: the turn it names, else the latest turn that suggested this
    item and field (not merely the last thing the caller said)."""
    if suggestion.get("turn_id"):
        for turn in turns:
            if turn.get("id") == suggestion["turn_id"]:
                return turn["text"]
        raise ValidationFailed("no such turn in this call", "suggestion.turn_id")
    wanted = [suggestion["item_code"], suggestion.get("field")]
    for top_only in (True, False):  # the turn where it was the first suggestion, else any that offered it
        for turn in reversed(turns):
            offered = turn.get("suggested") or []
            if wanted in (offered[:1] if top_only else offered):
                return turn["text"]
    return next((t["text"] for t in reversed(turns) if t.get("item_code") == suggestion["item_code"]), None)


def record_feedback(call_id: str, suggestion: dict, verdict: str, edited_text: str | None, agent: str) -> dict:
    """Keep the agent's verdict on a suggestion with the question it answered (for guide editors)."""
    if suggestion["item_code"] not in published_guides():
        raise ValidationFailed(f"unknown item {suggestion['item_code']!r}", "suggestion.item_code")
    if verdict == "edited" and not (edited_text or "").strip():
        raise ValidationFailed("an edited suggestion needs the text the agent said", "edited_text")
    question = _answered_question(transcript(call_id), suggestion)
    # Guide editors read these: ID and phone numbers the caller said are masked before they are stored.
    question = mask_pii(question) if question else question
    doc = {"_id": uuid.uuid4().hex, "call_id": call_id, "question": question,
           "item_code": suggestion["item_code"], "field": suggestion.get("field"), "verdict": verdict,
           "edited_text": mask_pii((edited_text or "").strip()) or None, "agent": agent,
           "created_at": _now()}  # fmt: skip
    mongo()["agent_feedback"].insert_one(doc)
    return {"feedback_id": doc["_id"], "question": question, "verdict": verdict}


def feedback_summary(limit: int = 50) -> dict:
    """Counts per item and verdict (most rejected and edited first) and the latest entries."""
    rows = mongo()["agent_feedback"].aggregate(
        [{"$group": {"_id": {"item_code": "$item_code", "verdict": "$verdict"}, "count": {"$sum": 1}}}]
    )
    guides = published_guides()
    items: dict[str, dict] = {}
    for row in rows:
        code = row["_id"]["item_code"]
        entry = items.setdefault(code, {"item_code": code, "item_name": guides.get(code, {}).get("name"),
                                        **{v: 0 for v in VERDICTS}, "total": 0})  # fmt: skip
        entry[row["_id"]["verdict"]] += row["count"]
        entry["total"] += row["count"]
    ranked = sorted(items.values(), key=lambda e: (-(e["rejected"] + e["edited"]), -e["total"], e["item_code"]))
    recent = list(mongo()["agent_feedback"].find({}, {"_id": 0}).sort("created_at", -1).limit(limit))
    for entry in recent:
        entry["created_at"] = entry["created_at"].isoformat()
    return {"items": ranked, "recent": recent}
