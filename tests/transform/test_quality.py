"""Data quality: each candidate row ends output, quarantined (with its rule) or dropped (with its reason)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, StringType, StructField, StructType, TimestampType
from pyspark.testing import assertDataFrameEqual
from transform_fixtures import SILENCE

from contracts.model import DIM_ALBUM, DIM_ARTIST, DIM_PLAYLIST, DIM_TRACK, FACT_PLAY, FACT_TOP_ITEM, Table
from contracts.processed_zone import PAGES_QUARANTINE
from transforms.model_types import SPARK_TYPES
from transforms.quality import Classified, classify, counted_outcomes, outcome_totals, output_rows, quarantine_rows

RUN = {"run_id": "20261124T061500Z-0a1b2c3d", "ingest_date": date(2026, 11, 24), "source_file": "part-00000.jsonl.gz"}
_CONTROL = [
    StructField("drop_reason", StringType()),
    StructField("preference", IntegerType()),
    StructField("fetched_at", TimestampType()),
    StructField("raw_record", StringType()),
]


def candidates(spark: SparkSession, table: Table, rows: list[dict[str, Any]]) -> DataFrame:
    """Candidate rows as `tables` makes them: the table's columns (any may be null) plus the control columns."""
    fields = [StructField(c.name, SPARK_TYPES[c.type]) for c in table.columns]
    schema = StructType([*fields, *_CONTROL])
    defaults = {**RUN, "preference": 0, "fetched_at": datetime(2026, 11, 24, 6, 0, tzinfo=UTC)}
    filled = [{**defaults, "raw_record": json.dumps(row, default=str), **row} for row in rows]
    return spark.createDataFrame([tuple(row.get(name) for name in schema.fieldNames()) for row in filled], schema)


def dimension(spark: SparkSession, table: Table, *ids: str) -> DataFrame:
    """A dimension's output rows with these keys."""
    key = table.key[0]
    return output_rows(classify(table, candidates(spark, table, [{key: i} for i in ids])))


def counts(classified: Classified) -> dict[tuple[str, str | None], int]:
    """Candidates per outcome and reason, as the run report counts them."""
    return {
        (outcome, reason): rows
        for total in outcome_totals(classified.decisions).collect()
        for outcome, reason, rows in counted_outcomes(total)
    }


def quarantined(classified: Classified, *columns: str) -> list[tuple]:
    """The quarantined candidates: their rule, then `columns` of the row in their record."""
    return sorted(
        (row["rule"], *(json.loads(row["record"])["row"][column] for column in columns))
        for row in quarantine_rows(classified).collect()
    )


def test_an_entity_seen_twice_keeps_its_most_complete_record(spark):
    # Given a playlist from the user's listing (simplified) and from its own endpoint (full)
    given = candidates(
        spark,
        DIM_PLAYLIST,
        [
            {"playlist_id": "p1", "playlist_name": "Road trip", "preference": 0},
            {"playlist_id": "p1", "playlist_name": "Road trip", "description": "Songs", "preference": 2},
        ],
    )

    # When classified
    classified = classify(DIM_PLAYLIST, given)

    # Then the full one is output and the other is a documented duplicate
    assertDataFrameEqual(output_rows(classified).select("playlist_id", "description"), [("p1", "Songs")])
    assert counts(classified) == {("output", None): 1, ("dropped", "duplicate_key"): 1}
    assert quarantined(classified) == []


def test_a_value_that_did_not_fit_its_column_type_is_quarantined_naming_the_column(spark):
    # Given two tracks, one whose duration did not fit the model's type (its value read as null)
    given = candidates(
        spark, DIM_TRACK, [{"track_id": "t1", "duration_ms": 1000}, {"track_id": "t2", "duration_ms": None}]
    ).withColumn("unfit_column", F.when(F.col("track_id") == "t2", F.lit("duration_ms")))

    # When classified
    classified = classify(DIM_TRACK, given)

    # Then it is quarantined with the rule naming the column, not output with a null duration
    assertDataFrameEqual(output_rows(classified).select("track_id"), [("t1",)])
    assert quarantined(classified, "track_id") == [("fits_type:duration_ms", "t2")]
    assert counts(classified) == {("output", None): 1, ("quarantined", "fits_type:duration_ms"): 1}


def test_an_event_reported_twice_is_kept_once_and_a_conflicting_one_is_quarantined(spark):
    # Given the same play on two pages, the same play with another context, a play of a track no dimension row
    # has, a play without a track id and a removed track
    at = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    later = {"fetched_at": datetime(2026, 11, 24, 6, 1, tzinfo=UTC), "source_file": "part-00001.jsonl.gz"}
    earlier = {"fetched_at": datetime(2026, 11, 24, 5, 59, tzinfo=UTC)}
    given = candidates(
        spark,
        FACT_PLAY,
        [
            {"played_at": at, "track_id": "t1", "context_type": "playlist", **later},
            {"played_at": at, "track_id": "t1", "context_type": "playlist"},
            {"played_at": at, "track_id": "t1", "context_type": "album", **earlier},
            {"played_at": at, "track_id": "t2", "context_type": "playlist"},
            {"played_at": at, "track_id": None, "context_type": "playlist"},
            {"played_at": at, "track_id": None, "drop_reason": "removed_item"},
        ],
    )

    # When classified against the tracks the run outputs
    classified = classify(FACT_PLAY, given, {DIM_TRACK.name: dimension(spark, DIM_TRACK, "t1")})

    # Then the latest fetched copy is kept, the same play again is a duplicate, the conflicting one is quarantined
    assertDataFrameEqual(
        output_rows(classified).select("track_id", "context_type", "source_file"),
        [("t1", "playlist", "part-00001.jsonl.gz")],
    )
    assert quarantined(classified, "track_id", "context_type") == [
        ("key_unique", "t1", "album"),
        ("references_dim_track", "t2", "playlist"),
        ("track_id_not_null", None, "playlist"),
    ]
    assert counts(classified) == {
        ("output", None): 1,
        ("dropped", "duplicate_key"): 1,
        ("dropped", "removed_item"): 1,
        ("quarantined", "key_unique"): 1,
        ("quarantined", "references_dim_track"): 1,
        ("quarantined", "track_id_not_null"): 1,
    }


def test_a_top_item_needs_a_rank_from_1_to_50_a_known_type_and_an_existing_item(spark):
    ranked = [
        ("track", 1, "t1", None),
        ("artist", 50, "a1", None),
        ("track", 0, "t1", "rank_in_range"),
        ("track", 51, "t1", "rank_in_range"),
        ("show", 1, "s1", "item_type_known"),
        ("artist", 2, "t1", "references_dim_artist"),  # a track's id in the artists' list
    ]
    given = candidates(
        spark,
        FACT_TOP_ITEM,
        [
            {"snapshot_date": RUN["ingest_date"], "time_range": "short_term", "item_type": t, "rank": r, "item_id": i}
            for t, r, i, _ in ranked
        ],
    )
    dimensions = {
        DIM_TRACK.name: dimension(spark, DIM_TRACK, "t1"),
        DIM_ARTIST.name: dimension(spark, DIM_ARTIST, "a1"),
    }

    classified = classify(FACT_TOP_ITEM, given, dimensions)

    assert sorted((row["item_type"], row["rank"]) for row in output_rows(classified).collect()) == sorted(
        (t, rank) for t, rank, _, reason in ranked if reason is None
    )
    assert quarantined(classified, "item_type", "rank") == sorted(
        (reason, t, rank) for t, rank, _, reason in ranked if reason is not None
    )


@pytest.mark.parametrize(
    ("release_year", "rule"),
    [(1899, "release_year_plausible"), (1900, None), (2027, None), (2028, "release_year_plausible"), (None, None)],
)
def test_a_release_year_is_plausible_from_1900_to_the_year_after_the_run(spark, release_year, rule):
    given = candidates(spark, DIM_ALBUM, [{"album_id": "a1", "release_year": release_year}])

    classified = classify(DIM_ALBUM, given)

    assert [row["rule"] for row in quarantine_rows(classified).collect()] == ([rule] if rule else [])
    assert output_rows(classified).count() == (0 if rule else 1)


def test_quarantined_rows_name_the_rule_and_hold_the_record_as_read(backfill):
    # Given the backfill's development day, with a track of zero duration and a page whose body was not JSON
    [track] = backfill.processed.quarantine(DIM_TRACK.name, backfill.development)
    [page] = backfill.processed.quarantine(PAGES_QUARANTINE, backfill.development)

    assert (track["table_name"], track["rule"]) == ("dim_track", "duration_ms_positive")
    record = json.loads(track["record"])
    assert (record["row"]["track_id"], record["row"]["duration_ms"], record["row"]["popularity"]) == (SILENCE, 0, None)
    assert (record["raw"]["name"], record["raw"]["duration_ms"]) == ("Тишина", 0)
    # the page keeps its whole envelope, the body as text included
    assert (page["table_name"], page["rule"]) == (PAGES_QUARANTINE, "malformed_response")
    assert json.loads(page["record"])["response_text"] == '{"items": [{"track": '
