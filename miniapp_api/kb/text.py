"""Text normalisation and tokenisation shared by indexing and querying.

One ``TextPipeline`` owns the project's ``jieba.Tokenizer`` (loaded with the generated user
dictionary), the OpenCC traditional→simplified converter, the synonym table and the stop words.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from pathlib import Path

import jieba
import opencc
import stopwordsiso

CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
LATIN_RUN = re.compile(r"[a-z0-9]{2,}")
LATIN_ANY = re.compile(r"[a-z]")
PUNCT = re.compile(r"[^\w\u4e00-\u9fff]+")
# Words that say which field is asked, or that every question has; they must not pick an item.
NEUTRAL_WORDS = frozenset(
    """办 办理 办理中 申请 申领 需要 要 想 请问 你好 您好 一下 咨询 问 问问 怎么 怎样 如何 哪里 哪儿 哪个 在哪
    什么 啥 多少 多久 几天 多长时间 时间 时限 期限 材料 资料 证件 东西 带 准备 提交 收费 费用 钱 免费 缴费
    流程 步骤 手续 程序 条件 要求 资格 地点 地址 窗口 位置 网上 线上 网办 可以 能 能不能 吗 呢 吧 了 的
    我 我们 你 你们 他 她 去 来 到 给 帮 帮忙 是 有 没有 还 和 跟 与 及 或 或者 现在 今天 明天 标准 需 哪些
    哪 几 个 本人 到场 办法 规定 政策 依据 电话 联系 方式 多少钱 一般 大概 能否 是否 下来 发放
    服务 查询 查 进度 办件 办件进度 预约 约 取消 投诉 举报 人工 客服 转 上午 下午 周一 周二 周三 周四 周五 周六 周日
    星期 礼拜 喂 嗯 那个 这个 就是 然后 一下子""".split()
)

# Neutral words that are also part of item names (律师会见预约, 纳税服务投诉处理, 档案转出): they never
# make a question answerable, but between items that fit they favour the one whose name says them.
NAMING_WORDS = frozenset("预约 查询 进度 投诉 举报 咨询 转 取消 服务 资格 缴费 发放 电话 网上".split())


class TextPipeline:
    """Normalise → replace synonyms → segment; thread-safe for concurrent queries."""

    def __init__(self, synonyms: dict[str, str] | None = None) -> None:
        self.tokenizer = jieba.Tokenizer()
        self._lock = threading.Lock()
        self._t2s = opencc.OpenCC("t2s")
        self.stopwords = frozenset(stopwordsiso.stopwords("zh")) | NEUTRAL_WORDS
        self.set_synonyms(synonyms or {})

    # -- dictionary -----------------------------------------------------------------------
    def initialize(self) -> None:
        """Load jieba's main dictionary: read once per process, then copied (25 ms, not 0.7 s)."""
        with self._lock:
            if not self.tokenizer.initialized:
                freq, total = _main_dictionary()
                self.tokenizer.FREQ, self.tokenizer.total = dict(freq), total
                self.tokenizer.initialized = True

    def add_words(self, words: dict[str, int]) -> None:
        """Teach the tokenizer item names, aliases and domain terms (idempotent)."""
        self.initialize()
        with self._lock:
            added = False
            for word, freq in words.items():
                if self.tokenizer.FREQ.get(word, 0) < freq:
                    self.tokenizer.add_word(word, freq)
                    added = True
            if added:  # new words cut text differently; the same words keep every cached cut valid
                self._clause_cache.clear()
                self._text_cache.clear()

    # -- synonyms -------------------------------------------------------------------------
    def set_synonyms(self, synonyms: dict[str, str]) -> None:
        """``synonyms`` maps a variant to its canonical form (e.g. 驾照 → 机动车驾驶证)."""
        if getattr(self, "_given_synonyms", None) == synonyms:
            return  # the same table again (a reused pipeline): keep the caches
        self._given_synonyms = dict(synonyms)
        self.synonyms = dict(synonyms)
        # Canonical forms map to themselves so that 营业执照 is not rewritten through 执照.
        for canonical in set(synonyms.values()):
            self.synonyms.setdefault(canonical, canonical)
        variants = sorted(self.synonyms, key=len, reverse=True)
        # Longest variant first, so 居民身份证 is not rewritten through 身份证.
        self._syn_re = re.compile("|".join(map(re.escape, variants))) if variants else None
        self._clause_cache = {}
        self._text_cache: dict[str, list[str]] = {}
        self._norm_cache: dict[str, str] = {}

    # -- pipeline -------------------------------------------------------------------------
    def normalize(self, text: str) -> str:
        """NFKC, lower case, traditional → simplified, synonyms → canonical (memoised)."""
        done = self._norm_cache.get(text)
        if done is not None:
            return done
        out = self._t2s.convert(unicodedata.normalize("NFKC", text).lower())
        if self._syn_re is not None:
            out = self._syn_re.sub(lambda m: self.synonyms[m.group(0)], out)
        if len(self._norm_cache) < 500_000:
            self._norm_cache[text] = out
        return out

    def words(self, normalized: str) -> list[str]:
        """Search-mode segmentation of normalised text (sub-words of long words included).

        Clauses are memoised: guides of a large catalogue repeat the same clauses
        ("居民身份证原件", standard hours) across thousands of items.
        """
        out: list[str] = []
        for clause in PUNCT.split(normalized):
            if not clause:
                continue
            tokens = self._clause_cache.get(clause)
            if tokens is None:
                tokens = [t for t in self.tokenizer.cut_for_search(clause, HMM=False) if t.strip()]
                if len(self._clause_cache) < 500_000:
                    self._clause_cache[clause] = tokens
            out.extend(tokens)
        return out

    def content_terms(self, normalized: str) -> list[str]:
        """Words that can identify an item: no stop words, no field words, no lone letters."""
        stop = self.stopwords
        terms = [w for w in self.words(normalized) if w not in stop and not w.isdigit()]
        if LATIN_ANY.search(normalized):
            # "开ktv办证" is one dictionary word; its latin part must still match "ktv" in a question.
            terms += [run for w in terms if not w.isascii() for run in LATIN_RUN.findall(w) if not run.isdigit()]
        return terms

    def naming_terms(self, normalized: str) -> list[str]:
        """Neutral words of ``normalized`` that can be part of an item's name, marked with "="."""
        return ["=" + w for w in self.words(normalized) if w in NAMING_WORDS]

    def text_terms(self, text: str) -> list[str]:
        """``content_terms(normalize(text))``, memoised for indexing: a large catalogue repeats
        whole passages (the same national materials list in every district's edition)."""
        terms = self._text_cache.get(text)
        if terms is None:
            terms = self.content_terms(self.normalize(text))
            if len(self._text_cache) < 200_000:
                self._text_cache[text] = terms
        return terms

    @staticmethod
    def bigrams(normalized: str) -> set[str]:
        grams: set[str] = set()
        for run in CJK_RUN.findall(normalized):
            grams.update(run[i : i + 2] for i in range(len(run) - 1))
        return grams


@functools.lru_cache(maxsize=1)
def _main_dictionary() -> tuple[dict[str, int], int]:
    base = jieba.Tokenizer()
    base.initialize()
    return base.FREQ, base.total


def read_domain_terms(path: str | Path) -> list[str]:
    p = Path(path)
    if not p.exists():
        return []
    lines = p.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]
