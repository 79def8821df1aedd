"""Situation consistency: an imported record that is about a situation the question never
mentions is a worse answer than its sibling that fits.

A real catalogue publishes 补发 / 换发 / 签发 / 注销 / 查询 variants of one thing as separate
items. "外国人停留证件要怎么办" says nothing about losing or renewing it, so 签发 fits better than
补发; "低收入家庭认定怎么申请" asks for no lookup, so the 进度查询 item fits worse than the
application. Each record gets the situation kinds its name and 办理项 show; each kind the
question gives no cue for lowers its score a little.
"""

from __future__ import annotations

import re

import numpy as np

# kind: (words of an item's name or situation, cues in a resident's question)
KINDS: dict[str, tuple[str, str]] = {
    "lost": (r"补发|补领|遗失|挂失|补办|补证|补打|损毁", r"丢|掉了|找不到|不见了|遗失|补|弄坏|坏了|损毁|没了"),
    "renew": (r"换发|换领|换证|延期|续期|延续|续借|重新申领", r"到期|过期|换|续|延|快到期|重新"),
    "cancel": (r"注销|撤销|终止|销户|停业",
               r"注销|不干|取消|撤销|不做了|不想做|销户|终止|去世|死亡|走了|不用了|停业|不开了"),
    "change": (r"变更|迁出|迁入|转出|转入|转移|归还|借出", r"变更|改|换单位|转|迁|搬|跳槽|错了|还|借"),
    "query": (r"查询|查看|公示|公布|名录|目录|进度|信息发布",
              r"查|进度|真假|真伪|验证|哪一步|哪里看|在哪看|是不是|有没有|多少|几|名单|正规"),
}  # fmt: skip
_ITEM = {kind: re.compile(pattern) for kind, (pattern, _cue) in KINDS.items()}
_CUE = {kind: re.compile(cue) for kind, (_pattern, cue) in KINDS.items()}
BITS = {kind: 1 << i for i, kind in enumerate(KINDS)}
MISMATCH = 0.85  # score factor per situation kind of a record that the question gives no cue for
MATCH = 1.08  # ... and per kind the question does cue (补发 for "丢了", 查询 for "怎么查")


def item_mask(guide: dict) -> int:
    """Bits of the situation kinds an imported record is about (0 for hand-written guides)."""
    if not guide.get("import"):
        return 0
    text = f"{guide['name']} {guide.get('situation') or ''}"
    return sum(bit for kind, bit in BITS.items() if _ITEM[kind].search(text))


def question_mask(normalized: str) -> int:
    return sum(bit for kind, bit in BITS.items() if _CUE[kind].search(normalized))


def factors(masks: np.ndarray, normalized: str) -> np.ndarray:
    """Per record: MISMATCH ** (its kinds the question does not cue) × MATCH ** (those it cues)."""
    cued = question_mask(normalized)
    missing, matched = masks & ~cued, masks & cued
    misses = np.zeros(len(masks), dtype=np.float32)
    hits = np.zeros(len(masks), dtype=np.float32)
    for bit in BITS.values():
        misses += (missing & bit) > 0
        hits += (matched & bit) > 0
    return (np.power(MISMATCH, misses) * np.power(MATCH, hits)).astype(np.float32)
