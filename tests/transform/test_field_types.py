"""Values of the wrong type: the field or column a value does not fit is named, never read as a silent null."""

from __future__ import annotations

from pyspark.sql import functions as F
from pyspark.sql.types import StructType
from pyspark.testing import assertDataFrameEqual

from transforms.field_types import unfit_column, unfit_line_rule

PAGE = (
    "status int, response struct<total int, items array<struct<id string, duration_ms bigint, "
    "explicit boolean, album struct<id string>>>>"
)


def test_the_first_field_whose_json_value_does_not_fit_the_schema_is_named(spark):
    # Given JSON lines whose values fit the schema (nulls, missing keys and text of any kind included) and lines
    # with one value of the wrong type, at the top, in a nested object and in a list of objects
    lines = spark.createDataFrame(
        [
            ("fits", '{"status": 200, "response": {"total": 2, "items": [{"id": 7, "album": null}]}}'),
            ("nulls", '{"status": null, "response": {"items": [null, {"duration_ms": null}]}}'),
            ("status", '{"status": "200", "response": {}}'),
            ("total", '{"status": 200, "response": {"total": 1.5}}'),
            ("overflow", '{"response": {"total": 4294967296}}'),
            ("duration", '{"response": {"items": [{"duration_ms": 1}, {"duration_ms": "215000"}]}}'),
            ("explicit", '{"response": {"items": [{"explicit": "yes", "duration_ms": 1}]}}'),
            ("album", '{"response": {"items": [{"album": "al1"}]}}'),
            ("items", '{"response": {"items": {"id": "t1"}}}'),
        ],
        "name string, line string",
    )

    # When each line is walked along the schema
    named = lines.select("name", unfit_line_rule(F.col("line"), StructType.fromDDL(PAGE)).alias("rule"))

    # Then the first value that does not fit names the rule; a line where all fit names an unknown field
    assertDataFrameEqual(
        named,
        [
            ("fits", "fits_type:unknown_field"),
            ("nulls", "fits_type:unknown_field"),
            ("status", "fits_type:status"),
            ("total", "fits_type:response.total"),
            ("overflow", "fits_type:response.total"),
            ("duration", "fits_type:response.items[].duration_ms"),
            ("explicit", "fits_type:response.items[].explicit"),
            ("album", "fits_type:response.items[].album"),
            ("items", "fits_type:response.items"),
        ],
    )


def test_the_first_column_whose_value_does_not_fit_its_model_type_is_named(spark):
    # Given candidate columns of other types than the model's: text where an int is expected, a long too large
    frame = spark.createDataFrame(
        [("1", 5, "t1"), ("x", 5, "t2"), (None, 2**40, "t3"), ("2", None, "t4")],
        "disc_number string, total_items bigint, track_id string",
    )

    # When checked against the model's types
    checked = frame.select("track_id", unfit_column(frame, {"disc_number": "int", "total_items": "int"}).alias("c"))

    # Then a value that would be cast to null names its column; null and fitting values name none
    assertDataFrameEqual(checked, [("t1", None), ("t2", "disc_number"), ("t3", "total_items"), ("t4", None)])


def test_columns_of_the_model_type_are_not_checked(spark):
    frame = spark.createDataFrame([("t1", 1)], "track_id string, disc_number int")

    assertDataFrameEqual(frame.select(unfit_column(frame, {"disc_number": "int"}).alias("c")), [(None,)])
