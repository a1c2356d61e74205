"""The processed zone: where the transform writes the model, the quarantine and its run report.

Producer: `glue_jobs`. Consumers: `snowflake_sql` (the stage and one pipe per model table, notified on
`model/<table>/` and the `.parquet` suffix), the stacks (notification filters), the local runtime, tests.

    s3://<processed>/model/<table>/snapshot_date=YYYY-MM-DD/run_id=<id>/part-*.parquet
    s3://<processed>/model/<run-quality table>/snapshot_date=YYYY-MM-DD/run_id=<id>/part-*.parquet
    s3://<processed>/quarantine/<table>/snapshot_date=YYYY-MM-DD/run_id=<id>/part-*.parquet
    s3://<processed>/reports/snapshot_date=YYYY-MM-DD/run_id=<id>/run_report.json

A partition holds the output of one extraction run; a retried or repeated job overwrites its own partition.
The partition values are also columns inside the files (`ingest_date`, `run_id`), because Snowpipe loads a
file's columns, not its path.

Quarantine rows: `table_name`, `rule` (the data-quality rule that failed), `record` (the offending record as
JSON text), `run_id`, `ingest_date`, `source_file`. Raw page lines that never became records (a body that was
not JSON, an error page) are quarantined under the name `PAGES_QUARANTINE` instead of a table's.

The run report counts, per model table, the records read, written, quarantined and dropped by a documented
rule, so that `input == output + quarantined + sum(dropped)`:

    {"run_id": "...", "ingest_date": "...", "manifest": "<uri>", "status": "complete",
     "extraction_status": "complete" | "partial", "api_mode": "development" | "extended",
     "tables": {"dim_track": {"input": 120, "output": 118, "quarantined": 1,
                              "quarantine_rules": {"duration_ms_positive": 1},
                              "dropped": {"duplicate_key": 1}}, ...},
     "pages": {"read": 40, "malformed": 0, "quarantine_rules": {}},
     "captures": 12,                                   # captures of recently played the run handed off
     "play_gaps": {"count": 1, "gaps": [{"source": "...", "gap_from": "...", "gap_to": "...", "detected_by": "..."}]}}

The run-quality tables (`contracts.model.RUN_QUALITY_TABLES`: run_table_outcome, run_extraction,
run_extraction_issue) hold the run report's counts and the manifest's facts as rows, under `model/` so that a
pipe loads each like a model table; the report's JSON stays as it is for the tools that read it.

`play_gaps` are the manifest's gaps (contracts/manifest.py `PlayGap`): windows of recently played the API could
not reach back to, where plays may be lost. They are reported, never silently absorbed.
"""

from __future__ import annotations

MODEL_PREFIX = "model"
QUARANTINE_PREFIX = "quarantine"
REPORTS_PREFIX = "reports"
MODEL_FILE_SUFFIX = ".parquet"
RUN_REPORT_NAME = "run_report.json"

QUARANTINE_COLUMNS = ("table_name", "rule", "record", "run_id", "ingest_date", "source_file")
PAGES_QUARANTINE = "raw_pages"


def partition_path(ingest_date: str, run_id: str) -> str:
    return f"snapshot_date={ingest_date}/run_id={run_id}"


def model_table_prefix(table_name: str) -> str:
    """The key prefix a table's pipe is notified on."""
    return f"{MODEL_PREFIX}/{table_name}/"


def model_partition_prefix(table_name: str, ingest_date: str, run_id: str) -> str:
    return f"{model_table_prefix(table_name)}{partition_path(ingest_date, run_id)}/"


def quarantine_partition_prefix(table_name: str, ingest_date: str, run_id: str) -> str:
    return f"{QUARANTINE_PREFIX}/{table_name}/{partition_path(ingest_date, run_id)}/"


def run_report_key(ingest_date: str, run_id: str) -> str:
    return f"{REPORTS_PREFIX}/{partition_path(ingest_date, run_id)}/{RUN_REPORT_NAME}"


def table_of_model_key(key: str) -> str:
    """`model/dim_track/snapshot_date=.../part-0.parquet` -> `dim_track`; ValueError if not a model key."""
    parts = key.split("/")
    if len(parts) < 3 or parts[0] != MODEL_PREFIX:
        raise ValueError(f"{key!r} is not a model key; expected {MODEL_PREFIX}/<table>/...")
    return parts[1]
