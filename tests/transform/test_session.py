"""The Spark settings the job sets itself, on Glue's session as on a local one."""

from __future__ import annotations

import datetime

import pyarrow.parquet as pq
from pyspark.sql import functions as F
from pyspark.sql.types import DateType, LongType, StringType, StructField, StructType, TimestampType

from transforms.session import apply_session_settings, driver_rows, interpreted_for, shuffle_partitions_for


def test_a_running_session_takes_the_jobs_settings(spark):
    # Given a session someone else configured (Glue creates its own before the script runs)
    spark.conf.set("spark.sql.session.timeZone", "America/New_York")
    spark.conf.set("spark.sql.parquet.outputTimestampType", "INT96")
    try:
        # When the job applies its settings
        apply_session_settings(spark, shuffle_partitions=3)

        # Then they hold
        settings = {
            key: spark.conf.get(key)
            for key in (
                "spark.sql.session.timeZone",
                "spark.sql.parquet.outputTimestampType",
                "spark.sql.shuffle.partitions",
                "spark.sql.sources.partitionOverwriteMode",
                "mapreduce.fileoutputcommitter.marksuccessfuljobs",
            )
        }
        assert settings == {
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
            "spark.sql.shuffle.partitions": "3",
            "spark.sql.sources.partitionOverwriteMode": "dynamic",
            "mapreduce.fileoutputcommitter.marksuccessfuljobs": "false",
        }
    finally:
        apply_session_settings(spark, shuffle_partitions=2, interpreted=True)


def test_timestamps_reach_the_files_as_utc_microseconds(backfill):
    directory = backfill.processed.model_dir("fact_play", backfill.development)
    schema = pq.read_schema(next(directory.glob("*.parquet")))

    # Snowflake and DuckDB read these; Spark's INT96 default is deprecated
    assert str(schema.field("played_at").type) == "timestamp[us, tz=UTC]"


def test_shuffle_partitions_are_sized_to_the_data():
    daily_run = 5 * 1024 * 1024
    backfill = 10 * 1024**3

    assert shuffle_partitions_for(daily_run) == 1
    assert shuffle_partitions_for(backfill) == 640  # ~128 MB of parsed JSON each
    assert shuffle_partitions_for(10 * 1024**4) == 2000  # bounded


def test_a_daily_runs_plans_are_interpreted_and_a_backfills_compiled(spark):
    # A daily run's ~40 KB of pages, and 1,000,000 playlist items' ~290 MB
    assert interpreted_for(40 * 1024) and not interpreted_for(290 * 1024 * 1024)
    try:
        apply_session_settings(spark, shuffle_partitions=2, interpreted=True)
        assert spark.conf.get("spark.sql.codegen.factoryMode") == "NO_CODEGEN"
        assert spark.conf.get("spark.sql.codegen.wholeStage") == "false"
        apply_session_settings(spark, shuffle_partitions=2, interpreted=False)
        assert spark.conf.get("spark.sql.codegen.factoryMode") == "FALLBACK"
        assert spark.conf.get("spark.sql.codegen.wholeStage") == "true"
    finally:
        # The tests' session is short-lived: it interprets
        apply_session_settings(spark, shuffle_partitions=2, interpreted=True)


def test_rows_the_driver_holds_become_a_frame_of_exactly_their_schema(spark):
    # Given rows with an instant to the microsecond, a date, nulls, and a schema with required columns
    schema = StructType(
        [
            StructField("run_id", StringType(), nullable=False),
            StructField("ingest_date", DateType(), nullable=False),
            StructField("started_at", TimestampType()),
            StructField("api_calls", LongType()),
        ]
    )
    started = datetime.datetime(2026, 12, 4, 13, 30, 1, 123456, tzinfo=datetime.UTC)
    rows = [("run-1", datetime.date(2026, 12, 4), started, 2**40), ("run-2", datetime.date(2026, 12, 3), None, None)]

    # When they become a DataFrame
    frame = driver_rows(spark, rows, schema)

    # Then it has the schema as given (required columns stay required) and every value exactly
    assert frame.schema == schema
    # (the instant as microseconds since the epoch: Python reads a timestamp back in the machine's time zone)
    read = frame.orderBy("run_id").select("run_id", "ingest_date", F.unix_micros("started_at"), "api_calls")
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    micros = (started - epoch) // datetime.timedelta(microseconds=1)
    assert [tuple(row) for row in read.collect()] == [
        ("run-1", datetime.date(2026, 12, 4), micros, 2**40),
        ("run-2", datetime.date(2026, 12, 3), None, None),
    ]
    assert driver_rows(spark, [], schema).count() == 0
