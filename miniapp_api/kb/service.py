"""The knowledge base as the app sees it: the published snapshot every worker shares, and the
index built from it.

MongoDB keeps editions (the working store). What is *published* is mirrored in Redis as one
snapshot with a version number; each worker checks that number at most every
``KB_SYNC_INTERVAL`` seconds and rebuilds its index when it moved, so a publish reaches every
worker and every channel (mini-program, bot, hotline) within about a second.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app

from miniapp_api.catalogue.repo import GuideRepository, synonyms_map
from miniapp_api.core import shared_versions
from miniapp_api.core.clock import local_today
from miniapp_api.core.errors import ScheduleUnknown
from miniapp_api.core.pii import mask_pii
from miniapp_api.core.stores import mongo, rds, rkey
from miniapp_api.halls.calendar import workday_calendar
from miniapp_api.halls.facts import holiday_spans, open_periods, opening_of, public_facts, with_hall_facts
from miniapp_api.kb import search_stats
from miniapp_api.kb.answers import compose, general_text, note_texts
from miniapp_api.kb.dictionary import dictionary_words, write_dictionary
from miniapp_api.kb.hall_answers import HallDesk
from miniapp_api.kb.index import KnowledgeIndex, Outcome, Result
from miniapp_api.kb.text import TextPipeline, read_domain_terms
from miniapp_api.live.publish import publish_quietly

log = logging.getLogger(__name__)
UNANSWERED_KEEP = 5000


def make_index(
    guides: list[dict],
    synonym_groups: list[dict],
    domain_terms_file: str | Path,
    pipeline: TextPipeline,
    halls: dict[str, dict] | None = None,
) -> tuple[KnowledgeIndex, dict[str, int]]:
    """Teach ``pipeline`` the guides' vocabulary and index them; returns (index, dictionary words).

    ``halls`` (by id): guides that name their hall get its address and hours filled in first, as the
    app's snapshot does (benchmarks pass the seeded halls to measure what residents are answered)."""
    if halls is not None:
        guides = with_hall_facts(guides, halls)
    synonyms = synonyms_map(synonym_groups)
    pipeline.set_synonyms(synonyms)
    words = dictionary_words(guides, synonyms, read_domain_terms(domain_terms_file))
    # Normalised forms too, so 驾照到期换证 → 机动车驾驶证到期换证 stays one word.
    words.update({pipeline.normalize(w): f for w, f in words.items()})
    pipeline.add_words(words)
    return KnowledgeIndex(guides, pipeline), words


_BUILT: OrderedDict[str, tuple[KnowledgeIndex, dict[str, int]]] = OrderedDict()
_PIPELINE: dict[str, TextPipeline] = {}
_BUILT_LOCK = threading.Lock()


def cached_index(guides: list[dict], groups: list[dict], domain_terms_file: str | Path):
    """``make_index`` on a fresh pipeline, memoised by content: several apps in one process (tests,
    CLI) and a worker that sees the same snapshot again (Redis restart) do not rebuild it."""
    digest = hashlib.sha1(
        json.dumps([sorted(guides, key=lambda g: g["code"]), groups, str(domain_terms_file)],
                   ensure_ascii=False, sort_keys=True, default=str).encode()
    ).hexdigest()  # fmt: skip
    with _BUILT_LOCK:
        if digest in _BUILT:
            _BUILT.move_to_end(digest)
            return _BUILT[digest]
    # The pipeline of the last build is reused while the synonyms stay the same: its tokenizer already
    # knows the words and its caches hold the cut text of every unchanged guide, so the rebuild after
    # one publish into a catalogue of thousands does not tokenise them all again.
    pipe_key = hashlib.sha1(json.dumps([groups, str(domain_terms_file)], ensure_ascii=False).encode()).hexdigest()
    with _BUILT_LOCK:
        pipeline = _PIPELINE.get(pipe_key) or TextPipeline()
        _PIPELINE.clear()
        _PIPELINE[pipe_key] = pipeline
    built = make_index(guides, groups, domain_terms_file, pipeline)
    with _BUILT_LOCK:
        _BUILT[digest] = built
        while len(_BUILT) > 4:
            _BUILT.popitem(last=False)
    return built


class KnowledgeBase:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._checked = 0.0
        self.version = 0
        self.index: KnowledgeIndex | None = None
        self.synonym_groups: list[dict] = []
        # The halls the guides' locations were filled from, and the "halls" token they were read under:
        # a staff edit of a hall re-fills the guides (its hours show in every guide at once).
        self.halls: dict[str, dict] = {}
        self._halls_version: str | None = None
        self._desk: tuple[tuple, HallDesk] | None = None

    # -- snapshot ---------------------------------------------------------------------
    def _keys(self) -> tuple[str, str, str]:
        return rkey("guides", "published"), rkey("kb", "synonyms"), rkey("kb", "version")

    def _seed_key(self) -> str:
        return rkey("kb", "seed_files")

    def fill_snapshot(self, seed_digest: str | None = None) -> None:
        """Mirror MongoDB's published editions into Redis (first start, or after Redis lost them)."""
        repo = GuideRepository(mongo())
        hkey, skey, vkey = self._keys()
        guides = repo.published_all()
        pipe = rds().pipeline(transaction=True)
        pipe.delete(hkey)
        if guides:
            pipe.hset(hkey, mapping=_encoded(guides))
        pipe.set(skey, json.dumps(repo.synonym_groups(), ensure_ascii=False))
        pipe.set(self._seed_key(), seed_digest or seed_files_digest())
        pipe.incr(vkey)
        pipe.execute()

    def _sync_with_seed_files(self) -> None:
        """At a worker's start, with a snapshot from an earlier run already in Redis.

        With the in-memory store the guide files are the source of truth at every start (MongoDB
        was just seeded from them), so a snapshot built from other files is replaced: an edited
        guide or synonym file shows after a restart. With a MongoDB server the files only seeded
        it once, and the snapshot may hold editions published since: it is only completed."""
        if current_app.config["MONGO_URI"]:
            self._add_missing_to_snapshot()
            return
        digest = seed_files_digest()
        if rds().get(self._seed_key()) != digest:
            log.info("guide or synonym files changed since the published snapshot was built: rebuilding it")
            self.fill_snapshot(digest)
        else:
            self._add_missing_to_snapshot()

    def _add_missing_to_snapshot(self) -> None:
        """A snapshot from an earlier run lacks guides imported since: add them (never overwrite,
        the snapshot may hold editions published after MongoDB was seeded)."""
        hkey, _skey, vkey = self._keys()
        present = set(rds().hkeys(hkey))
        missing = [g for g in GuideRepository(mongo()).published_all() if g["code"] not in present]
        if missing:
            pipe = rds().pipeline(transaction=True)
            pipe.hset(hkey, mapping=_encoded(missing))
            pipe.incr(vkey)
            pipe.execute()
            log.info("added %d guides missing from the published snapshot", len(missing))

    def refresh(self, force: bool = False) -> None:
        """Load a newer snapshot if one was published since the last check."""
        interval = current_app.config["KB_SYNC_INTERVAL"]
        if not force and self.index is not None and time.monotonic() - self._checked < interval:
            return
        with self._lock:
            self._checked = time.monotonic()
            hkey, skey, vkey = self._keys()
            version = rds().get(vkey)
            if version is None:
                self.fill_snapshot()
            elif self.index is None:
                self._sync_with_seed_files()
            version = rds().get(vkey)
            halls_version = shared_versions.current("halls")
            if int(version) != self.version or self.index is None or halls_version != self._halls_version:
                self._load(int(version), hkey, skey, halls_version)

    def _load(self, version: int, hkey: str, skey: str, halls_version: str) -> None:
        raw = rds().hgetall(hkey)
        guides = [json.loads(v) for v in raw.values()]
        groups = json.loads(rds().get(skey) or "[]")
        cfg = current_app.config
        halls = read_halls()
        # The snapshot keeps guides as staff wrote them (hall_id + window); residents see them located.
        self.index, self._words = cached_index(with_hall_facts(guides, halls), groups, cfg["DOMAIN_TERMS_FILE"])
        self.synonym_groups = groups
        self.version = version
        self.halls, self._halls_version = halls, halls_version
        if not cfg["MONGO_URI"]:
            self._adopt_from_snapshot(guides)
        dict_file = Path(cfg["JIEBA_DICT_DIR"]) / "userdict.txt"
        if not dict_file.exists():
            write_dictionary(self._words, cfg["JIEBA_DICT_DIR"])
        log.info("knowledge base v%d: %d guides indexed in %.2fs", version, len(guides), self.index.build_seconds)

    @staticmethod
    def _adopt_from_snapshot(guides: list[dict]) -> None:
        """In-memory store only: guides another process published (``flask catalogue import`` has a
        store of its own) are taken into this process's store, so staff can open their editions."""
        repo = GuideRepository(mongo())
        known = {d["code"] for d in repo.guides.find({}, {"code": 1})}
        foreign = [g for g in guides if g["code"] not in known]
        if foreign:
            repo.publish_many(foreign, "snapshot", "taken from the published snapshot (published by another process)")
            log.info("took %d guides published by another process into the in-memory store", len(foreign))

    # -- reading ----------------------------------------------------------------------
    def current(self) -> KnowledgeIndex:
        self.refresh()
        assert self.index is not None
        return self.index

    def guides(self) -> dict[str, dict]:
        return self.current().by_code

    def search(self, question: str, k: int = 5, log_unanswered: bool = True) -> Outcome:
        """``log_unanswered``: a resident's question, counted for the dashboard (and, when not
        answered, listed for staff); staff trying questions and internal look-ups pass False."""
        index = self.current()
        outcome = field_from_notes(index, question, index.search(question, k))
        desk, norm = self.hall_desk(), index.pipeline.normalize(question)
        item_outcome = outcome
        stripped = desk.without_hall_names(norm) if outcome.status == "answered" else None
        if stripped is not None:  # the hall's name can match guides (their locations name it): ask without it
            item_outcome = index.search(stripped, k)
        hall_outcome = desk.answer(norm, item_outcome)
        if hall_outcome is not None:
            outcome = hall_outcome
        if log_unanswered:
            self._record(question, outcome.status)
        return outcome

    def hall_desk(self) -> HallDesk:
        """The hall-question desk for today, rebuilt when a hall, the holiday calendar or the day changes."""
        today = local_today()
        key = (self._halls_version, shared_versions.current("calendar"), today)
        desk = self._desk
        if desk is not None and desk[0] == key:
            return desk[1]
        calendar = workday_calendar()
        # the hall serving most items (the city centre) first: a question naming no hall is answered for it first
        halls = sorted(
            self.halls.values(), key=lambda h: (-sum(len(c["items"]) for c in h.get("categories") or ()), h["_id"])
        )
        rows = []
        for hall in halls:
            days = {}
            for offset in range(15):
                day = today + dt.timedelta(days=offset)
                try:
                    days[day.isoformat()] = open_periods(hall, day, calendar)
                except ScheduleUnknown:
                    break
            rows.append({**public_facts(hall), "opening": opening_of(hall), "days": days})
        built = HallDesk(rows, holiday_spans(calendar, today, 400), today)
        self._desk = (key, built)
        return built

    def _record(self, question: str, status: str) -> None:
        """One round trip: the day's counters and, if not answered, the unanswered list; a question
        new to that list is announced on the ``kb.unanswered`` live topic."""
        key = rkey("kb", "unanswered", status)
        text = mask_pii(question.strip())[:200]  # staff read these: no ID or phone numbers kept
        pipe = rds().pipeline(transaction=False)
        search_stats.record(pipe, text, status, local_today())
        if status != "answered":
            pipe.zincrby(key, 1, text)
            pipe.zremrangebyrank(key, 0, -UNANSWERED_KEEP - 1)  # keep the most frequent ones
        results = pipe.execute()
        if status != "answered" and float(results[-2]) == 1.0:
            publish_quietly(rds(), current_app.config["REDIS_PREFIX"], "kb.unanswered",
                            {"type": "new_question", "status": status, "message": "知识库有新的未答问题"})

    def unanswered(self, limit: int = 100) -> list[dict]:
        rows = []
        for status in ("unanswerable", "clarify"):
            for text, count in rds().zrevrange(rkey("kb", "unanswered", status), 0, limit - 1, withscores=True):
                rows.append({"question": text, "status": status, "count": int(count)})
        return sorted(rows, key=lambda r: -r["count"])[:limit]

    # -- writing ----------------------------------------------------------------------
    def publish(self, guide: dict) -> int:
        """Put a newly published edition into the shared snapshot; all workers follow."""
        hkey, _skey, _vkey = self._keys()
        return self._change_snapshot(lambda pipe: pipe.hset(hkey, mapping=_encoded([guide])))

    def publish_many(self, guides: list[dict]) -> int:
        """Many newly published editions (a catalogue import) in one snapshot change: one version
        bump, one index rebuild per worker."""
        hkey, _skey, _vkey = self._keys()
        return self._change_snapshot(lambda pipe: pipe.hset(hkey, mapping=_encoded(guides)))

    def set_synonyms(self, groups: list[dict]) -> int:
        _hkey, skey, _vkey = self._keys()
        return self._change_snapshot(lambda pipe: pipe.set(skey, json.dumps(groups, ensure_ascii=False)))

    def _change_snapshot(self, change: Callable) -> int:
        """Apply ``change`` to the snapshot with a version bump, reload, rewrite the dictionary."""
        self.refresh(force=True)  # make sure the snapshot exists before changing it
        pipe = rds().pipeline(transaction=True)
        change(pipe)
        pipe.incr(self._keys()[2])
        version = pipe.execute()[-1]
        self.refresh(force=True)
        self.write_dictionary()
        return int(version)

    def write_dictionary(self) -> Path:
        self.current()
        return write_dictionary(self._words, current_app.config["JIEBA_DICT_DIR"])

    def state(self) -> dict:
        if self.index is None:
            return {"ready": False, "version": None, "guides": 0}
        return {"ready": True, "version": self.version, "guides": len(self.index.guides),
                "passages": len(self.index.passages), "build_seconds": round(self.index.build_seconds, 3)}  # fmt: skip


def field_from_notes(index: KnowledgeIndex, question: str, outcome: Outcome) -> Outcome:
    """A question naming an item and a term only one of its notes uses ("护照可以加急吗": 加急 is in
    the time limit's note) asks about that note's field, not for an overview of the item."""
    if outcome.status != "answered" or outcome.field is not None or not outcome.results:
        return outcome
    top = outcome.results[0]
    guide = index.by_code.get(top.item_code)
    if guide is None or top.field is not None:  # a FAQ matched: it answers already
        return outcome
    pipeline = index.pipeline
    extra = set(pipeline.content_terms(pipeline.normalize(question))) - set(pipeline.text_terms(general_text(guide)))
    hits = [f for f, text in note_texts(guide).items() if extra & set(pipeline.text_terms(text))] if extra else []
    if len(hits) != 1:  # none, or a term several fields use: the overview stays
        return outcome
    result = Result(top.item_code, top.item_name, hits[0], compose(guide, hits[0]), top.score)
    return Outcome("answered", hits[0], [result, *outcome.results[1:]])


def read_halls() -> dict[str, dict]:
    """Every hall by id, without its windows (facts, opening, categories are what guides need)."""
    return {h["_id"]: h for h in mongo()["halls"].find({}, {"windows": 0})}


def seed_files_digest() -> str:
    """A digest of the files MongoDB is seeded from (guides, synonyms): tells whether they changed."""
    cfg = current_app.config
    digest = hashlib.sha1()
    for path in sorted(Path(cfg["GUIDES_DIR"]).glob("*.yaml")) + [Path(cfg["SYNONYMS_FILE"])]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _encoded(guides: list[dict]) -> dict[str, str]:
    """Snapshot hash fields: code → guide JSON."""
    return {g["code"]: json.dumps(g, ensure_ascii=False) for g in guides}


def init_app(app: Flask) -> None:
    app.extensions["kb"] = KnowledgeBase()


def knowledge_base() -> KnowledgeBase:
    return current_app.extensions["kb"]
