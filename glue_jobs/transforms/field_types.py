"""Values of the wrong type: a JSON value that does not fit the type its schema declares is never lost silently.

Spark's JSON reader turns a value it cannot read as its declared type (a string where the schema says a number, a
number too large for an `int`, a scalar where it expects an object) into null and goes on with the rest of the
line. Two places catch that:

- a raw page: the reader marks the line (`CORRUPT_FIELD` in its parse, set only when something did not fit), and
  `first_unfit` then names the first field that did not fit, by walking the line (parsed once more, as a variant,
  only for the marked lines) along the source's schema. The page is quarantined whole with the rule
  `fits_type:<field>` (e.g. `fits_type:response.items[].track.duration_ms`): a type the API changed is a question
  for a human, and the page's other records would otherwise be written beside a hole;
- a model column: `unfit_column` names the first column whose value does not fit the model's type (the contract's),
  and the candidate is quarantined with the rule `fits_type:<column>` (quality.py).
"""

from __future__ import annotations

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


def with_corrupt_field(schema: StructType) -> StructType:
    """`schema` and the column the reader marks a line in when one of its values does not fit."""
    return StructType([*schema.fields, StructField(CORRUPT_FIELD, StringType())])


def _scalar_fits(value: Column, kind: Column, data_type: DataType) -> Column:
    """Whether a JSON scalar (a variant of JSON type `kind`) is one Spark's reader reads as `data_type`."""
    if isinstance(data_type, BooleanType):
        return kind == "BOOLEAN"
    if isinstance(data_type, LongType):
        return kind == "BIGINT"
    if isinstance(data_type, IntegerType):
        return (kind == "BIGINT") & F.try_variant_get(value, "$", "int").isNotNull()
    return F.try_variant_get(value, "$", data_type.simpleString()).isNotNull()


def _can_fail(data_type: DataType) -> bool:
    if isinstance(data_type, StructType):
        return True
    if isinstance(data_type, ArrayType):
        return True
    return not isinstance(data_type, StringType)


def first_unfit(value: Column, data_type: DataType, path: str) -> Column | None:
    """The path of the first value in `value` (a variant) that does not fit `data_type`, null when all fit; None
    when nothing under `data_type` can fail to fit (text reads any JSON value)."""
    if isinstance(data_type, StringType):
        return None
    kind = F.schema_of_variant(value)
    absent = value.isNull() | (kind == "VOID")  # a JSON null fits every type
    if isinstance(data_type, StructType):
        inner = [
            found
            for field in data_type.fields
            if (
                found := first_unfit(
                    F.try_variant_get(value, f"$.{field.name}", "variant"), field.dataType, f"{path}.{field.name}"
                )
            )
            is not None
        ]
        named = F.when(absent, _null()).when(~kind.startswith("OBJECT"), F.lit(path))
        return named.otherwise(F.coalesce(*inner)) if inner else named
    if isinstance(data_type, ArrayType):
        elements = F.try_variant_get(value, "$", "array<variant>")
        named = F.when(absent, _null()).when(~kind.startswith("ARRAY"), F.lit(path))
        if not _can_fail(data_type.elementType):
            return named
        in_elements = F.filter(
            F.transform(elements, lambda element: first_unfit(element, data_type.elementType, f"{path}[]")),
            lambda found: found.isNotNull(),
        )
        return named.otherwise(F.get(in_elements, 0))
    if isinstance(data_type, MapType):
        return F.when(absent, _null()).when(~kind.startswith("OBJECT"), F.lit(path))
    return F.when(absent | _scalar_fits(value, kind, data_type), _null()).otherwise(F.lit(path))


def unfit_line_rule(line: Column, schema: StructType) -> Column:
    """The `fits_type` rule of a JSON line marked by the reader: the first field of `schema` that did not fit."""
    parsed = F.try_parse_json(line)
    fields = [
        found
        for field in schema.fields
        if (found := first_unfit(F.try_variant_get(parsed, f"$.{field.name}", "variant"), field.dataType, field.name))
        is not None
    ]
    return F.concat(F.lit(FITS_TYPE + ":"), F.coalesce(*fields, F.lit(UNNAMED_FIELD)))


def unfit_column(frame: DataFrame, model_types: dict[str, str]) -> Column:
    """The first of `model_types`' columns (name -> model type) whose value in `frame` does not fit the model's
    type (a cast that fails), else null. Columns already of the model's type cost nothing."""
    unfit = [
        F.when(F.col(name).isNotNull() & F.col(name).try_cast(SPARK_TYPES[model_type]).isNull(), F.lit(name))
        for name, model_type in model_types.items()
        if frame.schema[name].dataType != SPARK_TYPES[model_type]
    ]
    return F.coalesce(*unfit, _null()) if unfit else _null()
