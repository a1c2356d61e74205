"""The model's build: every table's candidates, classified, dimensions first since the facts reference them.

Materialized once each (`session.materialize`): the track occurrences, which five tables derive from, and the
tables' decisions (`quality.Classified`), which the output rows, the counts and the facts referring to a dimension
read: the dimensions' in one Spark job, the facts' in another. Both are narrow: the decisions hold one row per output
row or counted outcome, not the candidates.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from pyspark.sql import DataFrame
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
    TABLES,
    Table,
)

from . import musicbrainz, tables
from .history import all_play_records, export_track_occurrences, fetched_track_occurrences
from .quality import DECISION_COUNTS, TABLE_NAME, Classified, classify, output_rows
from .records import (
    album_records,
    artist_records,
    credited_artists,
    play_records,
    playlist_entries,
    playlist_records,
    saved_track_records,
    top_item_records,
    track_occurrences,
    track_records,
)
from .session import materialize, release


@dataclass(frozen=True)
class Model:
    """Every model table's classified candidates (by table name) and the pages they came from."""

    pages: DataFrame
    classified: dict[str, Classified]
    # Every table's decisions, several tables to a frame (`_decided_together`), as the counts read them.
    decided: tuple[DataFrame, ...]
    materialized: tuple[DataFrame, ...]

    @property
    def tables(self) -> dict[str, DataFrame]:
        """Each table's materialized decisions (`Classified.decisions`)."""
        return {name: classified.decisions for name, classified in self.classified.items()}

    def release(self) -> None:
        """Free the pages and everything the build materialized, once the model is written."""
        for frame in (self.pages, *self.materialized, *self.decided):
            release(frame)


def _decided_together(
    candidates: dict[Table, DataFrame], dimensions: dict[str, DataFrame] | None = None
) -> tuple[dict[str, Classified], DataFrame]:
    """Each table's candidates classified, and all their decisions materialized in one Spark job: a job per table
    cost more in planning and scheduling than its few rows cost to compute. Also returns that shared frame, whose
    rows say their `table_name` and the counted columns every table's decisions have (`DECISION_COUNTS`); the rest
    of a row sits in a struct named after its table, null in other tables' rows, so each table keeps its types."""
    classified = [classify(table, frame, dimensions) for table, frame in candidates.items()]
    tagged = [
        c.decisions.select(
            F.lit(c.table.name).alias(TABLE_NAME),
            *DECISION_COUNTS,
            F.struct(*(n for n in c.decisions.columns if n not in DECISION_COUNTS)).alias(c.table.name),
        )
        for c in classified
    ]
    together = materialize(
        functools.reduce(lambda left, right: left.unionByName(right, allowMissingColumns=True), tagged)
    )
    decided = {
        c.table.name: replace(
            c,
            decisions=together.where(F.col(TABLE_NAME) == c.table.name).select(*DECISION_COUNTS, f"{c.table.name}.*"),
        )
        for c in classified
    }
    return decided, together


def build_model(pages: DataFrame) -> Model:
    """Every table's candidates, classified; dimensions first, since the facts reference them."""
    occurrences = materialize(
        track_occurrences(pages)
        .unionByName(export_track_occurrences(pages))
        .unionByName(fetched_track_occurrences(pages))
    )
    tracks = track_records(occurrences)
    albums = album_records(pages, tracks)
    track_artists = credited_artists(tracks, "track_id")
    album_artists = credited_artists(albums, "album_id")
    classified, dimension_decisions = _decided_together(
        {
            DIM_TRACK: tables.dim_track(tracks),
            DIM_ALBUM: tables.dim_album(albums),
            DIM_ARTIST: tables.dim_artist(artist_records(pages, track_artists, album_artists)),
            DIM_PLAYLIST: tables.dim_playlist(playlist_records(pages)),
        }
    )
    dimensions = {name: output_rows(decided) for name, decided in classified.items()}
    facts = {
        BRIDGE_TRACK_ARTIST: tables.bridge_track_artist(track_artists),
        BRIDGE_ALBUM_ARTIST: tables.bridge_album_artist(album_artists),
        FACT_PLAYLIST_ITEM: tables.fact_playlist_item(playlist_entries(pages)),
        FACT_PLAY: tables.fact_play(all_play_records(pages, play_records(pages))),
        FACT_TOP_ITEM: tables.fact_top_item(top_item_records(pages)),
        FACT_SAVED_TRACK: tables.fact_saved_track(saved_track_records(pages)),
    }
    # The MusicBrainz lookups, keyed by ISRC: they refer to no dimension of the run (see contracts.model).
    found = musicbrainz.lookups(pages)
    facts |= {
        MUSICBRAINZ_RECORDING: tables.musicbrainz_recording(musicbrainz.recording_records(found)),
        MUSICBRAINZ_RELEASE: tables.musicbrainz_release(musicbrainz.release_records(found)),
        MUSICBRAINZ_ARTIST_CREDIT: tables.musicbrainz_artist_credit(musicbrainz.artist_credit_records(found)),
    }
    fact_classified, fact_decisions = _decided_together(facts, dimensions)
    classified.update(fact_classified)
    return Model(
        pages=pages,
        classified={t.name: classified[t.name] for t in TABLES},
        decided=(dimension_decisions, fact_decisions),
        materialized=(occurrences,),
    )
