"""The job's output: one Parquet dataset per table and run, sized for Snowpipe, and a run report that accounts for
every record read."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from contracts.model import DIM_TRACK, TABLES
from contracts.processed_zone import PAGES_QUARANTINE
from transforms.output import rows_per_file, write_dataset

DOCUMENTED_DROPS = {"local_file", "removed_item", "duplicate_key"}


def test_the_run_report_accounts_for_every_record_read(backfill):
    for run in (backfill.development, backfill.extended):
        report = backfill.processed.report(run)
        assert (report["run_id"], report["ingest_date"], report["status"]) == (run.run_id, run.ingest_date, "complete")
        for table in TABLES:
            counts = report["tables"][table.name]
            # nothing disappears: every record read is written, quarantined or dropped for a documented reason
            assert counts["input"] == counts["output"] + counts["quarantined"] + sum(counts["dropped"].values())
            assert set(counts["dropped"]) <= DOCUMENTED_DROPS
            # and the report says what the files hold
            assert counts["output"] == len(backfill.processed.rows(table.name, run))
            assert counts["quarantined"] == len(backfill.processed.quarantine(table.name, run))
            assert counts["quarantined"] == sum(counts["quarantine_rules"].values())
        pages = report["pages"]
        assert pages["read"] == sum(len(lines) for lines in run.lines.values())
        assert pages["malformed"] == len(backfill.processed.quarantine(PAGES_QUARANTINE, run))


def test_the_run_report_counts_each_outcome_of_a_table(backfill):
    # Given the development day: 13 track occurrences, among them 1 local file and 1 track of zero duration
    report = backfill.processed.report(backfill.development)

    assert report["tables"]["dim_track"] == {
        "input": 13,
        "output": 3,
        "quarantined": 1,
        "quarantine_rules": {"duration_ms_positive": 1},
        "dropped": {"duplicate_key": 8, "local_file": 1},
    }
    assert report["tables"]["fact_playlist_item"]["dropped"] == {"local_file": 1, "removed_item": 1}
    # The development run's 13 pages, its MusicBrainz answer among them
    assert report["pages"] == {"read": 13, "malformed": 1, "quarantine_rules": {"malformed_response": 1}}
    assert (report["extraction_status"], report["api_mode"]) == ("complete", "development")


def test_a_daily_run_writes_one_file_per_table_and_no_marker_files(backfill):
    for run in (backfill.development, backfill.extended):
        for table in TABLES:
            directory = backfill.processed.model_dir(table.name, run)
            if not backfill.processed.rows(table.name, run):
                assert not directory.exists()  # no rows, no dataset for a pipe to load
                continue
            assert [p.suffix for p in directory.iterdir() if not p.name.startswith(".")] == [".parquet"]


def test_a_partition_beyond_the_target_size_is_split_into_several_files(spark, tmp_path: Path):
    # Given 5 rows and a target of 2 rows per file
    frame = spark.createDataFrame([(n,) for n in range(5)], "n int")

    write_dataset(frame, str(tmp_path / "dataset"), rows=5, per_file=2, order=("n",))

    files = sorted((tmp_path / "dataset").glob("*.parquet"))
    assert [pq.read_metadata(f).num_rows for f in files] == [2, 2, 1]
    # at the real target, a daily run's tables are far below one file's worth of rows
    assert rows_per_file(DIM_TRACK) > 500_000


def test_a_dataset_without_rows_removes_what_an_earlier_attempt_wrote(spark, tmp_path: Path):
    stale = tmp_path / "quarantine" / "dim_track"
    stale.mkdir(parents=True)
    (stale / "part-00000.parquet").write_bytes(b"PAR1")

    write_dataset(spark.createDataFrame([], "n int"), str(stale), rows=0, per_file=10, order=("n",))

    assert not stale.exists()


def test_the_run_report_counts_the_gaps_and_captures_its_manifest_carries():
    from contracts.manifest import CaptureRef, Manifest, PlayGap
    from transforms.inputs import RunInput
    from transforms.output import OutcomeCounts, run_report

    key = "spotify/ingest_date=2026-11-28/run_id=20261128T061500Z-0a1b2c3d/_manifest.json"
    gap = PlayGap(
        "recently_played", "2026-11-27T23:10:00.000Z", "2026-11-28T09:12:00.000Z", "20261128T061500Z-0a1b2c3d"
    )
    capture = CaptureRef("20261128T103000Z-00aa11bb", "spotify/captures/x/_capture.json")
    manifest = Manifest(
        "20261128T061500Z-0a1b2c3d", "2026-11-28", "t0", "t1", "complete", "development", gaps=[gap], captures=[capture]
    )

    report = run_report(RunInput.locate(f"/stage/raw/{key}", manifest), OutcomeCounts())

    assert report["captures"] == 1
    assert report["play_gaps"] == {
        "count": 1,
        "gaps": [
            {
                "source": "recently_played",
                "gap_from": "2026-11-27T23:10:00.000Z",
                "gap_to": "2026-11-28T09:12:00.000Z",
                "detected_by": "20261128T061500Z-0a1b2c3d",
            }
        ],
    }
