"""The benchmark's DuckDB peer (bench/baselines/duckdb_transform.py) runs against today's model: a table or column
added to the contract reaches it, or `make bench` fails after minutes of work (as it did when fact_play gained the
history export's columns)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from bench.baselines import duckdb_transform
from bench.generate import generate_run
from contracts.model import TABLES
from contracts.processed_zone import model_partition_prefix
from contracts.raw_zone import ApiMode


def test_the_peer_writes_every_model_table_with_the_contracts_columns(tmp_path: Path) -> None:
    # Given a small generated development-mode run
    run = generate_run(tmp_path / "raw", 200, seed=3, api_mode=ApiMode.DEVELOPMENT)
    # When DuckDB transforms it
    result = duckdb_transform.run(run.manifest_path, tmp_path / "out", threads=1)
    # Then every table of the contract has its output, in the contract's columns, and the API's tables have rows
    assert set(result.output_rows) == {table.name for table in TABLES}
    for table in TABLES:
        prefix = model_partition_prefix(table.name, run.ingest_date, run.run_id)
        written = pq.read_schema(tmp_path / "out" / prefix / "part-00000.parquet")
        assert tuple(written.names) == table.column_names, table.name
    assert all(result.output_rows[name] > 0 for name in ("dim_track", "fact_play", "fact_playlist_item"))
