"""The run-quality datasets: the run report's counts and the manifest's facts as rows the warehouse loads, one file
per table and run, replaced (never added to) by a re-run."""

from __future__ import annotations

import datetime
from collections import defaultdict

import pyarrow.parquet as pq

from contracts.manifest import CaptureRef, EntityError, Fallback, Manifest, NotFound, PendingWork, PlayGap
from contracts.model import RUN_EXTRACTION, RUN_EXTRACTION_ISSUE, RUN_QUALITY_TABLES, RUN_TABLE_OUTCOME, TABLES
from contracts.processed_zone import PAGES_QUARANTINE
from transforms.inputs import RunInput
from transforms.output import OutcomeCounts
from transforms.run_quality import extraction_issue_rows, extraction_row, run_quality_rows, write_run_quality

RUN_ID = "20261124T061500Z-0a1b2c3d"
MANIFEST_KEY = f"spotify/ingest_date=2026-11-24/run_id={RUN_ID}/_manifest.json"
TRANSFORMED_AT = datetime.datetime(2026, 11, 24, 6, 20, tzinfo=datetime.UTC)


def partial_manifest() -> Manifest:
    """A partial run with one of every issue a manifest records (two play gaps)."""
    return Manifest(
        run_id=RUN_ID,
        ingest_date="2026-11-24",
        started_at="2026-11-24T06:15:00.120Z",
        finished_at="2026-11-24T06:29:00Z",
        status="partial",
        api_mode="development",
        calls={"recently_played": 2, "playlist_items": 5},
        min_calls={"recently_played": 2, "playlist_items": 4},
        errors=[EntityError("playlist_items", "pl_gone", 404, "Not found")],
        fallbacks=[Fallback("/v1/artists", 403, "/v1/artists/{id}")],
        pending=[PendingWork("albums", "alb_1"), PendingWork("albums", "alb_2")],
        captures=[CaptureRef("c1", "spotify/captures/capture_date=2026-11-24/capture_id=c1/_capture.json")],
        gaps=[
            PlayGap("recently_played", None, "2026-11-23T20:00:00.500Z", "first-read"),
            PlayGap("recently_played", "2026-11-24T01:00:00Z", "2026-11-24T03:00:00Z", "c1"),
        ],
        not_found=[NotFound("musicbrainz_recordings", "USAAA0000001")],
    )


def test_the_manifest_facts_become_one_run_row_and_one_row_per_issue() -> None:
    manifest = partial_manifest()

    run = extraction_row(manifest)
    issues = extraction_issue_rows(manifest)

    assert run == {
        "extraction_status": "partial",
        "api_mode": "development",
        "started_at": datetime.datetime(2026, 11, 24, 6, 15, 0, 120000, tzinfo=datetime.UTC),
        "finished_at": datetime.datetime(2026, 11, 24, 6, 29, tzinfo=datetime.UTC),
        "raw_files": 0,
        "api_calls": 7,
        "min_api_calls": 6,
        "captures": 1,
        "entity_errors": 1,
        "fallbacks": 1,
        "pending_items": 2,
        "play_gaps": 2,
        "not_found": 1,
    }
    assert [(i["issue_type"], i["issue_number"]) for i in issues] == [
        ("entity_error", 0),
        ("fallback", 0),
        ("pending", 0),
        ("pending", 1),
        ("play_gap", 0),
        ("play_gap", 1),
        ("not_found", 0),
    ]
    error, fallback = issues[0], issues[1]
    assert (error["source"], error["entity_id"], error["http_status"], error["detail"]) == (
        "playlist_items",
        "pl_gone",
        404,
        "Not found",
    )
    assert (fallback["source"], fallback["http_status"], fallback["detail"]) == ("/v1/artists", 403, "/v1/artists/{id}")
    first_read, from_capture = issues[4], issues[5]
    assert first_read["gap_from"] is None  # the very first read: everything before gap_to is out of reach
    assert first_read["gap_to"] == datetime.datetime(2026, 11, 23, 20, 0, 0, 500000, tzinfo=datetime.UTC)
    assert (from_capture["detail"], from_capture["gap_from"].hour, from_capture["gap_to"].hour) == ("c1", 1, 3)


def test_every_row_carries_the_runs_lineage_and_the_transforms_start() -> None:
    counts = OutcomeCounts()
    counts.add("dim_track", "output", None, 3)
    run = RunInput("/raw/" + MANIFEST_KEY, partial_manifest(), "/raw/")

    rows = run_quality_rows(run, counts, TRANSFORMED_AT)

    assert set(rows) == {t.name for t in RUN_QUALITY_TABLES}
    for table in RUN_QUALITY_TABLES:
        for row in rows[table.name]:
            assert list(row) == list(table.column_names), table.name
            assert row["run_id"] == RUN_ID
            assert row["ingest_date"] == datetime.date(2026, 11, 24)
            assert row["source_file"] == MANIFEST_KEY
            assert row["transformed_at"] == TRANSFORMED_AT
    assert [(r["table_name"], r["outcome"], r["reason"], r["row_count"]) for r in rows["run_table_outcome"]] == [
        ("dim_track", "output", "kept", 3)
    ]


def _outcomes_by_table(rows: list[dict]) -> dict[str, dict]:
    """The run_table_outcome rows folded back into the run report's shape."""
    tables: dict[str, dict] = defaultdict(
        lambda: {"input": 0, "output": 0, "quarantined": 0, "dropped": {}, "rules": {}}
    )
    for row in rows:
        table = tables[row["table_name"]]
        table["input"] += row["row_count"]
        if row["outcome"] == "output":
            table["output"] += row["row_count"]
        elif row["outcome"] == "quarantined":
            table["quarantined"] += row["row_count"]
            table["rules"][row["reason"]] = row["row_count"]
        else:
            table["dropped"][row["reason"]] = row["row_count"]
    return tables


def test_the_datasets_hold_what_the_run_report_says(backfill) -> None:
    for run in (backfill.development, backfill.extended):
        report = backfill.processed.report(run)

        outcomes = _outcomes_by_table(backfill.processed.rows(RUN_TABLE_OUTCOME.name, run))
        [extraction] = backfill.processed.rows(RUN_EXTRACTION.name, run)

        for table in TABLES:
            expected = report["tables"][table.name]
            got = outcomes.get(table.name, {"input": 0, "output": 0, "quarantined": 0, "dropped": {}, "rules": {}})
            assert (got["input"], got["output"], got["quarantined"]) == (
                expected["input"],
                expected["output"],
                expected["quarantined"],
            ), table.name
            assert got["dropped"] == expected["dropped"], table.name
            assert got["rules"] == expected["quarantine_rules"], table.name
        pages = outcomes[PAGES_QUARANTINE]
        assert (pages["input"], pages["quarantined"]) == (report["pages"]["read"], report["pages"]["malformed"])
        assert pages["rules"] == report["pages"]["quarantine_rules"]
        assert extraction["extraction_status"] == report["extraction_status"]
        assert extraction["source_file"] == run.location.manifest_key
        # a run without errors, gaps or fallbacks has no issue rows, so no dataset
        assert backfill.processed.rows(RUN_EXTRACTION_ISSUE.name, run) == []


def test_a_rerun_replaces_the_runs_datasets(spark, tmp_path) -> None:
    run = RunInput("/raw/" + MANIFEST_KEY, partial_manifest(), "/raw/")
    counts = OutcomeCounts()
    counts.add("dim_track", "output", None, 3)
    counts.add("dim_track", "quarantined", "duration_ms_positive", 1)
    write_run_quality(spark, [run], {RUN_ID: counts}, str(tmp_path), TRANSFORMED_AT)
    later = TRANSFORMED_AT + datetime.timedelta(hours=1)

    written = write_run_quality(spark, [run], {RUN_ID: counts}, str(tmp_path), later)

    assert written == {RUN_ID: {"run_table_outcome": 2, "run_extraction": 1, "run_extraction_issue": 7}}
    for table in RUN_QUALITY_TABLES:
        directory = tmp_path / "model" / table.name / "snapshot_date=2026-11-24" / f"run_id={RUN_ID}"
        files = [p for p in directory.iterdir() if p.suffix == ".parquet"]
        assert len(files) == 1, table.name  # one file per table and run: one load for its pipe
        rows = pq.read_table(directory).to_pylist()
        assert len(rows) == written[RUN_ID][table.name], table.name
        assert {r["transformed_at"] for r in rows} == {later}, table.name
