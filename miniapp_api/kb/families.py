"""Answers for an item family: the records of an imported catalogue that share one item name.

A province publishes one item as several records (situations 办理项, departments, levels). When a
question fits several of them equally, the answer covers what they share, lists the few ways they
differ, or asks one question that tells the situations apart — never a choice between identical
names.
"""

from __future__ import annotations

from miniapp_api.kb.answers import compose, title

LIST_MAX = 3  # up to this many different answers are listed; more are summarised with one question
QUESTION_MAX = 6  # situations read out in the question; more are counted


def variant_label(guide: dict, members: list[dict]) -> str:
    """What tells this record apart from the others: its situation, else its department/level."""
    if guide.get("situation") and len({m.get("situation") for m in members}) > 1:
        return guide["situation"]
    dept, level = guide.get("department"), guide.get("level")
    return " · ".join(p for p in (level, dept) if p) or guide["code"]


def _labels(groups: list[list[dict]]) -> list[str]:
    """What tells groups of records apart: where they are handled (one department each), else
    their situations (no situation in two groups), else both."""
    places = [list(dict.fromkeys(_place(m) for m in g)) for g in groups]
    if all(len(p) == 1 for p in places) and len({p[0] for p in places}) == len(groups):
        return [p[0] for p in places]
    situations = [list(dict.fromkeys(m.get("situation") or "" for m in g)) for g in groups]
    seen = [s for sits in situations for s in sits]
    if all(seen) and len(seen) == len(set(seen)):
        return ["、".join(sits) for sits in situations]
    return [f"{'、'.join(p)}（{'、'.join(s for s in sits if s) or '其他情形'}）"
            for p, sits in zip(places, situations, strict=True)]  # fmt: skip


def _place(guide: dict) -> str:
    return " · ".join(p for p in (guide.get("level"), guide.get("department")) if p) or guide["code"]


def question(name: str, situations: list[str]) -> str | None:
    """One question telling the situations apart ("您是首次申请、变更还是注销？")."""
    if len(situations) < 2:
        return None
    if len(situations) > QUESTION_MAX:
        shown = "、".join(situations[:QUESTION_MAX])
        return f"「{name}」分 {len(situations)} 种情形（{shown}等），请问您是哪一种？"
    return f"「{name}」您是{'、'.join(situations[:-1])}还是{situations[-1]}？"


def family_answer(members: list[dict], field: str | None) -> str:
    """One answer for records that fit a question equally."""
    if len(members) == 1:
        return compose(members[0], field)
    bodies: dict[str, list[dict]] = {}
    for m in members:
        bodies.setdefault(compose(m, field)[len(title(m)) :], []).append(m)
    head = f"【{members[0]['name']}】"
    situations = list(dict.fromkeys(m["situation"] for m in members if m.get("situation")))
    if len(bodies) == 1:  # what they share is the whole answer
        ask = question(members[0]["name"], situations)
        return head + next(iter(bodies)) + (f"\n（本事项分情形办理：{ask}）" if ask else "")
    if len(bodies) <= LIST_MAX:
        parts = [f"· {label}：{body}" for body, label in zip(bodies, _labels(list(bodies.values())), strict=True)]
        return head + "不同情形或办理部门的答复不同：\n" + "\n".join(parts)
    ask = question(members[0]["name"], situations)
    if ask:
        return f"{head}{ask}告诉我您的情形，我再回答。"
    places = "、".join(dict.fromkeys(variant_label(m, members) for m in members))
    return f"{head}该事项由多个部门办理（{places}），请问您在哪里办理？"
