"""The Glue entry script: arguments, the run end to end, idempotency, and one clear line on bad input."""

from __future__ import annotations

import sys
import types
from datetime import date
from pathlib import Path

import boto3
import pytest
from transform_fixtures import Processed, RawRun, development_run, extended_run, top_artists_page

from contracts.model import TABLES
from transforms.inputs import JobInputError
from transforms.job import job_arguments, list_manifests, main, manifest_uris, read_text, write_text


def _snapshot(processed: Processed, runs: list[RawRun]) -> tuple[dict, dict, dict]:
    """Every table's rows and file names per run, and the run reports."""
    rows, files, reports = {}, {}, {}
    for run in runs:
        for table in TABLES:
            directory = processed.model_dir(table.name, run)
            files[run.run_id, table.name] = sorted(p.name for p in directory.glob("*.parquet"))
            rows[run.run_id, table.name] = sorted(processed.rows(table.name, run), key=repr)
        reports[run.run_id] = processed.report(run)
    return rows, files, reports


def test_the_job_writes_each_manifest_to_its_own_partitions_and_a_report_per_run(backfill):
    assert backfill.exit_status == 0
    for run in (backfill.development, backfill.extended):
        assert backfill.processed.report(run)["manifest"] == str(run.manifest_path)
        assert backfill.processed.model_dir("dim_track", run).is_dir()


def test_a_repeated_job_replaces_its_own_output_and_never_duplicates(spark, backfill):
    # Given the backfill's output
    runs = [backfill.development, backfill.extended]
    rows, files, reports = _snapshot(backfill.processed, runs)

    # When the same job runs again (a retry)
    assert main(backfill.arguments, spark=spark) == 0

    # Then every table holds the same rows, in new files that replaced the old ones, and the reports agree
    rows_again, files_again, reports_again = _snapshot(backfill.processed, runs)
    assert rows_again == rows
    assert reports_again == reports
    for partition, names in files.items():
        assert len(files_again[partition]) == len(names) <= 1, partition
        assert not names or files_again[partition] != names, f"{partition} was not rewritten"


def _bad_input(capsys, arguments: list[str]) -> str:
    assert main(["spotify_transform.py", "--JOB_NAME", "test", *arguments]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1, error
    return error


def test_a_missing_manifest_stops_the_job_with_one_line(capsys, tmp_path: Path):
    missing = tmp_path / "raw" / "spotify" / "nope" / "_manifest.json"

    error = _bad_input(capsys, ["--manifest_uri", str(missing), "--processed_uri", str(tmp_path / "processed")])

    assert f"{missing} does not exist" in error
    assert not (tmp_path / "processed").exists()


def test_an_invalid_manifest_stops_the_job_with_one_line(capsys, raw_run):
    raw_run.page("top_artists", top_artists_page("Björk"))
    manifest = raw_run.write()
    manifest.write_text('{"manifest_version": 1, "run_id": "x"', encoding="utf-8")

    error = _bad_input(capsys, ["--manifest_uri", str(manifest), "--processed_uri", "unused"])

    assert f"{manifest} is not valid JSON" in error


def test_a_raw_file_that_disagrees_with_its_manifest_stops_the_job_before_any_output(capsys, spark, raw_run, tmp_path):
    raw_run.page("top_artists", top_artists_page("Björk"))
    manifest = raw_run.write()
    page_file = raw_run.root / raw_run.location.page_file_key("top_artists", 0)
    page_file.write_bytes(page_file.read_bytes() + b"\n")
    processed = tmp_path / "processed"

    assert main(["x", "--manifest_uri", str(manifest), "--processed_uri", str(processed)], spark=spark) == 2

    error = capsys.readouterr().err
    assert "top_artists/part-00000.jsonl.gz has" in error and error.count("\n") == 1
    assert not processed.exists()


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--processed_uri", "p"], "give either --manifest_uri"),
        (["--manifest_uri", "m", "--manifest_prefix", "r", "--processed_uri", "p"], "give either --manifest_uri"),
        (["--manifest_prefix", "r", "--from_date", "2026-11-24", "--processed_uri", "p"], "needs --to_date"),
        (
            ["--manifest_prefix", "r", "--from_date", "24.11.2026", "--to_date", "x", "--processed_uri", "p"],
            "YYYY-MM-DD",
        ),
        (["--manifest_uri", "m"], "--processed_uri"),
    ],
)
def test_wrong_arguments_stop_the_job_with_one_line(capsys, arguments, expected):
    assert expected in _bad_input(capsys, arguments)


def test_a_backfill_takes_every_run_of_each_day_under_the_raw_root(tmp_path: Path):
    # Given two days of runs under a local mirror of the raw bucket
    development, extended = development_run(tmp_path), extended_run(tmp_path)
    development.write(), extended.write()

    # When a date range is given instead of manifests
    found = manifest_uris({"manifest_prefix": str(tmp_path), "from_date": "2026-11-20", "to_date": "2026-11-30"})

    # Then both runs' manifests are found, in date order, and no page file is taken for one
    assert found == [str(development.manifest_path), str(extended.manifest_path)]
    assert list_manifests(str(tmp_path), date(2026, 11, 26)) == []


def test_small_objects_go_through_s3(aws):
    # Given a raw bucket holding a run's manifest and page file
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="raw")
    key = "spotify/ingest_date=2026-11-24/run_id=20261124T061500Z-0a1b2c3d/_manifest.json"
    write_text(f"s3://raw/{key}", '{"run_id": "20261124T061500Z-0a1b2c3d"}')
    s3.put_object(Bucket="raw", Key=key.replace("_manifest.json", "top_artists/part-00000.jsonl.gz"), Body=b"")

    # Then the manifest reads back, a backfill finds it, and a missing object is one clear error
    assert read_text(f"s3://raw/{key}") == '{"run_id": "20261124T061500Z-0a1b2c3d"}'
    assert list_manifests("s3://raw", date(2026, 11, 24)) == [f"s3://raw/{key}"]
    with pytest.raises(JobInputError, match="s3://raw/nope.json does not exist"):
        read_text("s3://raw/nope.json")


def test_in_glue_only_the_given_optional_arguments_are_resolved(monkeypatch):
    # Given Glue's argument resolver, which fails on an option that is not in argv
    asked = []

    def get_resolved_options(argv, options):
        asked.extend(options)
        return {name: argv[argv.index(f"--{name}") + 1] for name in options}

    glue = types.ModuleType("awsglue")
    glue.utils = types.SimpleNamespace(getResolvedOptions=get_resolved_options)
    monkeypatch.setitem(sys.modules, "awsglue", glue)
    monkeypatch.setitem(sys.modules, "awsglue.utils", glue.utils)
    argv = [
        "script.py",
        "--JOB_NAME",
        "spotify-transform",
        "--manifest_uri",
        "s3://raw/m",
        "--processed_uri",
        "s3://p/",
    ]

    arguments = job_arguments(argv)

    assert asked == ["JOB_NAME", "processed_uri", "manifest_uri"]
    assert arguments["manifest_uri"] == "s3://raw/m"
