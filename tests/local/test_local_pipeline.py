"""The whole pipeline on the local runtime, driven by real events: what `make run` does, checked end to end."""

from __future__ import annotations

import pytest
from daily_runs import DAY_1, DAY_2, DailyRuns

from contracts.model import TABLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(daily_runs: DailyRuns) -> DailyRuns:
    # Given a fresh local state and a small catalog; when two consecutive days run, the emulators stop, and the
    # second day runs again after a restart from the saved state (tests/daily_runs.py, shared by the session)
    return daily_runs


def test_each_day_flows_from_the_schedule_to_the_warehouse(runs: DailyRuns) -> None:
    for result in (runs.day_1, runs.day_2):
        assert result.extract["status"] == "complete"
        assert len(result.jobs) == 1, "the manifest's event starts exactly one transform"
        assert result.loads, "the processed files reached their pipes"
        assert [s.name for s in result.stages] == ["extract", "transform", "load"]


def test_every_model_table_reaches_the_warehouse(runs: DailyRuns) -> None:
    for table in TABLES:
        assert runs.counts_after_day_2[f"core.{table.name}"] > 0, table.name


def test_what_the_transform_wrote_is_what_the_pipes_loaded(runs: DailyRuns) -> None:
    for result in (runs.day_1, runs.day_2):
        written = {name: t["output"] for name, t in result.jobs[0].report["tables"].items()}
        loaded: dict[str, int] = {}
        for load in result.loads:
            loaded[load.table] = loaded.get(load.table, 0) + load.rows_loaded
        model = {name: rows for name, rows in loaded.items() if name in written}
        assert model == {name: rows for name, rows in written.items() if rows}
        # and beside the model, the run's quality facts: its report's counts and its manifest's status
        assert loaded["run_extraction"] == 1
        assert loaded["run_table_outcome"] >= len(model)  # at least each table's output row


def test_plays_of_both_days_are_kept_once_each(runs: DailyRuns) -> None:
    plays = runs.core_after_day_2["fact_play"]
    assert len(plays) == runs.counts_after_day_2["core.fact_play"]
    keys = [(row[0], row[1]) for row in plays]
    assert len(keys) == len(set(keys))
    assert {row[0].date() for row in plays} >= {DAY_1, DAY_2}


def test_the_second_day_continues_from_the_first_days_cursor(runs: DailyRuns) -> None:
    first_cursor = runs.day_1.extract["cursors"]["recently_played_after"]
    assert first_cursor
    assert int(runs.day_2.extract["cursors"]["recently_played_after"]) > int(first_cursor)


def test_a_rerun_of_the_same_day_changes_no_final_row(runs: DailyRuns) -> None:
    assert runs.rerun.extract["run_id"] != runs.day_2.extract["run_id"]
    assert runs.core_after_rerun == runs.core_after_day_2


def test_state_persists_as_plain_files(runs: DailyRuns) -> None:
    buckets = sorted(p.name for p in (runs.state_dir / "s3").iterdir())
    assert len(buckets) == 2
    raw_manifests = list((runs.state_dir / "s3").glob("*-raw-*/spotify/ingest_date=*/run_id=*/_manifest.json"))
    assert len(raw_manifests) == 3
    assert list((runs.state_dir / "s3").glob("*-processed-*/model/fact_play/snapshot_date=*/run_id=*/*.parquet"))


def test_credits_the_catalog_changed_leave_one_main_artist_per_track_and_album(runs: DailyRuns) -> None:
    def main_artists(rows: list[tuple]) -> dict[str, list[str]]:
        mains: dict[str, list[str]] = {}
        for owner, artist, position, *_ in rows:
            if position == 0:
                mains.setdefault(owner, []).append(artist)
        return mains

    day_1 = main_artists(runs.core_after_day_1["bridge_track_artist"])
    day_2 = main_artists(runs.core_after_day_2["bridge_track_artist"])
    # The fake catalog re-credited some tracks between the days, and the day-2 run read some of them again
    assert [t for t in day_1.keys() & day_2.keys() if day_1[t] != day_2[t]]
    # Each track and album still has exactly one main artist: no play is counted under two
    assert all(len(artists) == 1 for artists in day_2.values())
    assert all(len(a) == 1 for a in main_artists(runs.core_after_day_2["bridge_album_artist"]).values())
