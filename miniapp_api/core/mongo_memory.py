"""Thread-safe access to the in-memory mongomock store.

mongomock keeps documents in plain dicts and is not thread-safe: under gunicorn threads a find
iterating a collection while another request inserts raises "dictionary changed size during
iteration". With no MONGO_URI every call goes through one lock, and cursors are read to the end
under it. A real MongoDB server (pymongo) needs none of this.
"""

from __future__ import annotations

import threading
from typing import Any

import mongomock
from mongomock.collection import Cursor
from mongomock.command_cursor import CommandCursor

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


def memory_client() -> LockedProxy:
    return LockedProxy(mongomock.MongoClient(tz_aware=True))
