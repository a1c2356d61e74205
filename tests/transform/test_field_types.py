"""Values of the wrong type: the field or column a value does not fit is named, never read as a silent null."""

from __future__ import annotations

import pytest
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
)
from pyspark.testing import assertDataFrameEqual

from transforms.field_types import UNFIT_PAGE, name_unfit_fields, unfit_column, unfit_line_rule

# status int, response struct<total int, items array<struct<id string, duration_ms bigint, explicit boolean,
# album struct<id string>>>> (built by hand: parsing DDL needs a Spark session, the walk does not)
PAGE = StructType(
    [
        StructField("status", IntegerType()),
        StructField(
            "response",
            StructType(
                [
                    StructField("total", IntegerType()),
                    StructField(
                        "items",
                        ArrayType(
                            StructType(
                                [
                                    StructField("id", StringType()),
                                    StructField("duration_ms", LongType()),
                                    StructField("explicit", BooleanType()),
                                    StructField("album", StructType([StructField("id", StringType())])),
                                ]
                            )
                        ),
                    ),
                ]
            ),
        ),
    ]
)


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ('{"status": 200, "response": {"total": 2, "items": [{"id": 7, "album": null}]}}', "fits_type:unknown_field"),
        ('{"status": null, "response": {"items": [null, {"duration_ms": null}]}}', "fits_type:unknown_field"),
        ('{"status": "200", "response": {}}', "fits_type:status"),
        ('{"status": 200, "response": {"total": 1.5}}', "fits_type:response.total"),
        ('{"response": {"total": 4294967296}}', "fits_type:response.total"),
        (
            '{"response": {"items": [{"duration_ms": 1}, {"duration_ms": "215000"}]}}',
            "fits_type:response.items[].duration_ms",
        ),
        ('{"response": {"items": [{"explicit": "yes", "duration_ms": 1}]}}', "fits_type:response.items[].explicit"),
        ('{"response": {"items": [{"explicit": 1}]}}', "fits_type:response.items[].explicit"),
        ('{"response": {"items": [{"album": "al1"}]}}', "fits_type:response.items[].album"),
        ('{"response": {"items": {"id": "t1"}}}', "fits_type:response.items"),
        ('{"response": {"items": [{"duration_ms": 9223372036854775808}]}}', "fits_type:response.items[].duration_ms"),
        ("not json", "fits_type:unknown_field"),
    ],
)
def test_the_first_field_whose_json_value_does_not_fit_the_schema_is_named(line, rule):
    # Given a JSON line whose values fit the schema (nulls, missing keys and text of any kind included), or one with
    # a value of the wrong type at the top, in a nested object or in a list of objects
    # When it is walked along the schema, then the first value that does not fit names the rule; a line where all
    # fit names an unknown field
    assert unfit_line_rule(line, PAGE) == rule


def test_only_the_lines_the_reader_marked_get_their_field_named(spark):
    # Given lines of two sources: good, broken by another rule, and marked by the reader as holding an unfit value
    lines = spark.createDataFrame(
        [
            ("a", '{"status": "200"}', None),
            ("a", '{"status": 200, "response": {"total": "x"}}', "error_status"),
            ("a", '{"status": 200, "response": {"total": "2"}}', UNFIT_PAGE),
            ("b", '{"status": 200, "response": {"total": "2"}}', UNFIT_PAGE),
        ],
        "source string, record string, page_rule string",
    )
    schemas = {"a": PAGE, "b": StructType.fromDDL("status int, response string")}

    # When the marked lines are named
    named = name_unfit_fields(lines, "page_rule", schemas)

    # Then each marked line names its field in its own source's schema, and no other line changes
    assertDataFrameEqual(
        named,
        [
            ("a", '{"status": "200"}', None),
            ("a", '{"status": 200, "response": {"total": "x"}}', "error_status"),
            ("a", '{"status": 200, "response": {"total": "2"}}', "fits_type:response.total"),
            ("b", '{"status": 200, "response": {"total": "2"}}', "fits_type:unknown_field"),
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
