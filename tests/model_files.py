"""Model files as the Glue job writes them, without Spark: for the warehouse and report tests, and the Parquet
types the job's files must have (tests/transform/test_model_types.py)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from contracts.model import LOADED_TABLES_BY_NAME, Table
from contracts.processed_zone import model_partition_prefix

# What a reader without Spark (Snowflake, DuckDB, pyarrow) sees for each model type: int -> INT32, long -> INT64,
# timestamps as TIMESTAMP_MICROS adjusted to UTC, arrays as lists.
PARQUET_TYPES = {
    "string": pa.string(),
    "int": pa.int32(),
    "long": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "array<string>": pa.list_(pa.string()),
}


def write_model_file(
    stage_root: Path,
    table: str,
    ingest_date: str,
    run_id: str,
    rows: list[dict[str, Any]],
    part: str = "0",
    model_table: Table | None = None,
) -> str:
    """Write `rows` (lineage filled in) under `stage_root` as the Glue job would; return the processed-bucket key.
    `model_table`: the table's definition when it is not the contract's (a test's changed model)."""
    definition = model_table or LOADED_TABLES_BY_NAME[table]
    schema = pa.schema([(c.name, PARQUET_TYPES[c.type]) for c in definition.columns])
    lineage = {
        "run_id": run_id,
        "ingest_date": datetime.date.fromisoformat(ingest_date),
        "source_file": f"spotify/ingest_date={ingest_date}/run_id={run_id}/part-00000.jsonl.gz",
    }
    key = f"{model_partition_prefix(table, ingest_date, run_id)}part-{part}.parquet"
    path = stage_root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist([{**lineage, **row} for row in rows], schema=schema), path)
    return key
