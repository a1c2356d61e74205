"""The contracts between stages hold together: layouts round-trip, manifests are checked, the model is sound."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.manifest import Manifest, ManifestError, ManifestFile
from contracts.model import LINEAGE, LOADED_TABLES, REPLACE_SNAPSHOT, table
from contracts.processed_zone import model_partition_prefix, table_of_model_key
from contracts.raw_zone import MANIFEST_NAME, RunLocation, Source, new_run_id

RUN_ID = "20261124T061500Z-0a1b2c3d"


def test_a_raw_key_tells_its_run() -> None:
    location = RunLocation(date(2026, 11, 24), RUN_ID)
    key = location.page_file_key(Source.PLAYLIST_ITEMS, 3)
    assert key == f"spotify/ingest_date=2026-11-24/run_id={RUN_ID}/playlist_items/part-00003.jsonl.gz"
    assert RunLocation.from_key(key) == location
    assert location.manifest_key.endswith("/" + MANIFEST_NAME)


def test_a_key_outside_the_layout_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'spotify/other.json' is not a raw-zone key"):
        RunLocation.from_key("spotify/other.json")
    with pytest.raises(ValueError, match="unknown raw source 'charts'"):
        RunLocation(date(2026, 11, 24), RUN_ID).page_file_key("charts", 0)


def test_run_ids_sort_by_start_time() -> None:
    assert new_run_id("20261124T061500Z", "0a1b2c3d") < new_run_id("20261124T071500Z", "00000000")
    with pytest.raises(ValueError):
        new_run_id("2026-11-24", "zz")


def test_a_manifest_round_trips() -> None:
    manifest = Manifest(
        run_id=RUN_ID,
        ingest_date="2026-11-24",
        started_at="2026-11-24T06:15:00Z",
        finished_at="2026-11-24T06:15:09Z",
        status="complete",
        api_mode="development",
        files=[ManifestFile("k", Source.SAVED_TRACKS, 2, 10, "ab")],
        calls={Source.SAVED_TRACKS: 2},
    )
    assert Manifest.from_json(manifest.to_json()) == manifest
    assert Manifest.from_json(manifest.to_json()).total_lines == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "m.json is not valid JSON"),
        ('{"manifest_version": 2}', "has manifest_version 2; this code reads 1"),
        ('{"manifest_version": 1}', "needs the string field 'run_id'"),
    ],
)
def test_a_bad_manifest_is_refused_with_its_name(text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        Manifest.from_json(text, where="m.json")


@pytest.mark.parametrize("model_table", LOADED_TABLES, ids=lambda t: t.name)
def test_every_table_is_keyed_and_carries_lineage(model_table) -> None:
    names = model_table.column_names
    assert len(names) == len(set(names)), "no column twice"
    assert set(model_table.key) <= set(names)
    assert all(not model_table.column(k).nullable for k in model_table.key)
    assert {c.name for c in LINEAGE} <= set(names)
    if model_table.merge == REPLACE_SNAPSHOT:
        assert model_table.snapshot_group and set(model_table.snapshot_group) < set(model_table.key)


def test_model_keys_tell_their_table() -> None:
    prefix = model_partition_prefix("fact_play", "2026-11-24", RUN_ID)
    assert table_of_model_key(prefix + "part-0.parquet") == "fact_play"
    with pytest.raises(KeyError, match="unknown model table 'plays'"):
        table("plays")
