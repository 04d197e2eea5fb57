"""The specs part of the store contract, run on both engines."""
from __future__ import annotations

import asyncio

import pytest

from store import DuplicateKeyError, Store
from store.records import SpecRecord
from store.repositories.datasets import DeleteOutcome
from store.repositories.specs import spec_content_hash
from tests.datasets.test_store_contract import _use_in_task

SCHEMA = {"category": [{"name": "car", "color": "green", "properties": []}], "default": "car"}


def _spec(spec_id: str, schema: object = SCHEMA, settings: object = None,
          plugin: str = "rectangle") -> SpecRecord:
    spec: SpecRecord = {"id": spec_id, "plugin_name": plugin, "data_type": "image",
                        "label_schema": schema}
    if settings is not None:
        spec["settings"] = settings
    return spec


def test_content_hash_ignores_id_and_key_order_but_not_content() -> None:
    reordered = {"default": "car", "category": [{"properties": [], "color": "green", "name": "car"}]}
    assert spec_content_hash(_spec("a")) == spec_content_hash(_spec("b", reordered))
    assert spec_content_hash(_spec("a")) != spec_content_hash(_spec("a", {**SCHEMA, "default": "x"}))
    assert spec_content_hash(_spec("a")) != spec_content_hash(_spec("a", settings={"k": 1}))
    assert spec_content_hash(_spec("a")) != spec_content_hash(_spec("a", plugin="polygon"))


async def test_create_get_list(store: Store) -> None:
    for spec_id in ("s2", "s1", "s3"):
        await store.create_spec(_spec(spec_id, settings={"n": spec_id}))
    assert await store.get_spec("s1") == _spec("s1", settings={"n": "s1"})
    assert await store.get_spec("nope") is None
    assert [s["id"] for s in await store.list_specs()] == ["s2", "s1", "s3"]  # oldest first
    assert await store.get_specs(["s3", "nope", "s2"]) == [
        _spec("s3", settings={"n": "s3"}), None, _spec("s2", settings={"n": "s2"})]
    with pytest.raises(DuplicateKeyError):
        await store.create_spec(_spec("s1", {"other": True}))
    assert await store.get_spec("s1") == _spec("s1", settings={"n": "s1"})


async def test_find_equal_and_get_or_create(store: Store) -> None:
    await store.create_spec(_spec("s1"))
    await store.create_spec(_spec("s2", settings={"x": 1}))
    reordered = {"default": "car", "category": [{"properties": [], "color": "green", "name": "car"}]}
    assert (await store.find_equal_spec(_spec("any", reordered)))["id"] == "s1"
    assert (await store.find_equal_spec(_spec("any", settings={"x": 1})))["id"] == "s2"
    assert await store.find_equal_spec(_spec("any", settings={"x": 2})) is None

    spec, created = await store.get_or_create_spec(_spec("s9", reordered))
    assert (spec, created) == (_spec("s1"), False)
    spec, created = await store.get_or_create_spec(_spec("s9", settings={"x": 2}))
    assert (spec, created) == (_spec("s9", settings={"x": 2}), True)
    assert await store.get_spec("s9") == _spec("s9", settings={"x": 2})


async def test_concurrent_get_or_create_makes_one_spec(store: Store) -> None:
    results = await asyncio.gather(*(store.get_or_create_spec(_spec(f"s{n}")) for n in range(10)))
    assert sum(created for _, created in results) == 1
    assert len({spec["id"] for spec, _ in results}) == 1
    assert len(await store.list_specs()) == 1


async def test_update_replaces_schema_and_settings_and_rehashes(store: Store) -> None:
    await store.create_spec(_spec("s1", settings={"old": True}))
    new_schema = {"category": [], "default": ""}
    updated = await store.update_spec("s1", new_schema, {"new": True})
    assert updated == _spec("s1", new_schema, {"new": True})
    assert await store.get_spec("s1") == updated
    assert (await store.find_equal_spec(_spec("x", new_schema, {"new": True})))["id"] == "s1"
    assert await store.find_equal_spec(_spec("x", settings={"old": True})) is None
    assert await store.update_spec("s1", SCHEMA, None) == _spec("s1")
    assert (await store.find_equal_spec(_spec("x")))["id"] == "s1"
    assert await store.update_spec("nope", SCHEMA, None) is None


async def test_delete(store: Store) -> None:
    await store.create_spec(_spec("s1"))
    await store.create_spec(_spec("s2"))
    assert await store.delete_spec("s1") == DeleteOutcome.DELETED
    assert await store.delete_spec("s1") == DeleteOutcome.NOT_FOUND
    assert await store.get_spec("s1") is None
    assert await store.find_equal_spec(_spec("x")) == _spec("s2")
    await _use_in_task(store, spec_id="s2")
    assert await store.delete_spec("s2") == DeleteOutcome.IN_USE
    assert await store.get_spec("s2") == _spec("s2")
