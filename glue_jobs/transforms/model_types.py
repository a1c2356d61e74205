"""The model's neutral column types (contracts/model.py) as Spark types; every output schema derives from them.

Nothing here lists a table's columns: they come from the contract, so a column added there reaches the job's
output without a second edit.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DateType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from contracts.model import LINEAGE, Table

SPARK_TYPES: dict[str, DataType] = {
    "string": StringType(),
    "int": IntegerType(),
    "long": LongType(),
    "double": DoubleType(),
    "boolean": BooleanType(),
    "date": DateType(),
    # Instants in UTC: the session time zone is UTC and Parquet stores them as TIMESTAMP_MICROS.
    "timestamp": TimestampType(),
    "array<string>": ArrayType(StringType()),
}

LINEAGE_COLUMNS = tuple(c.name for c in LINEAGE)


def data_columns(table: Table) -> tuple[str, ...]:
    """The columns that describe the entity or event, without the lineage every table carries."""
    return tuple(name for name in table.column_names if name not in LINEAGE_COLUMNS)


def typed(table: Table, name: str) -> Column:
    """Column `name` cast to its model type (try_cast: a value that does not fit becomes null, never an error; its
    candidate is quarantined first, see `field_types.unfit_column`)."""
    # The type by its SQL name: PySpark rebuilds a DataType object in the JVM in a dozen py4j calls per cast, which
    # were a tenth of a daily run's calls; a name is parsed in one.
    return F.col(name).try_cast(SPARK_TYPES[table.column(name).type].simpleString()).alias(name)


def conform(frame: DataFrame, table: Table) -> DataFrame:
    """Exactly the table's columns, in contract order, with their model types."""
    return frame.select(*(typed(table, name) for name in table.column_names))


def spark_schema(table: Table) -> StructType:
    """The Spark schema of a table's rows, as its contract types them."""
    return StructType([StructField(c.name, SPARK_TYPES[c.type], c.nullable) for c in table.columns])
