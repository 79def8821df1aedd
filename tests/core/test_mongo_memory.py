"""The in-memory store's lookups by ``_id`` and its document copies give the results mongomock's scan
and ``copy.deepcopy`` give."""

from __future__ import annotations

import datetime as dt

import mongomock
from bson import ObjectId

from miniapp_api.core.mongo_memory import memory_client, plain_deepcopy


def _collection():
    col = memory_client()["t"]["docs"]
    col.insert_many([{"_id": f"A{i}", "n": i, "odd": bool(i % 2)} for i in range(50)])
    return col


def test_filters_naming_one_id_find_that_document_and_apply_the_rest():
    col = _collection()
    assert col.find_one({"_id": "A7"})["n"] == 7
    assert col.find_one({"_id": "A7", "odd": False}) is None  # the rest of the filter still applies
    assert col.find_one({"_id": "missing"}) is None
    assert col.count_documents({"_id": {"$in": ["A5"]}}) == 1
    assert [d["_id"] for d in col.find({"_id": {"$in": ["A3", "A1"]}})] == ["A1", "A3"]  # several: the scan
    assert [d["_id"] for d in col.find({"_id": {"$gte": "A8"}})] == ["A8", "A9"]  # operators: the scan


def test_conditional_updates_by_id_match_only_the_right_version():
    col = _collection()
    assert col.update_one({"_id": "A8", "n": 8}, {"$set": {"n": 80}}).modified_count == 1
    assert col.update_one({"_id": "A8", "n": 8}, {"$set": {"n": 81}}).modified_count == 0  # a stale version
    assert col.find_one({"_id": "A8"})["n"] == 80
    col.update_one({"_id": "new"}, {"$inc": {"cells.k.received": 1}}, upsert=True)
    col.update_one({"_id": "new"}, {"$inc": {"cells.k.received": 2}}, upsert=True)
    assert col.find_one({"_id": "new"})["cells"] == {"k": {"received": 3}}


def test_object_ids_are_looked_up_too():
    col = memory_client()["t"]["oids"]
    oid = col.insert_one({"x": 1}).inserted_id
    assert isinstance(oid, ObjectId) and col.find_one({"_id": oid})["x"] == 1


def test_documents_read_are_copies_the_caller_may_change():
    col = memory_client()["t"]["copies"]
    col.insert_one({"_id": 1, "nested": {"list": [1, {"a": 2}]}})
    doc = col.find_one({"_id": 1})
    doc["nested"]["list"][1]["a"] = 99
    assert col.find_one({"_id": 1})["nested"]["list"][1]["a"] == 2


def test_plain_deepcopy_copies_containers_and_shares_immutable_leaves():
    when = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    value = {"a": [1, {"b": when}], "t": (1, [2]), "s": "x"}
    copied = plain_deepcopy(value)
    assert copied == value and copied is not value
    assert copied["a"] is not value["a"] and copied["a"][1] is not value["a"][1] and copied["a"][1]["b"] is when
    assert copied["t"][1] is not value["t"][1]  # other types: copy.deepcopy


def test_the_store_is_still_mongomock():
    assert isinstance(memory_client()._target, mongomock.MongoClient)
