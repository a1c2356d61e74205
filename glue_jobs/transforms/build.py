"""The model's build: every table's candidates, classified, dimensions first since the facts reference them.

Materialized once each (`session.materialize`): the track occurrences, which five tables derive from, and each
table's decisions (`quality.Classified`), which its output rows, its counts and the facts referring to it read.
Both are narrow: the decisions hold one row per output row or counted outcome, not the candidates.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
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
    MUSICBRAINZ_ARTIST_CREDIT,
    MUSICBRAINZ_RECORDING,
    MUSICBRAINZ_RELEASE,
    TABLES,
    Table,
)

from . import musicbrainz, tables
from .history import all_play_records, export_track_occurrences, fetched_track_occurrences
from .quality import Classified, classify, output_rows
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
    materialized: tuple[DataFrame, ...]

    @property
    def tables(self) -> dict[str, DataFrame]:
        """Each table's materialized decisions (`Classified.decisions`)."""
        return {name: classified.decisions for name, classified in self.classified.items()}

    def release(self) -> None:
        """Free the pages and everything the build materialized, once the model is written."""
        for frame in (self.pages, *self.materialized, *self.tables.values()):
            release(frame)


def _decided_together(
    candidates: dict[Table, DataFrame], dimensions: dict[str, DataFrame] | None = None
) -> dict[str, Classified]:
    """Each table's candidates classified, the decisions materialized side by side: each is a few small Spark
    jobs whose time goes mostly to the driver's planning and scheduling, which one thread per core overlaps."""
    classified = [classify(table, frame, dimensions) for table, frame in candidates.items()]
    writers = max(next(iter(candidates.values())).sparkSession.sparkContext.defaultParallelism, 1)
    with ThreadPoolExecutor(max_workers=writers) as pool:
        decisions = list(pool.map(lambda c: materialize(c.decisions), classified))
    return {c.table.name: replace(c, decisions=d) for c, d in zip(classified, decisions, strict=True)}


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
    classified = _decided_together(
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
    found = materialize(musicbrainz.lookups(pages))
    facts |= {
        MUSICBRAINZ_RECORDING: tables.musicbrainz_recording(musicbrainz.recording_records(found)),
        MUSICBRAINZ_RELEASE: tables.musicbrainz_release(musicbrainz.release_records(found)),
        MUSICBRAINZ_ARTIST_CREDIT: tables.musicbrainz_artist_credit(musicbrainz.artist_credit_records(found)),
    }
    classified.update(_decided_together(facts, dimensions))
    return Model(
        pages=pages, classified={t.name: classified[t.name] for t in TABLES}, materialized=(occurrences, found)
    )
