"""The model's build: every table's candidates, classified, dimensions first since the facts reference them.

Materialized once each (`session.materialize`): the track occurrences, which five tables derive from, and each
table's decisions (`quality.Classified`), which its output rows, its counts and the facts referring to it read.
Both are narrow: the decisions hold one row per output row or counted outcome, not the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pyspark.sql import DataFrame

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
    TABLES,
    Table,
)

from . import tables
from .quality import Classified, classify, output_rows
from .records import (
    album_records,
    artist_records,
    credited_artists,
    playlist_entries,
    playlist_records,
    track_occurrences,
    track_records,
)
from .session import materialize, release


@dataclass(frozen=True)
class Model:
    """Every model table's classified candidates (by table name) and the pages they came from."""

    pages: DataFrame
    classified: dict[str, Classified]
    materialized: tuple[DataFrame, ...]

    @property
    def tables(self) -> dict[str, DataFrame]:
        """Each table's materialized decisions (`Classified.decisions`)."""
        return {name: classified.decisions for name, classified in self.classified.items()}

    def release(self) -> None:
        """Free the pages and everything the build materialized, once the model is written."""
        for frame in (self.pages, *self.materialized, *self.tables.values()):
            release(frame)


def _decided(table: Table, candidates: DataFrame, dimensions: dict[str, DataFrame] | None = None) -> Classified:
    classified = classify(table, candidates, dimensions)
    return replace(classified, decisions=materialize(classified.decisions))


def build_model(pages: DataFrame) -> Model:
    """Every table's candidates, classified; dimensions first, since the facts reference them."""
    occurrences = materialize(track_occurrences(pages))
    tracks = track_records(occurrences)
    albums = album_records(pages, tracks)
    track_artists = credited_artists(tracks, "track_id")
    album_artists = credited_artists(albums, "album_id")
    classified = {
        DIM_TRACK.name: _decided(DIM_TRACK, tables.dim_track(tracks)),
        DIM_ALBUM.name: _decided(DIM_ALBUM, tables.dim_album(albums)),
        DIM_ARTIST.name: _decided(DIM_ARTIST, tables.dim_artist(artist_records(pages, track_artists, album_artists))),
        DIM_PLAYLIST.name: _decided(DIM_PLAYLIST, tables.dim_playlist(playlist_records(pages))),
    }
    dimensions = {name: output_rows(decided) for name, decided in classified.items()}
    facts = {
        BRIDGE_TRACK_ARTIST: tables.bridge_track_artist(track_artists),
        BRIDGE_ALBUM_ARTIST: tables.bridge_album_artist(album_artists),
        FACT_PLAYLIST_ITEM: tables.fact_playlist_item(playlist_entries(pages)),
        FACT_PLAY: tables.fact_play(pages),
        FACT_TOP_ITEM: tables.fact_top_item(pages),
        FACT_SAVED_TRACK: tables.fact_saved_track(pages),
    }
    for table, candidates in facts.items():
        classified[table.name] = _decided(table, candidates, dimensions)
    return Model(pages=pages, classified={t.name: classified[t.name] for t in TABLES}, materialized=(occurrences,))
