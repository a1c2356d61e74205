"""The whole pipeline on the local runtime, driven by real events: what `make run` does, checked end to end."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from config import load_config
from contracts.model import TABLES
from local.pipeline import DayResult, LocalPipeline

pytestmark = pytest.mark.slow

DAY_1, DAY_2 = date(2026, 11, 23), date(2026, 11, 24)


@dataclass
class Runs:
    day_1: DayResult
    day_2: DayResult
    counts_after_day_2: dict[str, int]
    core_after_day_2: dict[str, list[tuple]]
    rerun: DayResult
    core_after_rerun: dict[str, list[tuple]]
    state_dir: Path


def _core_rows(pipeline: LocalPipeline) -> dict[str, list[tuple]]:
    """Every final row without the lineage columns, which a re-run legitimately changes."""
    rows = {}
    for table in TABLES:
        columns = [c for c in table.column_names if c not in ("run_id", "source_file")]
        rows[table.name] = sorted(
            pipeline.warehouse.query(f"SELECT {', '.join(columns)} FROM core.{table.name}"), key=repr
        )
    return rows


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    # Given a fresh local state and a small catalog
    state_dir = tmp_path_factory.mktemp("local-state")
    config = load_config("local", overrides={"local": {"fake_spotify_size": 120}})
    log = state_dir / "logs" / "test.log"
    # When two consecutive days run, then the emulators stop
    with LocalPipeline(config, state_dir, log, first_day=DAY_1) as pipeline:
        day_1 = pipeline.run_day(DAY_1)
        day_2 = pipeline.run_day(DAY_2)
        counts = pipeline.warehouse.counts()
        core_after_day_2 = _core_rows(pipeline)
    # And the second day runs again after a restart from the saved state
    with LocalPipeline(config, state_dir, log, first_day=DAY_2) as pipeline:
        rerun = pipeline.run_day(DAY_2)
        core_after_rerun = _core_rows(pipeline)
    yield Runs(day_1, day_2, counts, core_after_day_2, rerun, core_after_rerun, state_dir)


def test_each_day_flows_from_the_schedule_to_the_warehouse(runs: Runs) -> None:
    for result in (runs.day_1, runs.day_2):
        assert result.extract["status"] == "complete"
        assert len(result.jobs) == 1, "the manifest's event starts exactly one transform"
        assert result.loads, "the processed files reached their pipes"
        assert [s.name for s in result.stages] == ["extract", "transform", "load"]


def test_every_model_table_reaches_the_warehouse(runs: Runs) -> None:
    for table in TABLES:
        assert runs.counts_after_day_2[f"core.{table.name}"] > 0, table.name


def test_what_the_transform_wrote_is_what_the_pipes_loaded(runs: Runs) -> None:
    for result in (runs.day_1, runs.day_2):
        written = {name: t["output"] for name, t in result.jobs[0].report["tables"].items()}
        loaded: dict[str, int] = {}
        for load in result.loads:
            loaded[load.table] = loaded.get(load.table, 0) + load.rows_loaded
        assert loaded == {name: rows for name, rows in written.items() if rows}


def test_plays_of_both_days_are_kept_once_each(runs: Runs) -> None:
    plays = runs.core_after_day_2["fact_play"]
    assert len(plays) == runs.counts_after_day_2["core.fact_play"]
    keys = [(row[0], row[1]) for row in plays]
    assert len(keys) == len(set(keys))
    assert {row[0].date() for row in plays} >= {DAY_1, DAY_2}


def test_the_second_day_continues_from_the_first_days_cursor(runs: Runs) -> None:
    first_cursor = runs.day_1.extract["cursors"]["recently_played_after"]
    assert first_cursor
    assert int(runs.day_2.extract["cursors"]["recently_played_after"]) > int(first_cursor)


def test_a_rerun_of_the_same_day_changes_no_final_row(runs: Runs) -> None:
    assert runs.rerun.extract["run_id"] != runs.day_2.extract["run_id"]
    assert runs.core_after_rerun == runs.core_after_day_2


def test_state_persists_as_plain_files(runs: Runs) -> None:
    buckets = sorted(p.name for p in (runs.state_dir / "s3").iterdir())
    assert len(buckets) == 2
    raw_manifests = list((runs.state_dir / "s3").glob("*-raw-*/spotify/ingest_date=*/run_id=*/_manifest.json"))
    assert len(raw_manifests) == 3
    assert list((runs.state_dir / "s3").glob("*-processed-*/model/fact_play/snapshot_date=*/run_id=*/*.parquet"))
