"""The job's input: the runs to transform, located from their manifests, and the one verified read of their files.

`RunInput.locate` derives the raw bucket's root from a manifest's own URI (`RunLocation.manifest_key`), so the same
code reads `s3://bucket/...` in Glue and a local directory that mirrors the bucket. `read_verified_pages` checks
each listed file's size and sha256, reads every file once, and checks each file's line count, all before anything
is written: a file that changed after the extraction stops the job with one line naming it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from contracts.manifest import Manifest
from contracts.raw_zone import CaptureLocation, RunLocation, Source

from .field_types import UNFIT_PAGE
from .pages import RawFile, name_unfit_pages, raw_key, read_pages
from .session import materialize, release, shuffle_partitions_for


class JobInputError(ValueError):
    """The job's input is missing or does not match its manifest; the message names the file and the fix."""


@dataclass(frozen=True)
class RunInput:
    """One extraction run to transform: its manifest, where it was read, and the raw bucket's root."""

    manifest_uri: str
    manifest: Manifest
    raw_root: str

    @classmethod
    def locate(cls, manifest_uri: str, manifest: Manifest) -> RunInput:
        """The raw root is the manifest's URI without the manifest's own key (`RunLocation.manifest_key`)."""
        try:
            location = RunLocation(date.fromisoformat(manifest.ingest_date), manifest.run_id)
        except ValueError:
            raise JobInputError(
                f"manifest {manifest_uri} has ingest_date {manifest.ingest_date!r}; expected YYYY-MM-DD"
            ) from None
        if not manifest_uri.endswith(location.manifest_key):
            raise JobInputError(
                f"manifest {manifest_uri} is not at its run's key {location.manifest_key}; "
                "pass the manifest's own URI in the raw bucket (or in a directory that mirrors it)"
            )
        return cls(manifest_uri, manifest, manifest_uri[: -len(location.manifest_key)])

    @property
    def location(self) -> RunLocation:
        return RunLocation(date.fromisoformat(self.manifest.ingest_date), self.manifest.run_id)

    def raw_files(self) -> list[RawFile]:
        """The files the manifest lists; JobInputError for one outside the run and its captures, or of an unknown
        source."""
        prefixes = (self.location.prefix, *self._capture_prefixes())
        files = []
        for listed in self.manifest.files:
            if not listed.key.startswith(prefixes):
                raise JobInputError(
                    f"manifest {self.manifest_uri} lists {listed.key}, which is outside its run's prefix "
                    f"{self.location.prefix} and the prefixes of the captures it hands off"
                )
            if listed.source not in Source.ALL:
                raise JobInputError(
                    f"manifest {self.manifest_uri} lists {listed.key} under unknown source {listed.source!r}; "
                    f"known: {', '.join(Source.ALL)}"
                )
            files.append(
                RawFile(
                    uri=self.raw_root + listed.key,
                    key=listed.key,
                    source=listed.source,
                    run_id=self.manifest.run_id,
                    ingest_date=self.manifest.ingest_date,
                    lines=listed.lines,
                    bytes=listed.bytes,
                    sha256=listed.sha256,
                )
            )
        return files

    def _capture_prefixes(self) -> list[str]:
        prefixes = []
        for capture in self.manifest.captures:
            try:
                prefixes.append(CaptureLocation.from_key(capture.manifest_key).prefix)
            except ValueError as error:
                raise JobInputError(
                    f"manifest {self.manifest_uri} hands off a capture outside the layout: {error}"
                ) from None
        return prefixes


def _all_files(runs: Sequence[RunInput]) -> list[RawFile]:
    seen: dict[str, str] = {}
    for run in runs:
        if run.manifest.run_id in seen:
            raise JobInputError(
                f"manifests {seen[run.manifest.run_id]} and {run.manifest_uri} are the same run "
                f"{run.manifest.run_id}; pass each run once"
            )
        seen[run.manifest.run_id] = run.manifest_uri
    files = [f for run in runs for f in run.raw_files()]
    duplicates = [key for key, n in Counter(f.key for f in files).items() if n > 1]
    if duplicates:
        raise JobInputError(f"raw file {duplicates[0]} is listed twice in its manifest; re-run the extraction")
    return files


def _mismatch(runs: Sequence[RunInput], problems: list[tuple[RawFile, str]]) -> None:
    if not problems:
        return
    raw_file, what = problems[0]
    manifest_uri = next(r.manifest_uri for r in runs if r.manifest.run_id == raw_file.run_id)
    more = f" ({len(problems) - 1} more files disagree too)" if len(problems) > 1 else ""
    raise JobInputError(
        f"raw file {raw_file.uri} {what} in {manifest_uri}{more}; the file changed after the extraction: "
        f"restore its earlier version or re-run the extraction for {raw_file.ingest_date}"
    )


def _verify_bytes(spark: SparkSession, files: Sequence[RawFile], runs: Sequence[RunInput]) -> None:
    """Each file's size and sha256 against its manifest, before its content is trusted."""
    if not files:
        return
    try:
        found = {
            row["key"]: row
            for row in spark.read.format("binaryFile")
            .load([f.uri for f in files])
            .select(raw_key(F.col("path")).alias("key"), "length", F.sha2("content", 256).alias("sha256"))
            .collect()
        }
    except AnalysisException as error:
        if error.getCondition() != "PATH_NOT_FOUND":
            raise
        missing = (error.getMessageParameters() or {}).get("path", "a listed raw file")
        raise JobInputError(
            f"raw file {missing} listed in the manifest does not exist; restore it or re-run the extraction"
        ) from None
    problems = []
    for raw_file in files:
        row = found.get(raw_file.key)
        if row is None:
            problems.append((raw_file, "is not where its manifest lists it"))
        elif row["length"] != raw_file.bytes:
            problems.append((raw_file, f"has {row['length']} bytes where its manifest lists {raw_file.bytes}"))
        elif row["sha256"] != raw_file.sha256:
            problems.append((raw_file, "has another sha256 than its manifest lists"))
    _mismatch(runs, problems)


def read_verified_pages(spark: SparkSession, runs: Sequence[RunInput]) -> DataFrame:
    """The pages of every run (materialized: every table reads them), once each file checks against its manifest;
    the pages with a value of the wrong type named by their field (only on a day that has such a page)."""
    files = _all_files(runs)
    _verify_bytes(spark, files, runs)
    # Files are read one per task; a few wide partitions keep every later stage to a few tasks.
    pages = materialize(read_pages(spark, files).coalesce(shuffle_partitions_for(sum(f.bytes for f in files))))
    per_file = pages.groupBy("source_file").agg(
        F.count(F.lit(1)).alias("lines"), F.count(F.when(F.col("page_rule") == UNFIT_PAGE, 1)).alias("unfit")
    )
    counted = per_file.collect()
    lines = {row["source_file"]: row["lines"] for row in counted}
    problems = [
        (f, f"has {lines.get(f.key, 0)} lines where its manifest lists {f.lines}")
        for f in files
        if lines.get(f.key, 0) != f.lines
    ]
    _mismatch(runs, problems)
    if any(row["unfit"] for row in counted):
        named = materialize(name_unfit_pages(pages))
        release(pages)
        pages = named
    return pages
