"""transforms/history.py and fact_play's candidates from the history export: inline pages in, rows out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import DateType, StringType, StructField, StructType, TimestampType
from pyspark.testing import assertDataFrameEqual

from contracts.model import FACT_PLAY, PLAY_SOURCE_EXPORT
from contracts.raw_zone import Source
from transforms import history, tables
from transforms.schemas import envelope

RUN_ID = "20230103T235959Z-0a1b2c3d"
INGEST_DATE = date(2023, 1, 3)
FETCHED_AT = datetime(2026, 12, 1, 6, 15, tzinfo=UTC)
SOURCE_FILE = f"{Source.HISTORY_EXPORT}/0"
PROVENANCE = {"run_id": RUN_ID, "ingest_date": INGEST_DATE, "source_file": SOURCE_FILE, "fetched_at": FETCHED_AT}
_PAGES_SCHEMA = StructType(
    [
        StructField("source_file", StringType()),
        StructField("source", StringType()),
        StructField("run_id", StringType()),
        StructField("ingest_date", DateType()),
        StructField("fetched_at", TimestampType()),
        StructField("page_rule", StringType()),
        *(StructField(source, envelope(source)) for source in Source.ALL),
    ]
)

TRACK_ROW = {
    "ts": "2023-01-02T10:00:03Z",
    "platform": "android",
    "ip_addr": "203.0.113.9",
    "conn_country": "SE",
    "ms_played": 201_000,
    "master_metadata_track_name": "Love On Top",
    "spotify_track_uri": "spotify:track:t1",
    "spotify_episode_uri": None,
    "reason_start": "trackdone",
    "reason_end": "trackdone",
    "shuffle": True,
    "skipped": False,
    "offline": False,
}
PARTIAL_ROW = {**TRACK_ROW, "ts": "2023-01-02T10:05:00Z", "ms_played": 412, "reason_end": "fwdbtn", "skipped": True}
EPISODE_ROW = {**TRACK_ROW, "master_metadata_track_name": None, "spotify_track_uri": None}
EPISODE_ROW |= {"spotify_episode_uri": "spotify:episode:e1", "episode_name": "Pilot"}
AUDIOBOOK_ROW = {**EPISODE_ROW, "spotify_episode_uri": None, "audiobook_chapter_uri": "spotify:chapter:c1"}
OLDER_ROW = {k: v for k, v in TRACK_ROW.items() if k not in ("ip_addr", "reason_end")}
OLDER_ROW |= {"ts": "2022-06-01T08:00:00Z", "username": "listener", "user_agent_decrypted": "unknown"}


def export_pages(spark: SparkSession, *rows: dict[str, Any]) -> DataFrame:
    body = {"source": Source.HISTORY_EXPORT, "entity_id": "Streaming_History_Audio_2023_0.json", "status": 200}
    body |= {"request": {"method": "IMPORT", "params": {}}, "response": {"items": list(rows)}}
    line = (SOURCE_FILE, Source.HISTORY_EXPORT, RUN_ID, INGEST_DATE, FETCHED_AT, None)
    line += tuple(body if column == Source.HISTORY_EXPORT else None for column in Source.ALL)
    return spark.createDataFrame([line], _PAGES_SCHEMA)


def candidates(spark: SparkSession, *rows: dict[str, Any]) -> DataFrame:
    columns = ", ".join(f"{column.name} {column.type}" for column in FACT_PLAY.columns)
    ddl = f"{columns}, drop_reason string, preference int, fetched_at timestamp, unfit_column string"
    return spark.createDataFrame([{**PROVENANCE, "preference": 0, **row} for row in rows], ddl)


def test_each_export_row_is_a_play_candidate_with_what_the_export_knows(spark):
    pages = export_pages(spark, TRACK_ROW, PARTIAL_ROW, OLDER_ROW)

    plays = tables.fact_play(history.all_play_records(pages, _no_api_plays(spark))).drop("raw_record")

    export = {"track_id": "t1", "play_source": PLAY_SOURCE_EXPORT, "shuffle": True, "offline": False}
    expected = candidates(
        spark,
        {**export, "played_at": datetime(2023, 1, 2, 10, 0, 3, tzinfo=UTC), "ms_played": 201_000}
        | {"skipped": False, "reason_start": "trackdone", "reason_end": "trackdone"},
        {**export, "played_at": datetime(2023, 1, 2, 10, 5, tzinfo=UTC), "ms_played": 412}
        | {"skipped": True, "reason_start": "trackdone", "reason_end": "fwdbtn"},
        # the older field set, in a year without reason_end
        {**export, "played_at": datetime(2022, 6, 1, 8, tzinfo=UTC), "ms_played": 201_000}
        | {"skipped": False, "reason_start": "trackdone"},
    )
    assertDataFrameEqual(plays, expected)


def test_podcast_and_audiobook_rows_are_documented_drops(spark):
    pages = export_pages(spark, EPISODE_ROW, AUDIOBOOK_ROW)

    plays = tables.fact_play(history.all_play_records(pages, _no_api_plays(spark)))

    assert sorted(r.drop_reason for r in plays.collect()) == [history.NOT_A_TRACK, history.PODCAST_EPISODE]


def test_personal_fields_are_in_no_column_and_no_raw_record(spark):
    pages = export_pages(spark, TRACK_ROW, OLDER_ROW, EPISODE_ROW)

    plays = tables.fact_play(history.all_play_records(pages, _no_api_plays(spark)))

    text = " ".join(str(row.asDict()) for row in plays.collect())
    assert "203.0.113.9" not in text and "listener" not in text and "android" not in text
    assert not {"ip_addr", "platform", "conn_country", "username"} & set(plays.columns)


def test_a_malformed_track_uri_gives_a_null_key_for_the_quarantine(spark):
    pages = export_pages(spark, {**TRACK_ROW, "spotify_track_uri": "spotify:track:"})

    plays = tables.fact_play(history.all_play_records(pages, _no_api_plays(spark)))

    assert [(r.track_id, r.drop_reason) for r in plays.collect()] == [(None, None)]


def test_export_tracks_are_named_occurrences_below_every_api_shape(spark):
    pages = export_pages(spark, TRACK_ROW, EPISODE_ROW)

    occurrences = history.export_track_occurrences(pages).select("detail", "album_id", "track.id", "track.name")

    expected = spark.createDataFrame(
        [(history.NAMED, None, "t1", "Love On Top")], "detail int, album_id string, id string, name string"
    )
    assertDataFrameEqual(occurrences, expected)


def _no_api_plays(spark: SparkSession) -> DataFrame:
    from transforms import records

    return records.play_records(export_pages(spark))


def test_full_tracks_fetched_for_the_history_are_full_track_occurrences(spark):
    full = {"id": "t1", "name": "Love On Top", "type": "track", "duration_ms": 267_000, "album": {"id": "al_four"}}
    body = {"source": Source.TRACKS, "entity_id": "t1", "status": 200, "request": {"method": "GET", "params": {}}}
    batch = {**body, "entity_id": None, "response": {"tracks": [{**full, "id": "t2"}, None]}}
    line = (f"{Source.TRACKS}/0", Source.TRACKS, RUN_ID, INGEST_DATE, FETCHED_AT, None)
    rows = [
        line + tuple({**body, "response": full} if c == Source.TRACKS else None for c in Source.ALL),
        line + tuple(batch if c == Source.TRACKS else None for c in Source.ALL),
    ]
    pages = spark.createDataFrame(rows, _PAGES_SCHEMA)

    occurrences = history.fetched_track_occurrences(pages).select("detail", "album_id", "track.id", "track.duration_ms")

    expected = spark.createDataFrame(
        [(2, "al_four", "t1", 267_000), (2, "al_four", "t2", 267_000)],
        "detail int, album_id string, id string, duration_ms bigint",
    )
    assertDataFrameEqual(occurrences, expected)
