"""The MusicBrainz lookups found in the pages (`Source.MUSICBRAINZ_RECORDINGS`), flattened for the model's
`musicbrainz_*` tables: the chosen recording of each ISRC, its releases and its artist credits.

An ISRC can have several recordings in MusicBrainz (a remaster shares the original's code). The one chosen is the
recording on the most releases, then the smallest id: the original over a reissue, and the same choice every run.
Every record carries the provenance of its page (`records.PROVENANCE`) and `raw_record`, the chosen recording as
JSON text, for the quarantine. Only pyspark and built-in functions.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from contracts.raw_zone import Source

from .pages import valid_pages
from .records import PROVENANCE


def _count(values: Column) -> Column:
    """The length of an array, 0 when it is missing."""
    return F.when(values.isNull(), F.lit(0)).otherwise(F.size(values))


def _names(genres: Column) -> Column:
    """Genre names, most voted first (ties by name), from MusicBrainz's `[{"name", "count"}]`; null when missing."""
    ranked = F.array_sort(
        F.transform(
            genres, lambda g: F.struct((-F.coalesce(g["count"], F.lit(0))).alias("votes"), g["name"].alias("name"))
        )
    )
    return F.transform(F.filter(ranked, lambda g: g["name"].isNotNull()), lambda g: g["name"])


def lookups(pages: DataFrame) -> DataFrame:
    """One row per MusicBrainz page: the ISRC, the chosen recording (null when the page lists none) and how many
    recordings the ISRC has."""
    page = F.col("page")
    recordings = page["response"]["recordings"]
    ranked = F.transform(
        recordings,
        lambda recording, index: F.struct(
            (-_count(recording["releases"])).alias("releases"),
            recording["id"].alias("id"),
            index.alias("index"),
        ),
    )
    chosen = F.when(_count(recordings) > 0, F.element_at(recordings, F.array_min(ranked)["index"] + 1))
    return valid_pages(pages, Source.MUSICBRAINZ_RECORDINGS).select(
        *PROVENANCE,
        F.upper(F.coalesce(page["response"]["isrc"], page["entity_id"])).alias("isrc"),
        _count(recordings).alias("recordings_found"),
        chosen.alias("recording"),
    )


def recording_records(found: DataFrame) -> DataFrame:
    """From `lookups`: the chosen recording of each ISRC."""
    recording = F.col("recording")
    return found.select(
        *PROVENANCE,
        "isrc",
        recording["id"].alias("musicbrainz_recording_id"),
        recording["title"].alias("recording_title"),
        "recordings_found",
        _names(recording["genres"]).alias("genres"),
        F.to_json(recording).alias("raw_record"),
    )


def release_records(found: DataFrame) -> DataFrame:
    """From `lookups`: every release of each chosen recording, with its first label."""
    exploded = found.select(*PROVENANCE, "isrc", F.explode(F.col("recording")["releases"]).alias("release"))
    release = F.col("release")
    label = F.get(release["label-info"], 0)["label"]  # null when the release has no label
    return exploded.select(
        *PROVENANCE,
        "isrc",
        release["id"].alias("musicbrainz_release_id"),
        release["title"].alias("release_title"),
        release["date"].alias("release_date"),
        release["country"].alias("release_country"),
        label["name"].alias("label_name"),
        label["id"].alias("musicbrainz_label_id"),
        F.to_json(release).alias("raw_record"),
    )


def artist_credit_records(found: DataFrame) -> DataFrame:
    """From `lookups`: each artist credited on the chosen recording, with its position from 0."""
    exploded = found.select(
        *PROVENANCE,
        "isrc",
        F.posexplode(F.col("recording")["artist-credit"]).alias("artist_position", "credit"),
    )
    artist = F.col("credit")["artist"]
    return exploded.select(
        *PROVENANCE,
        "isrc",
        "artist_position",
        artist["id"].alias("musicbrainz_artist_id"),
        artist["name"].alias("artist_name"),
        _names(artist["genres"]).alias("genres"),
        F.to_json(F.col("credit")).alias("raw_record"),
    )
