"""The Glue job: one extraction run's raw pages (or several runs', for a backfill) -> the analytic model.

The script Glue runs (glue_jobs/spotify_transform.py) calls `main` with its arguments:

    --JOB_NAME x --manifest_uri <uri>[,<uri>...] --processed_uri <uri>
    --JOB_NAME x --manifest_prefix <raw bucket uri> --from_date 2026-11-01 --to_date 2026-11-24 --processed_uri <uri>

A URI is `s3://bucket/key` or a local path (a directory that mirrors the bucket). The job reads exactly the raw
files the manifests list, writes one Parquet dataset per model table and run (contracts/processed_zone.py), the
quarantine, the run-quality datasets (transforms/run_quality.py), and last a run report per run. It runs
unchanged in AWS Glue (arguments through awsglue's `getResolvedOptions`) and locally (argparse). A missing or
invalid manifest, or a raw file that disagrees with its manifest, stops the job before it writes anything, with
one line saying what to fix and exit status 2.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from pyspark.sql import SparkSession

from contracts.manifest import Manifest, ManifestError
from contracts.processed_zone import run_report_key
from contracts.raw_zone import MANIFEST_NAME, RunLocation, ingest_date_prefix

from .build import build_model
from .inputs import JobInputError, RunInput, read_verified_pages
from .output import run_report, write_model
from .run_quality import write_run_quality
from .session import apply_session_settings, build_session, interpreted_for, shuffle_partitions_for

_REQUIRED = ("JOB_NAME", "processed_uri")
_OPTIONAL = ("manifest_uri", "manifest_prefix", "from_date", "to_date")
_S3 = "s3://"
_EXIT_BAD_INPUT = 2


# Arguments ---------------------------------------------------------------------------------------------------


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise JobInputError(f"{message}; see --help")


def job_arguments(argv: Sequence[str]) -> dict[str, str]:
    """The job's arguments from `argv` (program name first, as `sys.argv`)."""
    try:
        from awsglue.utils import getResolvedOptions  # the Glue runtime only; not on PyPI
    except ImportError:
        parser = _OneLineParser(prog=Path(argv[0]).name, description=__doc__.splitlines()[0])
        parser.add_argument("--JOB_NAME", default="spotify-transform-local")
        parser.add_argument("--processed_uri", required=True)
        for name in _OPTIONAL:
            parser.add_argument(f"--{name}")
        parsed = vars(parser.parse_args(list(argv[1:])))
        return {name: value for name, value in parsed.items() if value is not None}
    # getResolvedOptions fails on an option that is absent, so ask only for the optional ones that are given.
    return getResolvedOptions(list(argv), [*_REQUIRED, *(n for n in _OPTIONAL if f"--{n}" in argv)])


def _day(arguments: dict[str, str], name: str) -> date:
    try:
        return date.fromisoformat(arguments[name])
    except KeyError:
        raise JobInputError(f"--manifest_prefix needs --{name} YYYY-MM-DD") from None
    except ValueError:
        raise JobInputError(f"--{name} is {arguments[name]!r}; give a date as YYYY-MM-DD") from None


def manifest_uris(arguments: dict[str, str]) -> list[str]:
    """The manifests to transform: those listed in --manifest_uri, or those under --manifest_prefix for each
    day from --from_date to --to_date (a backfill)."""
    if ("manifest_uri" in arguments) == ("manifest_prefix" in arguments):
        raise JobInputError("give either --manifest_uri (one or several, comma-separated) or --manifest_prefix")
    if "manifest_uri" in arguments:
        return [uri.strip() for uri in arguments["manifest_uri"].split(",") if uri.strip()]
    first, last = _day(arguments, "from_date"), _day(arguments, "to_date")
    if last < first:
        raise JobInputError(f"--to_date {last} is before --from_date {first}")
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    found = [uri for day in days for uri in list_manifests(arguments["manifest_prefix"], day)]
    if not found:
        raise JobInputError(
            f"no manifest under {arguments['manifest_prefix']} from {first} to {last}; "
            "check the raw bucket URI and the dates"
        )
    return found


# Storage: small objects through boto3 (S3) or the local file system ------------------------------------------


def _s3_location(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix(_S3).partition("/")
    return bucket, key


def _s3():  # boto3's client classes are generated at run time: no annotation to give
    import boto3  # in Glue and the dev requirements; imported late so a local run needs no AWS settings

    return boto3.client("s3")


def read_text(uri: str) -> str:
    """A small object's text; JobInputError if it does not exist."""
    if uri.startswith(_S3):
        bucket, key = _s3_location(uri)
        client = _s3()
        try:
            return client.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        except client.exceptions.NoSuchKey:
            raise JobInputError(f"{uri} does not exist; check the URI") from None
    try:
        return Path(uri).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise JobInputError(f"{uri} does not exist; check the path") from None


def write_text(uri: str, text: str) -> None:
    if uri.startswith(_S3):
        bucket, key = _s3_location(uri)
        _s3().put_object(Bucket=bucket, Key=key, Body=text.encode("utf-8"), ContentType="application/json")
        return
    path = Path(uri)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _is_manifest_key(key: str) -> bool:
    try:
        return RunLocation.from_key(key).manifest_key == key
    except ValueError:
        return False


def list_manifests(raw_root: str, day: date) -> list[str]:
    """The URIs of every run's manifest of `day` under the raw bucket (or local mirror) `raw_root`."""
    root = raw_root.rstrip("/") + "/"
    day_prefix = ingest_date_prefix(day)
    if root.startswith(_S3):
        bucket, root_key = _s3_location(root)
        pages = _s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=root_key + day_prefix)
        keys = [item["Key"][len(root_key) :] for page in pages for item in page.get("Contents", [])]
    else:
        keys = [path.relative_to(root).as_posix() for path in Path(root, day_prefix).glob(f"*/{MANIFEST_NAME}")]
    return [root + key for key in sorted(keys) if _is_manifest_key(key)]


# The job --------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None, spark: SparkSession | None = None) -> int:
    """Run the job; `spark` lets a caller (a test, the local runtime) lend its session."""
    argv = sys.argv if argv is None else argv
    # Tells this attempt's run-quality rows from an earlier attempt's (contracts.model.REPLACE_RUN).
    transformed_at = datetime.datetime.now(datetime.UTC)
    try:
        arguments = job_arguments(argv)
        uris = manifest_uris(arguments)
        runs = [RunInput.locate(uri, Manifest.from_json(read_text(uri), where=uri)) for uri in uris]
        raw_bytes = sum(f.bytes for run in runs for f in run.manifest.files)
        shuffle_partitions = shuffle_partitions_for(raw_bytes)
        if spark is None:
            spark = build_session(arguments["JOB_NAME"], shuffle_partitions)
        apply_session_settings(spark, shuffle_partitions, interpreted=interpreted_for(raw_bytes))
        pages = read_verified_pages(spark, runs)
    except (JobInputError, ManifestError) as error:
        print(f"spotify_transform: {error}", file=sys.stderr)
        return _EXIT_BAD_INPUT

    model = build_model(pages)
    counts = write_model(model, runs, arguments["processed_uri"])
    model.release()
    write_run_quality(spark, runs, counts, arguments["processed_uri"], transformed_at)
    processed_root = arguments["processed_uri"].rstrip("/") + "/"
    for run in runs:
        report = run_report(run, counts[run.manifest.run_id])
        report_uri = processed_root + run_report_key(run.manifest.ingest_date, run.manifest.run_id)
        write_text(report_uri, json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False))
        written = sum(t["output"] for t in report["tables"].values())
        quarantined = sum(t["quarantined"] for t in report["tables"].values()) + report["pages"]["malformed"]
        print(f"run {run.manifest.run_id}: {written} rows written, {quarantined} quarantined; report {report_uri}")
    return 0
