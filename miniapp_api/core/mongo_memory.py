"""Thread-safe access to the in-memory mongomock store.

mongomock keeps documents in plain dicts and is not thread-safe: under gunicorn threads a find
iterating a collection while another request inserts raises "dictionary changed size during
iteration". With no MONGO_URI every call goes through one lock, and cursors are read to the end
under it. A real MongoDB server (pymongo) needs none of this.

mongomock also has no index of any kind: even ``{"_id": x}`` scans every document, so each step of
an appeal (read and write by ``_id``) costs O(collection). ``memory_client`` gives it the one index
every MongoDB collection has (``_id_lookups``): a filter naming ``_id`` by value (or ``$in`` a list of
one value) reads that document from mongomock's own dict and applies the rest of the filter to it.
And every update deep-copies the whole document first (a snapshot to compare with): ``copy.deepcopy``
of a document of nested counters (the appeal figures' day and month cells) was most of an appeal
step's time. ``_plain_copies`` gives mongomock a deep copy that walks dicts and lists itself and
shares the immutable values — the same result for documents, which hold no cycles or shared parts
(BSON cannot); anything else still goes to ``copy.deepcopy``.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import types
import uuid
from decimal import Decimal
from typing import Any

import mongomock
from bson import ObjectId
from mongomock import collection as mongomock_collection
from mongomock.collection import Cursor
from mongomock.command_cursor import CommandCursor
from mongomock.filtering import filter_applies

_LOCK = threading.RLock()


def _wrap(value: Any) -> Any:
    if isinstance(value, (mongomock.Database, mongomock.Collection, mongomock.MongoClient)):
        return LockedProxy(value)
    if isinstance(value, (Cursor, CommandCursor)):
        return LockedCursor(value)
    return value


class LockedProxy:
    """Forwards attribute access; every call runs under the store's lock."""

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_target", target)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return _wrap(attr)

        def call(*args, **kwargs):
            with _LOCK:
                return _wrap(attr(*args, **kwargs))

        return call

    def __getitem__(self, name: str) -> Any:
        with _LOCK:
            return _wrap(self._target[name])


class LockedCursor:
    """A cursor whose chained options apply lazily and whose rows are read under the lock."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self._rows: list | None = None

    def __getattr__(self, name: str) -> Any:  # sort, limit, skip ... return the cursor itself
        attr = getattr(self._cursor, name)

        def call(*args, **kwargs):
            with _LOCK:
                result = attr(*args, **kwargs)
            return self if result is self._cursor else result

        return call

    def _materialise(self) -> list:
        if self._rows is None:
            with _LOCK:
                self._rows = list(self._cursor)
        return self._rows

    def __iter__(self):
        return iter(self._materialise())

    def __next__(self):
        rows = self._materialise()
        if not rows:
            raise StopIteration
        return rows.pop(0)


def bulk_insert(collection: Any, docs: list[dict]) -> None:
    """Insert many documents into a collection of the in-memory store in O(n).

    mongomock re-checks every unique index by scanning the whole collection for each inserted
    document (O(n²): 2,262 imported editions took 110 s). Under the store's lock, the unique indexes
    are dropped, the documents inserted and the indexes created again, which checks uniqueness once
    with a set — a duplicate still raises DuplicateKeyError."""
    target = collection._target if isinstance(collection, LockedProxy) else collection
    with _LOCK:
        unique = {name: info for name, info in target.index_information().items() if info.get("unique")}
        for name in unique:
            target.drop_index(name)
        ids = target.insert_many(docs).inserted_ids
        try:
            for name, info in unique.items():
                target.create_index(info["key"], unique=True, name=name)
        except mongomock.DuplicateKeyError:
            target.delete_many({"_id": {"$in": ids}})  # all or nothing, as one insert_many with the checks
            for name, info in unique.items():
                target.create_index(info["key"], unique=True, name=name)
            raise


def _id_value(filter: Any) -> Any:
    """The one ``_id`` a filter pins (``{"_id": v}`` or ``{"_id": {"$in": [v]}}``), else None."""
    if not isinstance(filter, dict) or "_id" not in filter:
        return None
    key = filter["_id"]
    if isinstance(key, dict) and set(key) == {"$in"} and isinstance(key["$in"], list | tuple) and len(key["$in"]) == 1:
        key = key["$in"][0]
    # only plain values are dict keys the way mongomock stores them (no operator, regex or sub-document)
    return key if isinstance(key, str | int | ObjectId) and not isinstance(key, bool) else None


def _id_lookups() -> None:
    """Answer filters that pin one ``_id`` from the collection's dict (idempotent; mongomock only).

    Same result as the scan: at most the one document with that ``_id``, still checked against the
    whole filter. Filters naming several ``_id`` values keep the scan (its order is the store's)."""
    cls = mongomock_collection.Collection
    if getattr(cls, "_id_lookups", False):
        return
    scan = cls._iter_documents

    def _iter_documents(self, filter):
        key = _id_value(filter)
        if key is None:
            return scan(self, filter)
        doc = self._store[key] if key in self._store else None
        return iter((doc,) if doc is not None and filter_applies(filter, doc) else ())

    cls._iter_documents = _iter_documents
    cls._id_lookups = True


_IMMUTABLE = (str, int, float, bool, type(None), bytes, dt.datetime, dt.date, Decimal, uuid.UUID, ObjectId)


def plain_deepcopy(value: Any, memo: dict | None = None) -> Any:
    """``copy.deepcopy`` for documents: dicts and lists rebuilt, immutable leaves shared."""
    if isinstance(value, _IMMUTABLE):
        return value
    kind = type(value)
    if kind is dict:
        return {k: plain_deepcopy(v) for k, v in value.items()}
    if kind is list:
        return [plain_deepcopy(v) for v in value]
    return copy.deepcopy(value, memo)


def _plain_copies() -> None:
    """mongomock's collection module copies documents with ``plain_deepcopy`` (idempotent)."""
    if getattr(mongomock_collection.copy, "plain", False):
        return
    mongomock_collection.copy = types.SimpleNamespace(copy=copy.copy, deepcopy=plain_deepcopy, plain=True)


def memory_client() -> LockedProxy:
    _id_lookups()
    _plain_copies()
    return LockedProxy(mongomock.MongoClient(tz_aware=True))
