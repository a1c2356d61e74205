"""The model's build: every table's candidates, classified, dimensions first since the facts reference them.

The record sets that several tables read (tracks, albums) and each classified table (read by the counts, its
output and its quarantine) are materialized once (`session.materialize`).
"""

from __future__ import annotations

from dataclasses import dataclass

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
)
from contracts.model import table as model_table

from . import tables
from .quality import classify, output_rows
from .records import album_records, artist_records, credited_artists, playlist_entries, playlist_records, track_records
from .session import materialize, release


@dataclass(frozen=True)
class Model:
    """The classified candidates of every model table, the pages they came from, and what was materialized."""

    pages: DataFrame
    tables: dict[str, DataFrame]
    materialized: tuple[DataFrame, ...]

    def release(self) -> None:
        """Free the pages and every materialized result, once the model is written."""
        for frame in (self.pages, *self.materialized):
            release(frame)


def build_model(pages: DataFrame) -> Model:
    """Every table's candidates, classified; dimensions first, since the facts reference them."""
    kept: list[DataFrame] = []

    def keep(frame: DataFrame) -> DataFrame:
        kept.append(materialize(frame))
        return kept[-1]

    tracks = keep(track_records(pages))
    albums = keep(album_records(pages, tracks))
    track_artists = credited_artists(tracks, "track_id")
    album_artists = credited_artists(albums, "album_id")
    classified = {
        DIM_TRACK.name: keep(classify(DIM_TRACK, tables.dim_track(tracks))),
        DIM_ALBUM.name: keep(classify(DIM_ALBUM, tables.dim_album(albums))),
        DIM_ARTIST.name: keep(
            classify(DIM_ARTIST, tables.dim_artist(artist_records(pages, track_artists, album_artists)))
        ),
        DIM_PLAYLIST.name: keep(classify(DIM_PLAYLIST, tables.dim_playlist(playlist_records(pages)))),
    }
    dimensions = {name: output_rows(frame, model_table(name)) for name, frame in classified.items()}
    facts = {
        BRIDGE_TRACK_ARTIST: tables.bridge_track_artist(track_artists),
        BRIDGE_ALBUM_ARTIST: tables.bridge_album_artist(album_artists),
        FACT_PLAYLIST_ITEM: tables.fact_playlist_item(playlist_entries(pages)),
        FACT_PLAY: tables.fact_play(pages),
        FACT_TOP_ITEM: tables.fact_top_item(pages),
        FACT_SAVED_TRACK: tables.fact_saved_track(pages),
    }
    for table, candidates in facts.items():
        classified[table.name] = keep(classify(table, candidates, dimensions))
    return Model(pages=pages, tables={t.name: classified[t.name] for t in TABLES}, materialized=tuple(kept))
