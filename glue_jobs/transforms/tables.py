"""One `DataFrame -> DataFrame` function per model table, producing that table's candidate rows.

A candidate row has the table's columns (typed as in contracts/model.py) and what `quality.classify` needs to
decide its outcome: `drop_reason` (a documented drop, or null), `preference` (higher wins among candidates with
the same key), `fetched_at` and `raw_record` (the object it was read from, as JSON text). Every occurrence found in
the pages is a candidate, so the run report can account for each one.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

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
from contracts.raw_zone import Source

from .field_types import UNFIT_COLUMN, unfit_column
from .model_types import typed
from .quality import LOCAL_FILE, REMOVED_ITEM
from .records import PROVENANCE, page_elements, page_offset

# /me/top/{type} without a time_range parameter answers for the medium term.
DEFAULT_TIME_RANGE = "medium_term"


def _candidates(table: Table, frame: DataFrame, *, drop_reason: Column, preference: Column) -> DataFrame:
    return frame.select(
        *(typed(table, name) for name in table.column_names),
        drop_reason.alias("drop_reason"),
        preference.alias("preference"),
        "fetched_at",
        "raw_record",
        unfit_column(frame, {name: table.column(name).type for name in table.column_names}).alias(UNFIT_COLUMN),
    )


def _local_file() -> Column:
    return F.when(F.col("is_local"), F.lit(LOCAL_FILE))


def dim_track(tracks: DataFrame) -> DataFrame:
    """From `records.track_records`: every track occurrence; local files are dropped."""
    return _candidates(DIM_TRACK, tracks, drop_reason=_local_file(), preference=F.col("detail"))


def dim_album(albums: DataFrame) -> DataFrame:
    """From `records.album_records`: every album occurrence; those of local files are dropped."""
    return _candidates(DIM_ALBUM, albums, drop_reason=_local_file(), preference=F.col("detail"))


def dim_artist(artists: DataFrame) -> DataFrame:
    """From `records.artist_records`: every artist occurrence; those credited on local files are dropped."""
    return _candidates(DIM_ARTIST, artists, drop_reason=_local_file(), preference=F.col("detail"))


def dim_playlist(playlists: DataFrame) -> DataFrame:
    """From `records.playlist_records`: every playlist occurrence."""
    return _candidates(DIM_PLAYLIST, playlists, drop_reason=_local_file(), preference=F.col("detail"))


def _bridge(table: Table, credits: DataFrame, owner_key: str) -> DataFrame:
    frame = credits.select(
        *PROVENANCE,
        owner_key,
        F.col("artist.id").alias("artist_id"),
        "artist_position",
        "is_local",
        F.to_json("artist").alias("raw_record"),
    )
    # An artist credited twice on the same track keeps its first position.
    return _candidates(table, frame, drop_reason=_local_file(), preference=-F.col("artist_position"))


def bridge_track_artist(track_artists: DataFrame) -> DataFrame:
    """From `records.credited_artists(tracks, "track_id")`: every artist of every track, with its position."""
    return _bridge(BRIDGE_TRACK_ARTIST, track_artists, "track_id")


def bridge_album_artist(album_artists: DataFrame) -> DataFrame:
    """From `records.credited_artists(albums, "album_id")`: every artist of every album, with its position."""
    return _bridge(BRIDGE_ALBUM_ARTIST, album_artists, "album_id")


def fact_playlist_item(entries: DataFrame) -> DataFrame:
    """From `records.playlist_entries`: each entry of each playlist read, tracks and episodes."""
    playable = F.col("playable")
    item_type = F.coalesce(playable["type"], F.lit("track"))
    frame = entries.select(
        *PROVENANCE,
        F.col("ingest_date").alias("snapshot_date"),
        "playlist_id",
        "position",
        F.when(playable.isNotNull(), item_type).alias("item_type"),
        F.when(item_type == "track", playable["id"]).alias("track_id"),
        F.when(item_type == "episode", playable["id"]).alias("episode_id"),
        F.try_to_timestamp(F.col("entry.added_at")).alias("added_at"),
        F.col("entry.added_by.id").alias("added_by"),
        F.when(playable.isNull(), F.lit(REMOVED_ITEM)).when(F.col("is_local"), F.lit(LOCAL_FILE)).alias("drop_reason"),
        F.to_json("entry").alias("raw_record"),
    )
    return _candidates(FACT_PLAYLIST_ITEM, frame, drop_reason=F.col("drop_reason"), preference=F.lit(0))


def _track_event_drop(track: Column) -> Column:
    return F.when(track.isNull(), F.lit(REMOVED_ITEM)).when(
        F.coalesce(track["is_local"], F.lit(False)), F.lit(LOCAL_FILE)
    )


def fact_play(pages: DataFrame) -> DataFrame:
    """From the pages: each play in the recently-played history."""
    plays = page_elements(pages, Source.RECENTLY_PLAYED, lambda page: page["response"]["items"])
    track = F.col("item.track")
    frame = plays.select(
        *PROVENANCE,
        F.try_to_timestamp(F.col("item.played_at")).alias("played_at"),
        track["id"].alias("track_id"),
        F.col("item.context.type").alias("context_type"),
        F.col("item.context.uri").alias("context_uri"),
        track.alias("track"),
        F.to_json("item").alias("raw_record"),
    )
    return _candidates(FACT_PLAY, frame, drop_reason=_track_event_drop(F.col("track")), preference=F.lit(0))


def _top_items(pages: DataFrame, source: str, item_type: str) -> DataFrame:
    page = F.col("page")
    elements = page_elements(
        pages,
        source,
        lambda page: page["response"]["items"],
        page_offset(page).alias("offset"),
        F.coalesce(page["request"]["params"]["time_range"], F.lit(DEFAULT_TIME_RANGE)).alias("time_range"),
    )
    return elements.select(
        *PROVENANCE,
        F.col("ingest_date").alias("snapshot_date"),
        "time_range",
        F.lit(item_type).alias("item_type"),
        (F.col("offset") + F.col("index") + 1).alias("rank"),
        F.col("item.id").alias("item_id"),
        F.when(F.col("item").isNull(), F.lit(REMOVED_ITEM)).alias("drop_reason"),
        F.to_json("item").alias("raw_record"),
    )


def fact_top_item(pages: DataFrame) -> DataFrame:
    """From the pages: each rank of the user's top tracks and top artists, per time range."""
    frame = _top_items(pages, Source.TOP_TRACKS, "track").unionByName(_top_items(pages, Source.TOP_ARTISTS, "artist"))
    return _candidates(FACT_TOP_ITEM, frame, drop_reason=F.col("drop_reason"), preference=F.lit(0))


def fact_saved_track(pages: DataFrame) -> DataFrame:
    """From the pages: each track saved in the user's library, with when it was saved."""
    saved = page_elements(pages, Source.SAVED_TRACKS, lambda page: page["response"]["items"])
    track = F.col("item.track")
    frame = saved.select(
        *PROVENANCE,
        track["id"].alias("track_id"),
        F.try_to_timestamp(F.col("item.added_at")).alias("saved_at"),
        track.alias("track"),
        F.to_json("item").alias("raw_record"),
    )
    return _candidates(FACT_SAVED_TRACK, frame, drop_reason=_track_event_drop(F.col("track")), preference=F.lit(0))
