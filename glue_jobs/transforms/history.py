"""The plays and tracks of the listener's history export (`history_export` pages, written by history_import).

Each export row is a stream: `ts` its end (UTC, whole seconds), `ms_played`, the track's URI and names, why it
started and ended, shuffle, skipped, offline. A track row becomes a play candidate of `fact_play` with
`play_source` = export (the warehouse pairs it with the API's record of the same play, contracts.model
MATCH_PLAYS), and a name-only track occurrence (`NAMED`, below every API shape), so the play has its `dim_track` row
in the same run; the API enriches the track like any other new id. A podcast episode or an audiobook row is no
track play: a documented drop (`PODCAST_EPISODE`, `NOT_A_TRACK`), counted in the run report.

The full track objects the daily runs fetch for those tracks (`tracks` pages, extract.history_tracks) are track
occurrences like any other (`fetched_track_occurrences`).

The personal fields of the export are not in the page schema (schemas.EXPORT_ROW): no column and no quarantined
`raw_record` can carry them, even from a page that still held them.

Only pyspark and built-in functions: no Python UDFs.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from contracts.model import PLAY_SOURCE_EXPORT
from contracts.raw_zone import Source

from .records import FULL, PROVENANCE, _one_or_many, page_elements
from .schemas import TRACK

# Below SIMPLIFIED (records.py): a track known by its id and name only.
NAMED = -1
PODCAST_EPISODE = "podcast_episode"  # an export row of a podcast episode: not a track play
NOT_A_TRACK = "not_a_track"  # an export row with no track or episode URI (an audiobook chapter, a video)
# The columns only the export knows, in fact_play.
EXPORT_PLAY_COLUMNS = ("ms_played", "skipped", "reason_start", "reason_end", "shuffle", "offline")

_TRACK_URI = r"^spotify:track:([0-9A-Za-z]+)$"


def _export_rows(pages: DataFrame) -> DataFrame:
    return page_elements(pages, Source.HISTORY_EXPORT, lambda page: page["response"]["items"])


def track_id_of(uri: Column) -> Column:
    """The id in a `spotify:track:<id>` URI; null for anything else (a malformed URI is then a null key)."""
    found = F.regexp_extract(uri, _TRACK_URI, 1)
    return F.when(found != "", found)


def export_play_records(pages: DataFrame) -> DataFrame:
    """Every row of the history export, in `records.play_records`' shape plus the export's columns, `play_source`
    and `export_drop` (a podcast or other non-track row)."""
    item = F.col("item")
    return _export_rows(pages).select(
        *PROVENANCE,
        item["ts"].alias("played_at"),
        track_id_of(item["spotify_track_uri"]).alias("track_id"),
        F.lit(None).cast("string").alias("context_type"),
        F.lit(None).cast("string").alias("context_uri"),
        F.lit(False).alias("is_local"),
        F.lit(False).alias("is_removed"),
        *(item[name].alias(name) for name in EXPORT_PLAY_COLUMNS),
        F.lit(PLAY_SOURCE_EXPORT).alias("play_source"),
        F.when(item["spotify_track_uri"].isNotNull(), F.lit(None).cast("string"))
        .when(item["spotify_episode_uri"].isNotNull(), F.lit(PODCAST_EPISODE))
        .otherwise(F.lit(NOT_A_TRACK))
        .alias("export_drop"),
        F.to_json(item).alias("raw_record"),
    )


def with_export_columns(plays: DataFrame) -> DataFrame:
    """The API's plays (`records.play_records`) with the export's columns null, ready for a union with
    `export_play_records`. Their `play_source` stays null, which reads as api (PLAY_SOURCE_API), as it does for
    the plays loaded before the column existed."""
    present = set(plays.columns)
    return plays.select(
        "*",
        *(F.lit(None).cast(kind).alias(name) for name, kind in _EXPORT_TYPES.items() if name not in present),
    )


_EXPORT_TYPES = {
    "ms_played": "long",
    "skipped": "boolean",
    "reason_start": "string",
    "reason_end": "string",
    "shuffle": "boolean",
    "offline": "boolean",
    "play_source": "string",
    "export_drop": "string",
}


def all_play_records(pages: DataFrame, api_plays: DataFrame) -> DataFrame:
    """The API's plays and the export's, one shape (what `tables.fact_play` reads)."""
    return with_export_columns(api_plays).unionByName(export_play_records(pages))


def export_track_occurrences(pages: DataFrame) -> DataFrame:
    """A `records.track_occurrences` row per export row of a track: its id and name only (`NAMED`)."""
    item = F.col("item")
    named = F.struct(
        *(
            (
                track_id_of(item["spotify_track_uri"])
                if field.name == "id"
                else item["master_metadata_track_name"]
                if field.name == "name"
                else F.lit(None).cast(field.dataType)
            ).alias(field.name)
            for field in TRACK.fields
        )
    )
    return (
        _export_rows(pages)
        .where(item["spotify_track_uri"].isNotNull())
        .select(
            *PROVENANCE,
            F.lit(NAMED).alias("detail"),
            F.lit(False).alias("is_local"),
            F.lit(None).cast("string").alias("album_id"),
            named.alias("track"),
        )
    )


def fetched_track_occurrences(pages: DataFrame) -> DataFrame:
    """A `records.track_occurrences` row per full track object the daily runs fetched for the history's tracks
    (`tracks` pages: one `/tracks/{id}` object or a `/tracks?ids=` batch); a null in a batch is no track."""
    tracks = page_elements(pages, Source.TRACKS, lambda page: _one_or_many(page["response"], "tracks", TRACK))
    return tracks.where(F.col("item").isNotNull() & F.col("item.id").isNotNull()).select(
        *PROVENANCE,
        F.lit(FULL).alias("detail"),
        F.coalesce(F.col("item.is_local"), F.lit(False)).alias("is_local"),
        F.col("item.album.id").alias("album_id"),
        F.col("item").alias("track"),
    )
