"""Canned API bodies shared by the action tests."""

from __future__ import annotations


def kb_answer(code: str, name: str, field: str | None, answer: str) -> dict:
    return {"status": "answered", "field": field,
            "results": [{"item_code": code, "item_name": name, "field": field, "answer": f"【{name}】{answer}",
                         "score": 9.0}]}  # fmt: skip


KB_UNANSWERABLE = {"status": "unanswerable", "field": None, "results": []}
KB_CLARIFY_ID = {
    "status": "clarify", "field": "time_limit",
    "results": [
        {"item_code": "GR-001", "item_name": "居民身份证换领", "field": "time_limit", "answer": "【居民身份证换领】…",
         "score": 9},
        {"item_code": "GR-002", "item_name": "居民身份证补领", "field": "time_limit", "answer": "【居民身份证补领】…",
         "score": 9},
    ],
}  # fmt: skip
SLOTS = {"date": "2026-12-01", "category": "B", "slots": [
    {"slot": "09:00-10:00", "capacity": 10, "left": 0},
    {"slot": "10:00-11:00", "capacity": 10, "left": 3},
    {"slot": "14:00-15:00", "capacity": 10, "left": 5},
]}  # fmt: skip
