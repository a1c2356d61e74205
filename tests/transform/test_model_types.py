"""The model's column types as Spark types: every output schema comes from contracts/model.py."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
from model_files import PARQUET_TYPES

from contracts.model import TABLES, TYPES
from transforms.model_types import SPARK_TYPES


def test_every_model_type_has_a_spark_type():
    assert set(SPARK_TYPES) == set(TYPES)


def test_the_files_hold_exactly_the_contracts_columns_and_types(backfill):
    # Given the files the job wrote (partition values included: Snowpipe loads columns, not paths)
    for table in TABLES:
        directory = backfill.processed.model_dir(table.name, backfill.development)
        schema = pq.read_schema(next(directory.glob("*.parquet")))

        assert tuple(schema.names) == table.column_names
        for column in table.columns:
            written, expected = schema.field(column.name).type, PARQUET_TYPES[column.type]
            if pa.types.is_list(expected):
                assert pa.types.is_list(written) and written.value_type == expected.value_type, column.name
            else:
                assert written == expected, f"{table.name}.{column.name} is {written}"
