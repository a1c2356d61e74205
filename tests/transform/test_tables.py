"""Each function of transforms/tables.py on its own: a few records in, the table's candidate rows out (its columns
typed as in contracts/model.py, then `drop_reason`, `preference`, `fetched_at`, `raw_record`, `unfit_column`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.testing import assertDataFrameEqual

from contracts.model import (
    BRIDGE_ALBUM_ARTIST,
    BRIDGE_TRACK_ARTIST,
    DIM_ALBUM,
    DIM_ARTIST,
    DIM_PLAYLIST,
    DIM_TRACK,
    FACT_PLAY,
    FACT_PLAYLIST_ITEM,
    FACT_SAVED_TRACK,
    FACT_TOP_ITEM,
    Table,
)
from transforms import tables
from transforms.quality import LOCAL_FILE, REMOVED_ITEM

RUN_ID = "20261124T061500Z-0a1b2c3d"
INGEST_DATE = date(2026, 11, 24)
FETCHED_AT = datetime(2026, 11, 24, 6, 15, tzinfo=UTC)
PROVENANCE = {"run_id": RUN_ID, "ingest_date": INGEST_DATE, "source_file": "raw/part-0", "fetched_at": FETCHED_AT}
_PROVENANCE_DDL = "run_id string, ingest_date date, source_file string, fetched_at timestamp"


def records(spark: SparkSession, ddl: str, *rows: dict[str, Any]) -> DataFrame:
    """Records of the `records.py` shape `ddl` (after the provenance columns), each row read from the same page."""
    return spark.createDataFrame([{**PROVENANCE, **row} for row in rows], f"{_PROVENANCE_DDL}, {ddl}")


def candidates(spark: SparkSession, table: Table, *rows: dict[str, Any]) -> DataFrame:
    """The expected candidates of `table`: its columns with the contract's types, then what classification reads."""
    columns = ", ".join(f"{column.name} {column.type}" for column in table.columns)
    ddl = f"{columns}, drop_reason string, preference int, fetched_at timestamp, raw_record string, unfit_column string"
    return spark.createDataFrame([{**PROVENANCE, **row} for row in rows], ddl)


# Dimensions ------------------------------------------------------------------------------------------------------

_TRACK_RECORD = (
    "track_id string, track_name string, duration_ms bigint, explicit boolean, isrc string, album_id string, "
    "disc_number int, track_number {track_number}, popularity int, is_local boolean, detail int, raw_record string"
)


def test_dim_track_prefers_the_most_complete_record_and_drops_local_files(spark):
    love_on_top = {"track_id": "t1", "track_name": "Love On Top", "duration_ms": 267_000, "explicit": False}
    love_on_top |= {"isrc": "USTRK", "album_id": "al_four", "disc_number": 1, "track_number": 1, "popularity": 81}
    tracks = records(
        spark,
        _TRACK_RECORD.format(track_number="int"),
        {**love_on_top, "is_local": False, "detail": 1, "raw_record": '{"id":"t1"}'},
        {"track_name": "Demo.mp3", "is_local": True, "detail": 1, "raw_record": '{"name":"Demo.mp3"}'},
    )

    candidate_rows = tables.dim_track(tracks)

    expected = candidates(
        spark,
        DIM_TRACK,
        {**love_on_top, "preference": 1, "raw_record": '{"id":"t1"}'},
        {"track_name": "Demo.mp3", "drop_reason": LOCAL_FILE, "preference": 1, "raw_record": '{"name":"Demo.mp3"}'},
    )
    assertDataFrameEqual(candidate_rows, expected)


def test_dim_track_names_a_value_that_does_not_fit_its_column(spark):
    # a track number read as text ("A1", a vinyl side) cannot be the model's int
    tracks = records(
        spark,
        _TRACK_RECORD.format(track_number="string"),
        {"track_id": "t1", "track_number": "A1", "is_local": False, "detail": 0, "raw_record": '{"id":"t1"}'},
    )

    candidate_rows = tables.dim_track(tracks)

    expected = candidates(
        spark,
        DIM_TRACK,
        {"track_id": "t1", "preference": 0, "raw_record": '{"id":"t1"}', "unfit_column": "track_number"},
    )
    assertDataFrameEqual(candidate_rows, expected)


def test_dim_album_prefers_the_full_album_and_drops_albums_of_local_files(spark):
    ddl = (
        "album_id string, album_name string, album_type string, release_date string, "
        "release_date_precision string, release_year int, total_tracks int, label string, image_url string, "
        "is_local boolean, detail int, raw_record string"
    )
    four = {"album_id": "al_four", "album_name": "4", "release_date": "2011-06-24", "release_year": 2011}
    albums = records(
        spark,
        ddl,
        {**four, "label": "Parkwood", "is_local": False, "detail": 2, "raw_record": "{}"},
        {"album_name": "Demos", "is_local": True, "detail": 0, "raw_record": "{}"},
    )

    candidate_rows = tables.dim_album(albums)

    expected = candidates(
        spark,
        DIM_ALBUM,
        {**four, "label": "Parkwood", "preference": 2, "raw_record": "{}"},
        {"album_name": "Demos", "drop_reason": LOCAL_FILE, "preference": 0, "raw_record": "{}"},
    )
    assertDataFrameEqual(candidate_rows, expected)


def test_dim_artist_prefers_the_full_artist_and_drops_artists_of_local_files(spark):
    ddl = (
        "artist_id string, artist_name string, genres array<string>, followers bigint, popularity int, "
        "image_url string, is_local boolean, detail int, raw_record string"
    )
    beyonce = {"artist_id": "ar_bey", "artist_name": "Beyoncé", "genres": ["pop"], "followers": 30_000_000}
    artists = records(
        spark,
        ddl,
        {**beyonce, "is_local": False, "detail": 2, "raw_record": "{}"},
        {"artist_name": "Me", "is_local": True, "detail": 0, "raw_record": "{}"},
    )

    candidate_rows = tables.dim_artist(artists)

    expected = candidates(
        spark,
        DIM_ARTIST,
        {**beyonce, "preference": 2, "raw_record": "{}"},
        {"artist_name": "Me", "drop_reason": LOCAL_FILE, "preference": 0, "raw_record": "{}"},
    )
    assertDataFrameEqual(candidate_rows, expected)


def test_dim_playlist_prefers_the_full_playlist(spark):
    ddl = (
        "playlist_id string, playlist_name string, owner_id string, owner_name string, description string, "
        "is_public boolean, is_collaborative boolean, snapshot_id string, total_items int, is_local boolean, "
        "detail int, raw_record string"
    )
    road_trip = {"playlist_id": "pl_road", "playlist_name": "Road trip ☀", "owner_name": "Zoë", "total_items": 6}
    playlists = records(
        spark,
        ddl,
        {**road_trip, "is_local": False, "detail": 2, "raw_record": "{}"},
        {**road_trip, "is_local": False, "detail": 0, "raw_record": "{}"},
    )

    candidate_rows = tables.dim_playlist(playlists)

    expected = candidates(
        spark,
        DIM_PLAYLIST,
        {**road_trip, "preference": 2, "raw_record": "{}"},
        {**road_trip, "preference": 0, "raw_record": "{}"},
    )
    assertDataFrameEqual(candidate_rows, expected)


# Bridges ---------------------------------------------------------------------------------------------------------

_CREDIT = "is_local boolean, artist_position int, artist struct<id:string,name:string>"


def test_bridge_track_artist_prefers_an_artists_first_credit_and_drops_local_files(spark):
    credits = records(
        spark,
        f"track_id string, {_CREDIT}",
        {"track_id": "t_yoru", "is_local": False, "artist_position": 0, "artist": ("ar_yoa", "YOASOBI")},
        {"track_id": "t_yoru", "is_local": False, "artist_position": 1, "artist": ("ar_kino", "Кино")},
        {"track_id": None, "is_local": True, "artist_position": 0, "artist": (None, "Me")},
    )

    candidate_rows = tables.bridge_track_artist(credits)

    yoasobi, kino = '{"id":"ar_yoa","name":"YOASOBI"}', '{"id":"ar_kino","name":"Кино"}'
    expected = candidates(
        spark,
        BRIDGE_TRACK_ARTIST,
        {"track_id": "t_yoru", "artist_id": "ar_yoa", "artist_position": 0, "preference": 0, "raw_record": yoasobi},
        {"track_id": "t_yoru", "artist_id": "ar_kino", "artist_position": 1, "preference": -1, "raw_record": kino},
        {"artist_position": 0, "drop_reason": LOCAL_FILE, "preference": 0, "raw_record": '{"name":"Me"}'},
    )
    assertDataFrameEqual(candidate_rows, expected)


def test_bridge_album_artist_keeps_each_credit_with_its_position(spark):
    credits = records(
        spark,
        f"album_id string, {_CREDIT}",
        {"album_id": "al_yoru", "is_local": False, "artist_position": 1, "artist": ("ar_kino", "Кино")},
    )

    candidate_rows = tables.bridge_album_artist(credits)

    kino = '{"id":"ar_kino","name":"Кино"}'
    expected = candidates(
        spark,
        BRIDGE_ALBUM_ARTIST,
        {"album_id": "al_yoru", "artist_id": "ar_kino", "artist_position": 1, "preference": -1, "raw_record": kino},
    )
    assertDataFrameEqual(candidate_rows, expected)


# Facts -----------------------------------------------------------------------------------------------------------


def test_fact_playlist_item_types_each_entry_and_drops_removed_items_and_local_files(spark):
    ddl = (
        "playlist_id string, position int, "
        "entry struct<added_at:string,added_by:struct<id:string>,is_local:boolean>, "
        "playable struct<id:string,type:string>, is_local boolean"
    )
    added = ("2026-10-01T12:00:00Z", ("listener",), None)
    entries = records(
        spark,
        ddl,
        {"playlist_id": "pl_road", "position": 0, "entry": added, "playable": ("t1", "track"), "is_local": False},
        {"playlist_id": "pl_road", "position": 1, "entry": added, "playable": ("ep1", "episode"), "is_local": False},
        {"playlist_id": "pl_road", "position": 2, "entry": (None, None, None), "playable": None, "is_local": False},
        {
            "playlist_id": "pl_road",
            "position": 3,
            "entry": (None, None, True),
            "playable": (None, None),
            "is_local": True,
        },
    )

    candidate_rows = tables.fact_playlist_item(entries)

    at = {"snapshot_date": INGEST_DATE, "playlist_id": "pl_road", "preference": 0}
    added_at = {"added_at": datetime(2026, 10, 1, 12, 0, tzinfo=UTC), "added_by": "listener"}
    added_json = '{"added_at":"2026-10-01T12:00:00Z","added_by":{"id":"listener"}}'
    # an entry of unknown type (the older shape has none) is a track
    expected = candidates(
        spark,
        FACT_PLAYLIST_ITEM,
        {**at, **added_at, "position": 0, "item_type": "track", "track_id": "t1", "raw_record": added_json},
        {**at, **added_at, "position": 1, "item_type": "episode", "episode_id": "ep1", "raw_record": added_json},
        {**at, "position": 2, "drop_reason": REMOVED_ITEM, "raw_record": "{}"},
        {**at, "position": 3, "item_type": "track", "drop_reason": LOCAL_FILE, "raw_record": '{"is_local":true}'},
    )
    assertDataFrameEqual(candidate_rows, expected)


_TRACK_EVENT = "track_id string, is_local boolean, is_removed boolean, raw_record string"


def test_fact_play_reads_the_play_time_and_drops_removed_tracks_and_local_files(spark):
    plays = records(
        spark,
        f"played_at string, context_type string, context_uri string, {_TRACK_EVENT}",
        {"played_at": "2026-11-24T05:00:00.123Z", "track_id": "t1", "context_type": "playlist", "context_uri": "u"},
        {"played_at": "2026-11-24T04:00:00Z", "is_local": True, "is_removed": False},
        {"played_at": "2026-11-24T03:00:00Z", "is_local": False, "is_removed": True},
        {"played_at": "not a time", "track_id": "t2", "is_local": False, "is_removed": False},
    )

    candidate_rows = tables.fact_play(plays).drop("raw_record")

    expected = candidates(
        spark,
        FACT_PLAY,
        {"played_at": datetime(2026, 11, 24, 5, 0, 0, 123000, tzinfo=UTC), "track_id": "t1"}
        | {"context_type": "playlist", "context_uri": "u", "preference": 0},
        {"played_at": datetime(2026, 11, 24, 4, 0, tzinfo=UTC), "drop_reason": LOCAL_FILE, "preference": 0},
        {"played_at": datetime(2026, 11, 24, 3, 0, tzinfo=UTC), "drop_reason": REMOVED_ITEM, "preference": 0},
        # a time that is not one is null, for classification to quarantine
        {"track_id": "t2", "preference": 0},
    ).drop("raw_record")
    assertDataFrameEqual(candidate_rows, expected)


def test_fact_top_item_takes_the_runs_date_and_drops_removed_items(spark):
    top_items = records(
        spark,
        "time_range string, item_type string, rank int, item_id string, is_removed boolean, raw_record string",
        {"time_range": "short_term", "item_type": "track", "rank": 1, "item_id": "t1", "is_removed": False},
        {"time_range": "short_term", "item_type": "track", "rank": 2, "is_removed": True, "raw_record": "null"},
    )

    candidate_rows = tables.fact_top_item(top_items)

    ranked = {"snapshot_date": INGEST_DATE, "time_range": "short_term", "item_type": "track", "preference": 0}
    expected = candidates(
        spark,
        FACT_TOP_ITEM,
        {**ranked, "rank": 1, "item_id": "t1"},
        {**ranked, "rank": 2, "drop_reason": REMOVED_ITEM, "raw_record": "null"},
    )
    assertDataFrameEqual(candidate_rows, expected)


def test_fact_saved_track_reads_the_save_time_and_drops_removed_tracks(spark):
    saved_tracks = records(
        spark,
        f"added_at string, {_TRACK_EVENT}",
        {"added_at": "2026-11-20T10:00:00Z", "track_id": "t2", "is_local": False, "is_removed": False},
        {"added_at": "2026-11-21T10:00:00Z", "is_local": False, "is_removed": True},
    )

    candidate_rows = tables.fact_saved_track(saved_tracks)

    expected = candidates(
        spark,
        FACT_SAVED_TRACK,
        {"track_id": "t2", "saved_at": datetime(2026, 11, 20, 10, 0, tzinfo=UTC), "preference": 0},
        {"saved_at": datetime(2026, 11, 21, 10, 0, tzinfo=UTC), "drop_reason": REMOVED_ITEM, "preference": 0},
    )
    assertDataFrameEqual(candidate_rows, expected)
