"""A year of the fake listener in a local warehouse, without running the pipeline 365 times: the fake Spotify's
plays, playlist snapshots, saved tracks and short-term top lists of each day (local/fake_spotify, the same days
`make run DAYS=365` reads), written as model files and loaded through the pipes: the catalog and the plays as one
run's files, each day's snapshots (playlists, top lists) as that day's run, since a snapshot's date is its run's.

What it leaves out the dashboard does not draw from: episodes and local files, medium- and long-term top lists,
the playlists that never change, MusicBrainz.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from model_files import write_model_file

from contracts.raw_zone import TimeRange
from local.fake_spotify.activity import EPOCH
from local.fake_spotify.catalog import Catalog, EntryKind

YEAR_DAYS = 365
SNAPSHOT_TABLES = ("fact_playlist_item", "fact_top_item")


def _run_id(day: datetime.date) -> str:
    return f"{day:%Y%m%d}T061500Z-00000001"


def year_files(catalog: Catalog, days: int = YEAR_DAYS) -> dict[str, list[dict[str, Any]]]:
    """The model rows of `days` days from the fake's EPOCH, per model table."""
    plays: list[dict[str, Any]] = []
    playlist_items: list[dict[str, Any]] = []
    top_items: list[dict[str, Any]] = []
    saved: dict[str, datetime.datetime] = {}
    for offset in range(days):
        day = EPOCH + datetime.timedelta(days=offset)
        state = catalog.state_on(day)
        plays.extend(
            {
                "played_at": play.played_at,
                "track_id": play.track_id,
                "context_type": play.context.type if play.context else None,
            }
            for play in state.plays
        )
        for playlist_id, playlist in state.playlists.items():
            if not playlist.playlist.changes_daily:
                continue
            playlist_items.extend(
                {
                    "snapshot_date": day,
                    "playlist_id": playlist_id,
                    "position": position,
                    "item_type": "track",
                    "track_id": entry.ref,
                    "added_at": entry.added_at,
                    "added_by": entry.added_by,
                }
                for position, entry in enumerate(playlist.entries)
                if entry.kind == EntryKind.TRACK
            )
        for item_type, lists in (("track", state.top_tracks), ("artist", state.top_artists)):
            top_items.extend(
                {
                    "snapshot_date": day,
                    "time_range": TimeRange.SHORT,
                    "item_type": item_type,
                    "rank": rank,
                    "item_id": i,
                }
                for rank, i in enumerate(lists[TimeRange.SHORT], start=1)
            )
        saved.update(dict(state.saved_tracks))
    return {
        "dim_artist": [
            {"artist_id": a.id, "artist_name": a.name, "genres": list(a.genres), "followers": a.followers}
            for a in catalog.artists.values()
        ],
        "dim_album": [
            {
                "album_id": a.id,
                "album_name": a.name,
                "album_type": a.album_type,
                "release_date": a.release_date,
                "release_year": int(a.release_date[:4]),
                "total_tracks": len(a.track_ids),
                "label": a.label,
            }
            for a in catalog.albums.values()
        ],
        "dim_track": [
            {
                "track_id": t.id,
                "track_name": t.name,
                "duration_ms": t.duration_ms,
                "explicit": t.explicit,
                "isrc": t.isrc,
                "album_id": t.album_id,
            }
            for t in catalog.tracks.values()
        ],
        "bridge_track_artist": [
            {"track_id": t.id, "artist_id": a, "artist_position": position}
            for t in catalog.tracks.values()
            for position, a in enumerate(t.artist_ids)
        ],
        "dim_playlist": [
            {"playlist_id": p.id, "playlist_name": p.name, "owner_id": p.owner_id, "total_items": len(p.base_entries)}
            for p in catalog.playlists.values()
            if p.changes_daily
        ],
        "fact_play": plays,
        "fact_playlist_item": playlist_items,
        "fact_top_item": top_items,
        "fact_saved_track": [{"track_id": track, "saved_at": at} for track, at in saved.items()],
    }


def load_year(warehouse: Any, stage_root: Path, catalog: Catalog, days: int = YEAR_DAYS) -> dict[str, int]:
    """Load the year into `warehouse` (a LocalWarehouse with its migrations applied); the rows per table."""
    files = year_files(catalog, days)
    last_day = EPOCH + datetime.timedelta(days=days - 1)
    for table, rows in files.items():
        if table not in SNAPSHOT_TABLES:
            key = write_model_file(stage_root, table, last_day.isoformat(), _run_id(last_day), rows)
            warehouse.ingest(table, key)
            continue
        by_day: dict[datetime.date, list[dict[str, Any]]] = {}
        for row in rows:
            by_day.setdefault(row["snapshot_date"], []).append(row)
        for day, day_rows in sorted(by_day.items()):
            warehouse.ingest(table, write_model_file(stage_root, table, day.isoformat(), _run_id(day), day_rows))
    warehouse.refresh()
    return {table: len(rows) for table, rows in files.items()}
