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
    MUSICBRAINZ_ARTIST_CREDIT,
    MUSICBRAINZ_RECORDING,
    MUSICBRAINZ_RELEASE,
    Table,
)

from .field_types import UNFIT_COLUMN, unfit_column
from .history import EXPORT_PLAY_COLUMNS, with_export_columns
from .model_types import typed
from .quality import LOCAL_FILE, REMOVED_ITEM
from .records import PROVENANCE


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


def _track_event_drop() -> Column:
    return F.when(F.col("is_removed"), F.lit(REMOVED_ITEM)).when(F.col("is_local"), F.lit(LOCAL_FILE))


def fact_play(plays: DataFrame) -> DataFrame:
    """From `history.all_play_records`: each play in the recently-played history and each stream of the history
    export (a podcast or other non-track row of the export is a documented drop)."""
    frame = with_export_columns(plays).select(
        *PROVENANCE,
        F.try_to_timestamp(F.col("played_at")).alias("played_at"),
        "track_id",
        "context_type",
        "context_uri",
        "is_local",
        "is_removed",
        "raw_record",
        *EXPORT_PLAY_COLUMNS,
        "play_source",
        "export_drop",
    )
    drop_reason = F.coalesce(F.col("export_drop"), _track_event_drop())
    return _candidates(FACT_PLAY, frame, drop_reason=drop_reason, preference=F.lit(0))


def fact_top_item(top_items: DataFrame) -> DataFrame:
    """From `records.top_item_records`: each rank of the user's top tracks and top artists, per time range."""
    frame = top_items.withColumn("snapshot_date", F.col("ingest_date"))
    drop_reason = F.when(F.col("is_removed"), F.lit(REMOVED_ITEM))
    return _candidates(FACT_TOP_ITEM, frame, drop_reason=drop_reason, preference=F.lit(0))


def fact_saved_track(saved_tracks: DataFrame) -> DataFrame:
    """From `records.saved_track_records`: each track saved in the user's library, with when it was saved."""
    frame = saved_tracks.withColumn("saved_at", F.try_to_timestamp(F.col("added_at")))
    return _candidates(FACT_SAVED_TRACK, frame, drop_reason=_track_event_drop(), preference=F.lit(0))


# MusicBrainz ------------------------------------------------------------------------------------------------------
# One lookup of an ISRC a run (a run looks each ISRC up once): nothing to prefer or drop.


def _none() -> Column:
    return F.lit(None).cast("string")


def musicbrainz_recording(recordings: DataFrame) -> DataFrame:
    """From `musicbrainz.recording_records`: the chosen recording of each ISRC looked up."""
    return _candidates(MUSICBRAINZ_RECORDING, recordings, drop_reason=_none(), preference=F.lit(1))


def musicbrainz_release(releases: DataFrame) -> DataFrame:
    """From `musicbrainz.release_records`: every release of each chosen recording."""
    return _candidates(MUSICBRAINZ_RELEASE, releases, drop_reason=_none(), preference=F.lit(1))


def musicbrainz_artist_credit(credits: DataFrame) -> DataFrame:
    """From `musicbrainz.artist_credit_records`: the artists credited on each chosen recording."""
    return _candidates(MUSICBRAINZ_ARTIST_CREDIT, credits, drop_reason=_none(), preference=F.lit(1))
