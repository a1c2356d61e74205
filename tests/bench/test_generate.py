"""The benchmark's data generator: its runs are what the Glue job accepts, in either API shape, the same bytes for
the same seed. (Benchmarks themselves are not tested: they measure time.)"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from bench.generate import generate_run
from contracts.manifest import Manifest
from contracts.raw_zone import Source
from transforms.inputs import RunInput, read_verified_pages

ITEMS = 400


def manifest_of(run_path: Path) -> Manifest:
    return Manifest.from_json(run_path.read_text(encoding="utf-8"), where=str(run_path))


def lines_of(root: Path, manifest: Manifest, source: str) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for f in manifest.files
        if f.source == source
        for line in gzip.decompress((root / f.key).read_bytes()).decode("utf-8").splitlines()
    ]


@pytest.mark.parametrize("api_mode", ["development", "extended"])
def test_a_generated_run_passes_the_glue_jobs_input_checks(spark: SparkSession, tmp_path: Path, api_mode: str) -> None:
    # Given a small generated run
    run = generate_run(tmp_path / "raw", ITEMS, seed=3, api_mode=api_mode)
    manifest = manifest_of(run.manifest_path)
    # When the job's input reader checks every file against the manifest (sizes, sha256, line counts) and parses it
    pages = read_verified_pages(spark, [RunInput.locate(str(run.manifest_path), manifest)])
    # Then every line is read, as a good page of the source its file is listed under
    assert pages.count() == manifest.total_lines == sum(run.pages.values())
    assert pages.where(F.col("page_rule").isNotNull()).count() == 0
    assert {f.source for f in manifest.files} >= {
        Source.PLAYLISTS,
        Source.PLAYLIST_ITEMS,
        Source.ARTISTS,
        Source.ALBUMS,
    }
    pages.unpersist()
    # and the run holds about the playlist items asked for (the catalog's daily playlist changes move it a little)
    assert abs(run.playlist_items - ITEMS) <= ITEMS * 0.1


def test_each_api_mode_writes_its_own_shapes(tmp_path: Path) -> None:
    development = generate_run(tmp_path / "dev", ITEMS, seed=3, api_mode="development")
    extended = generate_run(tmp_path / "ext", ITEMS, seed=3, api_mode="extended")
    dev_manifest, ext_manifest = manifest_of(development.manifest_path), manifest_of(extended.manifest_path)
    dev_items = lines_of(tmp_path / "dev", dev_manifest, Source.PLAYLIST_ITEMS)
    ext_items = lines_of(tmp_path / "ext", ext_manifest, Source.PLAYLIST_ITEMS)
    # Development mode (2026): /items pages of 50 with `item`, one artist per call, no popularity
    assert {line["request"]["endpoint"] for line in dev_items} == {"/v1/playlists/{playlist_id}/items"}
    assert all("item" in entry and "track" not in entry for line in dev_items for entry in line["response"]["items"])
    dev_artists = lines_of(tmp_path / "dev", dev_manifest, Source.ARTISTS)
    assert all(line["entity_id"] and "popularity" not in line["response"] for line in dev_artists)
    # Extended mode: the legacy /tracks pages of 100 with `track`, artists in batches of 50 with popularity
    assert {line["request"]["endpoint"] for line in ext_items} == {"/v1/playlists/{playlist_id}/tracks"}
    assert all("track" in entry for line in ext_items for entry in line["response"]["items"])
    ext_artists = lines_of(tmp_path / "ext", ext_manifest, Source.ARTISTS)
    assert all(len(line["response"]["artists"]) <= 50 for line in ext_artists)
    assert all("popularity" in artist for line in ext_artists for artist in line["response"]["artists"])
    # and the manifest records each mode's calls, every one of them the fewest the mode allows
    assert dev_manifest.calls == dev_manifest.min_calls and ext_manifest.calls == ext_manifest.min_calls
    assert sum(dev_manifest.calls.values()) > sum(ext_manifest.calls.values())


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_data(tmp_path: Path) -> None:
    first = generate_run(tmp_path / "first", ITEMS, seed=11)
    again = generate_run(tmp_path / "again", ITEMS, seed=11)
    other = generate_run(tmp_path / "other", ITEMS, seed=12)
    assert first.manifest_path.read_bytes() == again.manifest_path.read_bytes()
    for listed in manifest_of(first.manifest_path).files:
        assert (tmp_path / "first" / listed.key).read_bytes() == (tmp_path / "again" / listed.key).read_bytes()
    first_sums = {f.sha256 for f in manifest_of(first.manifest_path).files}
    assert first_sums.isdisjoint(f.sha256 for f in manifest_of(other.manifest_path).files)


def test_an_unknown_api_mode_is_refused_with_the_modes_to_use(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="use one of: development, extended"):
        generate_run(tmp_path, ITEMS, api_mode="premium")
