"""Questions about the halls themselves (几点上班 / 周六开门吗 / 国庆节上班吗 / 哪里停车 / 东区分中心在哪),
answered from hall data, never from text typed in a guide.

Pure: the service (kb/service.py ``hall_desk``) hands in each hall's public facts and weekly opening,
its open periods for the next days, and the statutory holidays ahead (halls/facts.py computes them
from the hall calendar). A question naming an item is the item's (its location answer carries the
hall's hours); this desk answers what no item answers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from miniapp_api.halls.facts import date_text, periods_text
from miniapp_api.kb.index import Outcome, Result

# Ordered: the first topic that matches wins ("哪里停车" is parking, not address).
_TOPICS: list[tuple[str, str]] = [
    ("parking", r"停车|车位|停哪|开车"),
    ("transport", r"地铁|公交|坐车|几路|交通"),
    ("holiday", r"国庆|十一|春节|过年|大年|元旦|清明|五一|劳动节|端午|中秋|节假日|假期|放假|调休|补班|过节"),
    ("day", r"周六|星期六|礼拜六|周日|星期天|星期日|礼拜天|礼拜日|周末|双休|今天|明天|后天"),
    ("phone", r"电话|联系方式|号码"),
    ("hours", r"几点|上班|下班|开门|关门|营业|办公时间|开放时间|工作时间|午休|中午|开着|开吗|时间"),
    ("address", r"在哪|地址|位置|哪里|哪儿|怎么去|怎么走|地点"),
]
_TOPIC_RE = [(topic, re.compile(pattern)) for topic, pattern in _TOPICS]
# Words for "a service hall" without saying which one: every hall answers.
GENERIC_HALL = re.compile(
    r"政务大厅|办事大厅|服务大厅|政务中心|政务服务中心|行政服务中心|办事中心|大厅|服务中心|分中心"
)
_FESTIVAL_WORDS = {
    "国庆节": r"国庆|十一", "春节": r"春节|过年|大年", "元旦": r"元旦", "清明节": r"清明",
    "劳动节": r"五一|劳动节", "端午节": r"端午", "中秋节": r"中秋",
}  # fmt: skip
_DAY_WORDS = [("saturday", r"周六|星期六|礼拜六"), ("sunday", r"周日|星期天|星期日|礼拜天|礼拜日")]
_RELATIVE = {"今天": 0, "明天": 1, "后天": 2}
DAY_LABELS = {"saturday": "周六", "sunday": "周日"}
# Without a hall named, a time question is a hall's only when it asks whether someone works / is open.
_OPENING_TOPICS = ("hours", "day", "holiday")
_OPENING = re.compile(r"上班|下班|开门|关门|办公|营业|开放|办事|办业务|休息|放假")


@dataclass
class HallResult(Result):
    """A hall answer: ``item_code`` stays empty (no item), ``hall_id`` names the hall (empty: all halls)."""

    hall_id: str = ""

    def as_dict(self) -> dict:
        return {**super().as_dict(), "hall_id": self.hall_id}


def hall_aliases(halls: list[dict]) -> dict[str, list[str]]:
    """Names residents use for each hall, from the hall names themselves: the full name, without the
    city, the contraction without 服务/政务 (市民服务中心 → 市民中心), and for a branch named after
    another hall (市民服务中心东区分中心) its own part (东区分中心, 东区) and "<district>大厅"."""
    names = {h["hall_id"]: h["name"] for h in halls}
    out: dict[str, list[str]] = {}
    for hall in halls:
        name = hall["name"]
        short = re.sub(r"^.{1,4}?市(?=.)", "", name)
        own = [name, short, re.sub(r"政务服务|服务|政务", "", short)]
        for other_id, other in names.items():
            if other_id != hall["hall_id"] and name.startswith(other) and len(name) > len(other):
                part = name[len(other) :]
                own += [part, re.sub(r"(分中心|中心|大厅)$", "", part)]
        if hall.get("district"):
            own += [hall["district"] + suffix for suffix in ("大厅", "分中心", "政务中心", "服务中心")]
        out[hall["hall_id"]] = sorted({a for a in own if len(a) >= 2}, key=len, reverse=True)
    return out


class HallDesk:
    """``halls``: [{hall_id, name, address, district, phone, parking, transport, hours, opening,
    days: {iso date: [periods]}}], main hall first; ``holidays``: halls/facts.py ``holiday_spans``."""

    def __init__(self, halls: list[dict], holidays: list[dict], today: dt.date) -> None:
        self.halls = halls
        self.holidays = holidays
        self.today = today
        self._aliases = hall_aliases(halls)

    def mentioned(self, norm: str) -> list[dict] | None:
        """The halls the question names: the most specific ones, every hall for a generic word,
        None when it names none. 东区分中心 beats the 市民中心 its full name starts with."""
        spans: list[tuple[int, int, str]] = []
        for hall_id, aliases in self._aliases.items():
            for alias in aliases:
                at = norm.find(alias)
                if at >= 0:
                    spans.append((at, at + len(alias), hall_id))
                    break  # the longest alias of this hall
        chosen = {
            hid for s, e, hid in spans if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _ in spans)
        }
        if chosen:
            return [h for h in self.halls if h["hall_id"] in chosen]
        return list(self.halls) if GENERIC_HALL.search(norm) else None

    def without_hall_names(self, norm: str) -> str | None:
        """The question with the hall names it says taken out (None: it names no hall by name): what
        is left tells whether it also names an item ("市民中心办护照…" does, "市民中心周六…" does not)."""
        out = norm
        for aliases in self._aliases.values():
            for alias in aliases:
                out = out.replace(alias, " ")
        out = GENERIC_HALL.sub(" ", out)
        return out if out != norm else None

    def answer(self, norm: str, item_outcome: Outcome) -> Outcome | None:
        """A hall answer, or None when the question is not about a hall or an item answers it."""
        if item_outcome.status == "answered" or not self.halls:
            return None
        topic = next((t for t, pattern in _TOPIC_RE if pattern.search(norm)), None)
        halls = self.mentioned(norm)
        if topic is None and halls is None:
            return None
        if halls is None:  # "哪里停车" / "国庆节上班吗": no hall named, a question only a hall answers
            if topic not in ("parking", "transport") and not (topic in _OPENING_TOPICS and _OPENING.search(norm)):
                return None  # "在哪" or "今天" alone ask about something unnamed, not necessarily a hall
            halls = list(self.halls)
        text = getattr(self, f"_{topic or 'overview'}")(norm, halls)
        one = halls[0] if len(halls) == 1 else None
        name = one["name"] if one else "政务服务大厅"
        result = HallResult("", name, "hall", text, 10.0, hall_id=one["hall_id"] if one else "")
        return Outcome("answered", "hall", [result])

    # -- one composer per topic -------------------------------------------------------------
    @staticmethod
    def _lines(halls: list[dict], line) -> str:
        if len(halls) == 1:
            return f"【{halls[0]['name']}】{line(halls[0])}"
        return "\n".join(f"{i}. {h['name']}：{line(h)}" for i, h in enumerate(halls, 1))

    def _overview(self, _norm: str, halls: list[dict]) -> str:
        def line(h: dict) -> str:
            return f"地址：{h['address']}；办公时间：{h['hours']}；电话：{h['phone']}。"

        return self._lines(halls, line)

    def _hours(self, _norm: str, halls: list[dict]) -> str:
        return self._lines(halls, lambda h: f"{h['hours']}。")

    def _address(self, _norm: str, halls: list[dict]) -> str:
        def line(h: dict) -> str:
            district = f"（{h['district']}）" if h.get("district") and h["district"] not in h["address"] else ""
            transport = f"；交通：{h['transport']}" if h.get("transport") else ""
            return f"地址：{h['address']}{district}{transport}。"

        return self._lines(halls, line)

    def _parking(self, _norm: str, halls: list[dict]) -> str:
        return self._lines(halls, lambda h: f"停车：{h['parking'] or '未提供停车信息，请致电 ' + h['phone']}。")

    def _transport(self, _norm: str, halls: list[dict]) -> str:
        return self._lines(halls, lambda h: f"交通：{h['transport'] or '未提供'}；地址：{h['address']}。")

    def _phone(self, _norm: str, halls: list[dict]) -> str:
        return self._lines(halls, lambda h: f"咨询电话：{h['phone']}（也可拨打 12345 政务服务热线）。")

    def _day(self, norm: str, halls: list[dict]) -> str:
        for word, offset in _RELATIVE.items():
            if word in norm:
                day = self.today + dt.timedelta(days=offset)
                return f"{word}是{date_text(day)}：\n" + self._on_day(day, halls)
        kinds = [k for k, pattern in _DAY_WORDS if re.search(pattern, norm)] or ["saturday", "sunday"]

        def line(h: dict) -> str:
            parts = [f"{DAY_LABELS[k]} {periods_text(h['opening'][k])} 开放" if h["opening"][k]
                     else f"{DAY_LABELS[k]}休息" for k in kinds]  # fmt: skip
            return "，".join(parts) + "。"

        text = self._lines(halls, line)
        if not any(h["opening"][k] for h in halls for k in kinds):  # closed then: say which hall is open
            asked = {h["hall_id"] for h in halls}
            others = [h for h in self.halls if h["hall_id"] not in asked and any(h["opening"][k] for k in kinds)]
            if others:
                text += "\n另：" + "；".join(f"{h['name']}（{h['address']}）{line(h)}" for h in others).replace(
                    "。；", "；"
                )
        workdays = [d for span in self.holidays for d in span["workdays"] if d >= self.today and d.weekday() >= 5]
        workdays = [
            d
            for d in workdays
            if ("saturday" in kinds and d.weekday() == 5) or ("sunday" in kinds and d.weekday() == 6)
        ]
        if workdays:
            days = "、".join(date_text(d) for d in workdays[:3])
            text += f"\n另：{days}为调休上班日，各大厅按工作日时间开放。"
        holidays_ahead = [s for s in self.holidays if s["start"] >= self.today]
        if holidays_ahead and any(h["opening"][k] for h in halls for k in kinds):
            text += "\n法定节假日期间的周末休息。"
        return text

    def _on_day(self, day: dt.date, halls: list[dict]) -> str:
        iso = day.isoformat()

        def line(h: dict) -> str:
            if iso not in h["days"]:
                return "当天的节假日安排尚未公布，请致电确认。"
            periods = h["days"][iso]
            return f"开放 {periods_text(periods)}。" if periods else "休息。"

        return self._lines(halls, line)

    def _holiday(self, norm: str, halls: list[dict]) -> str:
        wanted = [name for name, pattern in _FESTIVAL_WORDS.items() if re.search(pattern, norm)]
        ahead = [s for s in self.holidays if s["end"] >= self.today]
        spans = [s for s in ahead if s["name"] in wanted] if wanted else ahead[:1]
        if not spans:
            what = wanted[0] if wanted else "下一个法定节假日"
            return (f"{what}的放假安排尚未公布（国务院每年年底公布次年安排）。各大厅法定节假日休息，"
                    f"调休上班日正常上班；可拨打 12345 政务服务热线确认。")  # fmt: skip
        span = spans[0]
        name = span["name"] or "法定节假日"
        when = date_text(span["start"], year=True) + (
            f"至{date_text(span['end'])}" if span["end"] != span["start"] else ""
        )
        text = f"{name}放假：{when}，各政务服务大厅休息，不办理业务（可在“江川政务”小程序办理网办事项）。"
        if span["workdays"]:
            days = "、".join(date_text(d) for d in span["workdays"])
            text += f"\n调休上班：{days}，各大厅按工作日时间开放：\n" + self._lines(
                halls, lambda h: f"{periods_text(h['opening']['weekdays'])}。"
            )
        return text
