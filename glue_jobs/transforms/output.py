"""The job's output: one Parquet dataset per model table and run, the quarantine, and the run report.

Each dataset is written to its own partition directory (contracts/processed_zone.py) with the partition values
also inside the files, replacing an earlier attempt of the same run and nothing else. A daily run writes one file
per dataset; a partition larger than `TARGET_FILE_BYTES` is split into files of about that size. A dataset without
rows leaves no directory (and removes a stale one).
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from contracts.model import TABLES, Table
from contracts.processed_zone import PAGES_QUARANTINE, model_partition_prefix, quarantine_partition_prefix

from .build import Model
from .inputs import RunInput
from .quality import (
    DECISION_COUNTS,
    DROPPED,
    OUTPUT,
    QUARANTINED,
    TABLE_NAME,
    Classified,
    counted_outcomes,
    outcome_totals,
    output_rows,
    page_quarantine_rows,
    quarantine_rows,
)

REPORT_STATUS = "complete"
# Parquet files of ~128-256 MB suit Snowpipe; a daily run stays far below, so one file per table and run.
TARGET_FILE_BYTES = 192 * 1024 * 1024
# Rough Parquet bytes per value, to turn the target size into a row count (dictionary encoding and snappy
# make real files smaller, which keeps them within the range).
_VALUE_BYTES = {"string": 24, "array<string>": 48, "boolean": 1, "int": 4, "date": 4}
_DEFAULT_VALUE_BYTES = 8
_QUARANTINE_ROW_BYTES = 2048
_QUARANTINE_ORDER = ("rule", "record")


@dataclass
class OutcomeCounts:
    """Per table (and `PAGES_QUARANTINE` for the pages) of one run: rows per outcome and reason."""

    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, table_name: str, outcome: str, reason: str | None, rows: int) -> None:
        self.counts[table_name][(outcome, reason)] += rows

    def total(self, table_name: str, outcome: str | None = None) -> int:
        return sum(n for (o, _), n in self.counts[table_name].items() if outcome in (None, o))

    def by_reason(self, table_name: str, outcome: str) -> dict[str, int]:
        return dict(sorted((r, n) for (o, r), n in self.counts[table_name].items() if o == outcome))


def outcome_counts(model: Model) -> dict[str, OutcomeCounts]:
    """All tables' outcome counts, per run, in one aggregation over the compact decisions (not the candidates)."""
    # The pages are counted in the decisions' shape: a page is one candidate, output if good, else quarantined.
    pages = model.pages.select(
        F.lit(PAGES_QUARANTINE).alias(TABLE_NAME),
        "run_id",
        F.when(F.col("page_rule").isNotNull(), F.lit(QUARANTINED)).alias("outcome"),
        F.col("page_rule").alias("reason"),
        F.lit(1).alias("candidates"),
        F.lit(1).alias("merged"),
    )
    decisions = functools.reduce(
        DataFrame.unionByName, (d.select(TABLE_NAME, *DECISION_COUNTS) for d in model.decided), pages
    )
    counts: dict[str, OutcomeCounts] = defaultdict(OutcomeCounts)
    for total in outcome_totals(decisions, TABLE_NAME).collect():
        for outcome, reason, rows in counted_outcomes(total):
            counts[total["run_id"]].add(total[TABLE_NAME], outcome, reason, rows)
    return counts


def rows_per_file(table: Table | None) -> int:
    """Rows in a file of about `TARGET_FILE_BYTES` (`None`: a quarantine file)."""
    if table is None:
        row_bytes = _QUARANTINE_ROW_BYTES
    else:
        row_bytes = sum(_VALUE_BYTES.get(c.type, _DEFAULT_VALUE_BYTES) for c in table.columns)
    return max(TARGET_FILE_BYTES // row_bytes, 1)


def _remove(spark: SparkSession, uri: str) -> None:
    """Delete a dataset directory through Spark's own file system (S3 in Glue, local disk locally)."""
    # Hadoop's FileSystem has no Python API; py4j reaches it in Glue and locally alike.
    jvm: Any = spark._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    file_system = path.getFileSystem(spark._jsc.hadoopConfiguration())
    if file_system.exists(path):
        file_system.delete(path, True)


@dataclass(frozen=True)
class Dataset:
    """One dataset of one run to write: its rows, where, how many, and their order in the files.

    The rows are planned only when there are some (`rows`, known from the counts): planning a daily run's empty
    quarantines (a join each for an event table) took about a tenth of its job time.
    """

    plan: Callable[[], DataFrame]
    uri: str
    rows: int
    per_file: int
    order: Sequence[str]


def write_dataset(frame: DataFrame, uri: str, rows: int, per_file: int, order: Sequence[str]) -> None:
    """Replace the dataset at `uri` with `frame` (`rows` rows); no rows leaves no directory behind."""
    if rows == 0:
        _remove(frame.sparkSession, uri)
        return
    # Overwriting this run's own directory replaces an earlier attempt of the same run and nothing else; the
    # files get new names, so a pipe loads them again and the warehouse's merge keeps one row per key.
    (
        frame.coalesce(math.ceil(rows / per_file))
        .sortWithinPartitions(*order)
        .write.mode("overwrite")
        .option("maxRecordsPerFile", per_file)
        .parquet(uri)
    )


def _of_run(rows: Callable[[Classified], DataFrame], classified: Classified, run_id: str) -> DataFrame:
    return rows(classified).where(F.col("run_id") == run_id)


def _datasets(model: Model, run: RunInput, counts: OutcomeCounts, root: str) -> list[Dataset]:
    run_id, ingest_date = run.manifest.run_id, run.manifest.ingest_date
    datasets = []
    for table in TABLES:
        classified = model.classified[table.name]
        datasets.append(
            Dataset(
                functools.partial(_of_run, output_rows, classified, run_id),
                root + model_partition_prefix(table.name, ingest_date, run_id),
                counts.total(table.name, OUTPUT),
                rows_per_file(table),
                table.key,
            )
        )
        datasets.append(
            Dataset(
                functools.partial(_of_run, quarantine_rows, classified, run_id),
                root + quarantine_partition_prefix(table.name, ingest_date, run_id),
                counts.total(table.name, QUARANTINED),
                rows_per_file(None),
                _QUARANTINE_ORDER,
            )
        )
    datasets.append(
        Dataset(
            lambda: page_quarantine_rows(model.pages.where(F.col("run_id") == run_id)),
            root + quarantine_partition_prefix(PAGES_QUARANTINE, ingest_date, run_id),
            counts.total(PAGES_QUARANTINE, QUARANTINED),
            rows_per_file(None),
            _QUARANTINE_ORDER,
        )
    )
    return datasets


def write_model(model: Model, runs: Sequence[RunInput], processed_uri: str) -> dict[str, OutcomeCounts]:
    """Write every table's output and quarantine, per run, under `processed_uri`; return the counts per run."""
    counts = outcome_counts(model)
    root = processed_uri.rstrip("/") + "/"
    write_datasets(
        model.pages.sparkSession, [d for r in runs for d in _datasets(model, r, counts[r.manifest.run_id], root)]
    )
    return counts


def write_datasets(spark: SparkSession, datasets: Sequence[Dataset]) -> None:
    """Write `datasets` side by side: each is a small job of one task per file, so one writer per core keeps them
    all busy."""
    writers = max(spark.sparkContext.defaultParallelism, 1)
    with ThreadPoolExecutor(max_workers=writers) as pool:
        for done in [pool.submit(_replace, spark, d) for d in datasets]:
            done.result()


def _replace(spark: SparkSession, dataset: Dataset) -> None:
    if dataset.rows == 0:
        _remove(spark, dataset.uri)
    else:
        write_dataset(dataset.plan(), dataset.uri, dataset.rows, dataset.per_file, dataset.order)


def run_report(run: RunInput, counts: OutcomeCounts) -> dict[str, Any]:
    """The run report of contracts/processed_zone.py: per table, input = output + quarantined + dropped."""
    report_tables = {}
    for table in TABLES:
        report_tables[table.name] = {
            "input": counts.total(table.name),
            "output": counts.total(table.name, OUTPUT),
            "quarantined": counts.total(table.name, QUARANTINED),
            "dropped": counts.by_reason(table.name, DROPPED),
            "quarantine_rules": counts.by_reason(table.name, QUARANTINED),
        }
    return {
        "run_id": run.manifest.run_id,
        "ingest_date": run.manifest.ingest_date,
        "manifest": run.manifest_uri,
        "status": REPORT_STATUS,
        "extraction_status": run.manifest.status,
        "api_mode": run.manifest.api_mode,
        "tables": report_tables,
        "pages": {
            "read": counts.total(PAGES_QUARANTINE),
            "malformed": counts.total(PAGES_QUARANTINE, QUARANTINED),
            "quarantine_rules": counts.by_reason(PAGES_QUARANTINE, QUARANTINED),
        },
        "captures": len(run.manifest.captures),
        "play_gaps": {"count": len(run.manifest.gaps), "gaps": [asdict(gap) for gap in run.manifest.gaps]},
    }
