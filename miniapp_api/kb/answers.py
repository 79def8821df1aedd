"""Ready-to-send answers composed from a guide's structured fields, always naming the item.

An imported guide may lack elements its source never published (fees, process, sometimes
conditions or materials): the answer then says so and where to ask ("该事项未公布收费信息，请致电
…"), never inventing them. Hand-written guides are complete and read as before.
"""

from __future__ import annotations

HOTLINE = "12345 政务服务热线"


def _phone(g: dict) -> str:
    """Where to ask about what a guide does not say: its consulting phone, else the hotline."""
    contact = g.get("contact") or {}
    loc = g.get("location") or {}
    phones = contact.get("consult") or ([loc["phone"]] if loc.get("phone") else [])
    return f"致电 {'、'.join(phones[:2])} 咨询" if phones else f"拨打 {HOTLINE}咨询"


def _not_published(g: dict, what: str) -> str:
    return f"该事项未公布{what}，请{_phone(g)}。"


def _materials(g: dict) -> str:
    if not g.get("materials"):
        if "materials" in (g.get("missing") or ()):
            return _not_published(g, "申请材料")
        return "无需另行准备材料，按各单项要求提交即可。"
    lines = []
    for i, m in enumerate(g["materials"], 1):
        if m.get("form") is None and m.get("required") is None:  # imported: only the name is known
            note = f"：{m['notes']}" if m.get("notes") else ""
            lines.append(f"{i}. {m['name']}{note}")
            continue
        need = "必需" if m["required"] else "视情况提供"
        extra = "；可容缺受理，后补" if m.get("tolerance") else ""
        note = f"：{m['notes']}" if m.get("notes") else ""
        copies = f"，{m['copies']}份" if m.get("copies") is not None else ""
        lines.append(f"{i}. {m['name']}（{m.get('form') or '形式未注明'}{copies}，{need}{extra}）{note}")
    return "需要准备的材料：\n" + "\n".join(lines)


def _fee(g: dict) -> str:
    fee = g.get("fee")
    if fee is None:
        return _not_published(g, "收费信息")
    if fee["free"]:
        basis = f"（{fee['basis']}）" if fee.get("basis") else ""
        return f"不收费，免费办理{basis}。"
    parts = "；".join(f"{i['name']} {i['amount']:g} {i['unit']}" for i in fee["items"])
    return f"收费标准：{parts}。收费依据：{fee['basis']}。"


def _time_limit(g: dict) -> str:
    t = g.get("time_limit")
    if not t:
        return _not_published(g, "办理时限")
    # legal_days 0: no statute sets a limit; promised_days 0: settled on the spot (即办件).
    notes = t.get("notes") or ""
    if t.get("legal_days") is None:
        # natural days are not converted to working days: the source's own words are quoted
        legal, notes = (notes, "") if notes.startswith("法定时限") else ("法定时限未公布", notes)
    else:
        legal = f"法定时限 {t['legal_days']} 个工作日" if t["legal_days"] else "法律法规未设定办理时限"
    if t.get("promised_days") is None:
        text = f"承诺时限未公布（{legal}）"
    elif t["promised_days"] == 0:
        text = f"即办件，材料齐全当场办结（{legal}）"
    else:
        text = f"承诺办结时限 {t['promised_days']} 个工作日（{legal}）"
    return text + (f"。{notes}" if notes else "。")


def _location(g: dict) -> str:
    loc = g.get("location")
    if not loc:
        return _not_published(g, "办理地点")
    if loc.get("offline") is False:
        channel = (g.get("online") or {}).get("channel")
        return f"该事项无线下办理窗口，请在网上办理{f'（{channel}）' if channel else ''}；如有疑问请{_phone(g)}。"
    if "hall" in loc and all(loc.get(k) for k in ("hall", "window", "address", "hours", "phone")):
        return (
            f"办理地点：{loc['hall']}，{loc['window']}；地址：{loc['address']}；"
            f"办公时间：{loc['hours']}；咨询电话：{loc['phone']}。" + _location_extra(loc)
        )
    parts = [f"办理地点：{'，'.join(p for p in (loc.get('hall'), loc.get('window')) if p) or loc.get('address')}"]
    if loc.get("hall") and loc.get("address"):
        parts.append(f"地址：{loc['address']}")
    parts.append(f"办公时间：{loc['hours']}" if loc.get("hours") else "办公时间未公布")
    parts.append(f"咨询电话：{loc['phone']}" if loc.get("phone") else f"咨询请{_phone(g)}")
    return "；".join(parts) + "。"


def _location_extra(loc: dict) -> str:
    """The location's own note (a 24-hour hotline) and the other halls that take the item (全城通办),
    whose hours come from their hall data like the main one's."""
    text = f"{loc['notes']}。" if loc.get("notes") else ""
    others = [f"{h['name']}（{h['address']}；{h['hours']}）" for h in loc.get("also_at") or ()]
    if others:
        text += "全城通办，也可到" + "、".join(others) + "办理。"
    return text


def _contact(g: dict) -> str:
    contact = g.get("contact") or {}
    if contact:
        consult, complain = contact.get("consult") or [], contact.get("complain") or []
        if not consult and not complain:
            return _not_published(g, "咨询电话")
        text = f"咨询电话：{'、'.join(consult)}" if consult else f"咨询请拨打 {HOTLINE}"
        return text + (f"；监督投诉电话：{'、'.join(complain)}。" if complain else "。")
    loc = g.get("location") or {}
    return f"咨询电话：{loc.get('phone')}（{loc.get('hall')}），也可拨打 {HOTLINE}。"


def _conditions(g: dict) -> str:
    if not g.get("conditions"):
        return _not_published(g, "受理条件")
    return "办理条件：\n" + "\n".join(f"{i}. {c}" for i, c in enumerate(g["conditions"], 1))


def _visits(g: dict) -> str:
    if g.get("visits") is None:
        return "到现场次数未公布"
    return "全程网办，不用跑腿" if g["visits"] == 0 else f"最多跑 {g['visits']} 次"


def _process(g: dict) -> str:
    if not g.get("process"):
        online = g.get("online") or {}
        where = f"可通过{online['channel']}办理，" if online.get("channel") else ""
        return f"该事项未公布办理流程，{where}具体步骤请{_phone(g)}。"
    steps = "\n".join(f"{i}. {s['step']}：{s['detail']}" for i, s in enumerate(g["process"], 1))
    return f"办理流程（{_visits(g)}）：\n{steps}"


def _online(g: dict) -> str:
    online = g["online"]
    lead = {
        "全程网办": "可以全程网上办理，不用到现场",
        "网上预约": "可以网上预约，但需到窗口办理",
        "窗口办理": "目前需到窗口办理",
    }[online["level"]]
    if online.get("channel"):
        return f"{lead}。{online['channel']}" + (f"（{online['url']}）。" if online.get("url") else "。")
    return f"{lead}。"


def _basis(g: dict) -> str:
    if not g.get("basis"):
        return _not_published(g, "设定依据")
    return "设定依据：" + "；".join(g["basis"]) + "。"


def _overview(g: dict) -> str:
    if g.get("missing"):  # an imported guide: say what is known, and what is not
        return _imported_overview(g)
    t = g["time_limit"]
    fee = "免费" if g["fee"]["free"] else "收费"
    required = [m["name"] for m in g.get("materials", []) if m["required"]]
    mats = "、".join(required[:4]) or "见材料清单"
    return (
        f"主要材料：{mats}；承诺时限 {t['promised_days']} 个工作日；{fee}；"
        f"最多跑 {g['visits']} 次；{g['online']['level']}；地点：{g['location'].get('hall') or ''} "
        f"{g['location']['window']}。可以继续问我材料、费用、时限、地点或流程。"
    )


def _imported_overview(g: dict) -> str:
    parts = []
    if g.get("department"):
        parts.append(f"实施部门：{g['department']}")
    if g.get("materials"):
        parts.append("主要材料：" + "、".join(m["name"] for m in g["materials"][:4]))
    t = g.get("time_limit") or {}
    if t.get("promised_days") is not None:
        parts.append(f"承诺时限 {t['promised_days']} 个工作日")
    parts.append((g.get("online") or {}).get("level") or "窗口办理")
    loc = g.get("location") or {}
    if loc.get("address"):
        parts.append(f"地点：{loc['address']}")
    names = {"conditions": "受理条件", "materials": "申请材料", "time_limit": "办理时限", "fee": "收费信息",
             "location": "办理地点", "contact": "咨询电话", "process": "办理流程", "basis": "设定依据"}  # fmt: skip
    unknown = "、".join(names[m] for m in g["missing"] if m in names)
    return "；".join(parts) + f"。该事项未公布{unknown}，请{_phone(g)}。可以继续问我材料、时限、地点或条件。"


COMPOSERS = {
    "materials": _materials, "fee": _fee, "time_limit": _time_limit, "location": _location,
    "contact": _contact, "conditions": _conditions, "process": _process, "online": _online,
    "basis": _basis, None: _overview,
}  # fmt: skip


def title(guide: dict) -> str:
    """【name】, with the situation and the department of an imported record when it has them."""
    extra = [p for p in (guide.get("situation"), guide.get("department") if guide.get("import") else None) if p]
    return f"【{guide['name']}" + (f"（{' · '.join(extra)}）" if extra else "") + "】"


def compose(guide: dict, field: str | None, faq: dict | None = None) -> str:
    """The answer text for ``field`` of ``guide``; ``faq`` answers field 'faq'."""
    head = title(guide)
    if field == "faq" and faq is not None:
        return f"{head}{faq['q']}\n{faq['a']}"
    return head + COMPOSERS[field](guide)


def note_texts(guide: dict) -> dict[str, str]:
    """A guide's notes by the field they qualify: the time limit's note (加急), the materials' notes,
    the location's note. A question about what a note says is a question about its field."""
    out = {}
    if (guide.get("time_limit") or {}).get("notes"):
        out["time_limit"] = guide["time_limit"]["notes"]
    materials = " ".join(m["notes"] for m in guide.get("materials") or () if m.get("notes"))
    if materials:
        out["materials"] = materials
    if (guide.get("location") or {}).get("notes"):
        out["location"] = guide["location"]["notes"]
    return out


def general_text(guide: dict) -> str:
    """The words a guide uses everywhere (name, aliases, conditions, process): a note's term that also
    appears here ("申请") does not tell which field a question is about."""
    steps = " ".join(f"{s['step']} {s['detail']}" for s in guide.get("process") or ())
    return " ".join([guide["name"], *(guide.get("aliases") or ()), *(guide.get("conditions") or ()), steps])


def field_text(guide: dict, field: str) -> str:
    """Plain text of one field, used to index the passage; an element the guide does not publish
    indexes no text (the "未公布" sentence would make every incomplete guide match "收费")."""
    if field in (guide.get("missing") or ()):
        return ""
    return COMPOSERS[field](guide)
