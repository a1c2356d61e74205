"""Values of the wrong type: a JSON value that does not fit the type its schema declares is never lost silently.

Spark's JSON reader turns a value it cannot read as its declared type (a string where the schema says a number, a
number too large for an `int`, a scalar where it expects an object) into null and goes on with the rest of the
line. Two places catch that:

- a raw page: the reader marks the line (`CORRUPT_FIELD` in its parse, set only when something did not fit), and
  the page is quarantined whole with the rule `fits_type:<field>` (e.g.
  `fits_type:response.items[].track.duration_ms`): a type the API changed is a question for a human, and the page's
  other records would otherwise be written beside a hole. `first_unfit` names the field by walking the parsed line
  along the source's schema in plain Python; `name_unfit_fields` runs it on the marked lines only, so a day
  without such a page costs nothing (an expression over every line, planned for every source's schema, cost a daily
  run 20 s of planning);
- a model column: `unfit_column` names the first column whose value does not fit the model's type (the contract's),
  and the candidate is quarantined with the rule `fits_type:<column>` (quality.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
)

from .model_types import SPARK_TYPES

FITS_TYPE = "fits_type"
# The parse's column that holds a line any value of which did not fit its schema (Spark's name for it).
CORRUPT_FIELD = "_corrupt_record"
CORRUPT_OPTIONS = {"columnNameOfCorruptRecord": CORRUPT_FIELD}
# The field is named when the walk finds it; a line Spark marks for a reason the walk does not know says so.
UNNAMED_FIELD = "unknown_field"
# A candidate's column naming its first column whose value does not fit the model's type (null: all fit).
UNFIT_COLUMN = "unfit_column"


def _null() -> Column:
    return F.lit(None).cast(StringType())


def fits_type_rule(field: str) -> str:
    """The quarantine rule of a value of the wrong type in `field`."""
    return f"{FITS_TYPE}:{field}"


# A line the reader marked, until `name_unfit_fields` names its field.
UNFIT_PAGE = fits_type_rule(UNNAMED_FIELD)


def with_corrupt_field(schema: StructType) -> StructType:
    """`schema` and the column the reader marks a line in when one of its values does not fit."""
    return StructType([*schema.fields, StructField(CORRUPT_FIELD, StringType())])


# Spark's reader takes an integral JSON number into an int or a bigint only within its range.
_INTEGRAL_RANGES: dict[type[DataType], int] = {IntegerType: 2**31, LongType: 2**63}


def first_unfit(value: Any, data_type: DataType, path: str = "") -> str | None:
    """The path of the first value under `value` (parsed JSON) that Spark's JSON reader cannot read as
    `data_type`, in the schema's order (`response.items[].duration_ms`); None when every value fits. A JSON null or
    a missing key fits every type, and text reads any JSON value."""
    if value is None or isinstance(data_type, StringType):
        return None
    if isinstance(data_type, StructType):
        if not isinstance(value, dict):
            return path
        for field in data_type.fields:
            found = first_unfit(value.get(field.name), field.dataType, f"{path}.{field.name}".lstrip("."))
            if found is not None:
                return found
        return None
    if isinstance(data_type, ArrayType):
        if not isinstance(value, list):
            return path
        return next((f for e in value if (f := first_unfit(e, data_type.elementType, f"{path}[]")) is not None), None)
    if isinstance(data_type, MapType):
        return None if isinstance(value, dict) else path
    if isinstance(data_type, BooleanType):
        return None if isinstance(value, bool) else path
    limit = _INTEGRAL_RANGES.get(type(data_type))
    if limit is None:
        raise TypeError(f"first_unfit does not know Spark's reading of {data_type.simpleString()}; add it")
    fits = isinstance(value, int) and not isinstance(value, bool) and -limit <= value < limit
    return None if fits else path


def unfit_line_rule(line: str | None, schema: StructType) -> str:
    """The `fits_type` rule of a JSON line the reader marked: the first field of `schema` that did not fit, or
    `UNNAMED_FIELD` when the walk finds none (a line Spark reads less strictly than Python)."""
    try:
        parsed = json.loads(line) if line is not None else None
    except ValueError:
        parsed = None
    return fits_type_rule(first_unfit(parsed, schema) or UNNAMED_FIELD)


def name_unfit_fields(lines: DataFrame, rule: str, schemas: Mapping[str, StructType]) -> DataFrame:
    """`lines` (columns `source`, `record` and `rule`) with `rule` naming the field on each line whose rule is
    `UNFIT_PAGE` (the reader marked it), walked along its source's schema in `schemas`."""
    marked = F.col(rule) == UNFIT_PAGE

    named = F.udf(lambda record, source: unfit_line_rule(record, schemas[source]), StringType())

    # Only the marked lines go through the Python walk: a UDF inside a CASE is still evaluated for every row.
    named_lines = lines.where(marked).withColumn(rule, named("record", "source"))
    return lines.where(~marked | F.col(rule).isNull()).unionByName(named_lines)


def unfit_column(frame: DataFrame, model_types: dict[str, str]) -> Column:
    """The first of `model_types`' columns (name -> model type) whose value in `frame` does not fit the model's
    type (a cast that fails), else null. Columns already of the model's type cost nothing."""
    unfit = [
        F.when(F.col(name).isNotNull() & F.col(name).try_cast(SPARK_TYPES[model_type]).isNull(), F.lit(name))
        for name, model_type in model_types.items()
        if frame.schema[name].dataType != SPARK_TYPES[model_type]
    ]
    return F.coalesce(*unfit, _null()) if unfit else _null()
