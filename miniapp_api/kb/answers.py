"""Ready-to-send answers composed from a guide's structured fields, always naming the item."""

from __future__ import annotations


def _materials(g: dict) -> str:
    if not g.get("materials"):
        return "无需另行准备材料，按各单项要求提交即可。"
    lines = []
    for i, m in enumerate(g["materials"], 1):
        need = "必需" if m["required"] else "视情况提供"
        extra = "；可容缺受理，后补" if m.get("tolerance") else ""
        note = f"：{m['notes']}" if m.get("notes") else ""
        lines.append(f"{i}. {m['name']}（{m['form']}，{m['copies']}份，{need}{extra}）{note}")
    return "需要准备的材料：\n" + "\n".join(lines)


def _fee(g: dict) -> str:
    fee = g["fee"]
    if fee["free"]:
        basis = f"（{fee['basis']}）" if fee.get("basis") else ""
        return f"不收费，免费办理{basis}。"
    parts = "；".join(f"{i['name']} {i['amount']:g} {i['unit']}" for i in fee["items"])
    return f"收费标准：{parts}。收费依据：{fee['basis']}。"


def _time_limit(g: dict) -> str:
    t = g["time_limit"]
    # legal_days 0: no statute sets a limit; promised_days 0: settled on the spot (即办件).
    legal = f"法定时限 {t['legal_days']} 个工作日" if t["legal_days"] else "法律法规未设定办理时限"
    if t["promised_days"] == 0:
        text = f"即办件，材料齐全当场办结（{legal}）"
    else:
        text = f"承诺办结时限 {t['promised_days']} 个工作日（{legal}）"
    return text + (f"。{t['notes']}" if t.get("notes") else "。")


def _location(g: dict) -> str:
    loc = g["location"]
    return (
        f"办理地点：{loc['hall']}，{loc['window']}；地址：{loc['address']}；"
        f"办公时间：{loc['hours']}；咨询电话：{loc['phone']}。"
    )


def _contact(g: dict) -> str:
    loc = g["location"]
    return f"咨询电话：{loc['phone']}（{loc['hall']}），也可拨打 12345 政务服务热线。"


def _conditions(g: dict) -> str:
    return "办理条件：\n" + "\n".join(f"{i}. {c}" for i, c in enumerate(g["conditions"], 1))


def _process(g: dict) -> str:
    steps = "\n".join(f"{i}. {s['step']}：{s['detail']}" for i, s in enumerate(g["process"], 1))
    visits = "全程网办，不用跑腿" if g["visits"] == 0 else f"最多跑 {g['visits']} 次"
    return f"办理流程（{visits}）：\n{steps}"


def _online(g: dict) -> str:
    online = g["online"]
    lead = {
        "全程网办": "可以全程网上办理，不用到现场",
        "网上预约": "可以网上预约，但需到窗口办理",
        "窗口办理": "目前需到窗口办理",
    }[online["level"]]
    return f"{lead}。{online['channel']}。"


def _basis(g: dict) -> str:
    return "设定依据：" + "；".join(g["basis"]) + "。"


def _overview(g: dict) -> str:
    t = g["time_limit"]
    fee = "免费" if g["fee"]["free"] else "收费"
    required = [m["name"] for m in g.get("materials", []) if m["required"]]
    mats = "、".join(required[:4]) or "见材料清单"
    return (
        f"主要材料：{mats}；承诺时限 {t['promised_days']} 个工作日；{fee}；"
        f"最多跑 {g['visits']} 次；{g['online']['level']}；地点：{g['location']['hall']} "
        f"{g['location']['window']}。可以继续问我材料、费用、时限、地点或流程。"
    )


COMPOSERS = {
    "materials": _materials, "fee": _fee, "time_limit": _time_limit, "location": _location,
    "contact": _contact, "conditions": _conditions, "process": _process, "online": _online,
    "basis": _basis, None: _overview,
}  # fmt: skip


def compose(guide: dict, field: str | None, faq: dict | None = None) -> str:
    """The answer text for ``field`` of ``guide``; ``faq`` answers field 'faq'."""
    head = f"【{guide['name']}】"
    if field == "faq" and faq is not None:
        return f"{head}{faq['q']}\n{faq['a']}"
    return head + COMPOSERS[field](guide)


def field_text(guide: dict, field: str) -> str:
    """Plain text of one field, used to index the passage."""
    return COMPOSERS[field](guide)
