"""The run-quality datasets: what a run's report and manifest say of the run, as rows the warehouse loads.

The run report (contracts/processed_zone.py) is JSON for people and tools; these are the same counts, and what the
manifest says of the extraction, as three small Parquet datasets per run (contracts.model.RUN_QUALITY_TABLES),
written beside the model's under `model/<table>/` so that pipes load them like any model table:

    run_table_outcome     per model table (and raw_pages): rows per outcome and reason, as the run report counts
    run_extraction        one row: the manifest's status, calls, and how many errors, fallbacks, gaps ... it holds
    run_extraction_issue  one row per entity error, fallback, pending item, play gap and not-found lookup

Every row carries `transformed_at`, the start of the job that wrote it: the warehouse keeps a run's rows of its
latest transform only (REPLACE_RUN), so a re-run replaces them instead of adding to them.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from typing import Any

from pyspark.sql import SparkSession

from contracts.manifest import Manifest
from contracts.model import (
    ISSUE_ENTITY_ERROR,
    ISSUE_FALLBACK,
    ISSUE_NOT_FOUND,
    ISSUE_PENDING,
    ISSUE_PLAY_GAP,
    REASON_KEPT,
    RUN_EXTRACTION,
    RUN_EXTRACTION_ISSUE,
    RUN_QUALITY_TABLES,
    RUN_TABLE_OUTCOME,
    TABLES,
    TRANSFORMED_AT,
)
from contracts.processed_zone import PAGES_QUARANTINE, model_partition_prefix

from .inputs import RunInput
from .model_types import spark_schema
from .output import Dataset, OutcomeCounts, rows_per_file, write_datasets
from .session import driver_rows

Row = dict[str, Any]


def _instant(text: str | None) -> datetime.datetime | None:
    """An ISO 8601 time of the manifest ("...Z" or with an offset) as an aware UTC datetime."""
    if text is None:
        return None
    return datetime.datetime.fromisoformat(text).astimezone(datetime.UTC)


def table_outcome_rows(counts: OutcomeCounts) -> list[Row]:
    """Per model table and the raw pages: one row per outcome and reason with its rows, as the run report adds up
    (a table's input is the sum of its rows)."""
    rows = []
    for table_name in (*(t.name for t in TABLES), PAGES_QUARANTINE):
        # Output rows have no reason: theirs reads "kept".
        by_reason = {(outcome, reason or REASON_KEPT): n for (outcome, reason), n in counts.counts[table_name].items()}
        rows += [
            {"table_name": table_name, "outcome": outcome, "reason": reason, "row_count": row_count}
            for (outcome, reason), row_count in sorted(by_reason.items())
            if row_count
        ]
    return rows


def extraction_row(manifest: Manifest) -> Row:
    """The manifest's facts of the run, counted."""
    return {
        "extraction_status": manifest.status,
        "api_mode": manifest.api_mode,
        "started_at": _instant(manifest.started_at),
        "finished_at": _instant(manifest.finished_at),
        "raw_files": len(manifest.files),
        "api_calls": sum(manifest.calls.values()),
        "min_api_calls": sum(manifest.min_calls.values()),
        "captures": len(manifest.captures),
        "entity_errors": len(manifest.errors),
        "fallbacks": len(manifest.fallbacks),
        "pending_items": len(manifest.pending),
        "play_gaps": len(manifest.gaps),
        "not_found": len(manifest.not_found),
    }


def extraction_issue_rows(manifest: Manifest) -> list[Row]:
    """Every entry of the manifest's errors, fallbacks, pending work, gaps and not-found lookups, numbered within
    its list."""
    issues: list[tuple[str, Row]] = []
    issues += [
        (
            ISSUE_ENTITY_ERROR,
            {"source": e.source, "entity_id": e.entity_id, "http_status": e.status, "detail": e.message},
        )
        for e in manifest.errors
    ]
    issues += [
        (ISSUE_FALLBACK, {"source": f.endpoint, "http_status": f.status, "detail": f.fallback})
        for f in manifest.fallbacks
    ]
    issues += [(ISSUE_PENDING, {"source": p.source, "entity_id": p.entity_id}) for p in manifest.pending]
    issues += [
        (
            ISSUE_PLAY_GAP,
            {
                "source": g.source,
                "detail": g.detected_by,
                "gap_from": _instant(g.gap_from),
                "gap_to": _instant(g.gap_to),
            },
        )
        for g in manifest.gaps
    ]
    issues += [(ISSUE_NOT_FOUND, {"source": n.source, "entity_id": n.entity_id}) for n in manifest.not_found]
    numbered: dict[str, int] = {}
    rows = []
    for issue_type, fields in issues:
        number = numbered.get(issue_type, 0)
        numbered[issue_type] = number + 1
        rows.append({"issue_type": issue_type, "issue_number": number, **fields})
    return rows


def run_quality_rows(run: RunInput, counts: OutcomeCounts, transformed_at: datetime.datetime) -> dict[str, list[Row]]:
    """{run-quality table: its rows of `run`}, each row complete with `transformed_at` and the run's lineage."""
    manifest = run.manifest
    lineage = {
        TRANSFORMED_AT: transformed_at,
        "run_id": manifest.run_id,
        "ingest_date": datetime.date.fromisoformat(manifest.ingest_date),
        "source_file": run.location.manifest_key,
    }
    rows = {
        RUN_TABLE_OUTCOME.name: table_outcome_rows(counts),
        RUN_EXTRACTION.name: [extraction_row(manifest)],
        RUN_EXTRACTION_ISSUE.name: extraction_issue_rows(manifest),
    }
    tables = {t.name: t for t in RUN_QUALITY_TABLES}
    return {
        name: [{column: {**row, **lineage}.get(column) for column in tables[name].column_names} for row in table_rows]
        for name, table_rows in rows.items()
    }


def write_run_quality(
    spark: SparkSession,
    runs: Sequence[RunInput],
    counts: dict[str, OutcomeCounts],
    processed_uri: str,
    transformed_at: datetime.datetime,
) -> dict[str, dict[str, int]]:
    """Write each run's run-quality datasets under `processed_uri`, replacing an earlier attempt's; return the rows
    written per run and table."""
    root = processed_uri.rstrip("/") + "/"
    written: dict[str, dict[str, int]] = {}
    datasets = []
    for run in runs:
        manifest = run.manifest
        by_table = run_quality_rows(run, counts[manifest.run_id], transformed_at)
        for table in RUN_QUALITY_TABLES:
            rows = by_table[table.name]
            frame = functools.partial(driver_rows, spark, [tuple(row.values()) for row in rows], spark_schema(table))
            uri = root + model_partition_prefix(table.name, manifest.ingest_date, manifest.run_id)
            datasets.append(Dataset(frame, uri, len(rows), rows_per_file(table), table.key))
        written[manifest.run_id] = {name: len(rows) for name, rows in by_table.items()}
    # A few rows each: a small job per dataset, written side by side as the model's are.
    write_datasets(spark, datasets)
    return written
