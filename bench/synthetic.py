"""A synthetic catalogue of N items for scale tests.

Built the way large real catalogues are: the same standard items published by many districts
and towns (事项 at county and township level), each with its own name, hall, window, phone and
hours, and some district-specific wording, on top of the national text.
"""

from __future__ import annotations

import copy
import random

_PLACES = "东湖 西岭 南浦 北塘 青山 白沙 石桥 柳溪 梅岭 桂园 松阳 竹林 枫桥 兰亭 荷塘 杏花 桃源 梨洲 槐荫 杨柳".split()
_KINDS = ["区", "县", "镇", "街道", "乡", "经开区", "高新区"]
_EXTRA = ["（延伸至村社代办点）", "（可在便民服务站代收）", "（本辖区户籍居民优先）", "（实行帮办代办）", ""]


def synthetic_guides(guides: list[dict], n: int, rng: random.Random) -> list[dict]:
    out = []
    places = [p + k for p in _PLACES for k in _KINDS]
    for i in range(n):
        base = guides[i % len(guides)]
        rounds = i // (len(guides) * len(places))  # past 140 districts: 片区 of each
        place = places[(i // len(guides)) % len(places)] + (f"{rounds + 1}片区" if rounds else "")
        g = copy.deepcopy(base)
        g["code"] = f"SY-{i:05d}"
        g["name"] = f"{place}{base['name']}"
        g["aliases"] = [f"{place}{a}" for a in base["aliases"][:3]] + base["aliases"][3:]
        g["conditions"] = [c + rng.choice(_EXTRA) for c in base["conditions"]]
        g["location"] = {
            "hall": f"{place}便民服务中心", "window": f"{rng.randint(1, 3)}楼 {rng.randint(1, 30)}号窗口",
            "address": f"{place}{rng.choice(['人民路', '中山路', '建设路', '解放路'])}{rng.randint(1, 300)}号",
            "hours": f"周一至周五 {rng.choice(['8:30', '9:00'])}–12:00、{rng.choice(['13:30', '14:00'])}–17:30",
            "phone": f"0576-8{rng.randint(1000000, 9999999)}",
        }  # fmt: skip
        g["time_limit"]["promised_days"] = max(0, base["time_limit"]["promised_days"] - rng.randint(0, 2))
        out.append(g)
    return out
