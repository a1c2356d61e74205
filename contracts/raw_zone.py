"""The raw zone: where the extraction writes API pages, and what one line of a page file holds.

Producer: `lambda_src/extract`. Consumers: `glue_jobs` (reads the files a manifest lists), the local runtime
and the stacks (the manifest suffix the transform trigger filters on). Pure standard library, so it ships
unchanged in the Lambda bundle and the Glue job.

Layout (one run of one day, and the captures of recently played between daily runs):

    s3://<raw>/spotify/ingest_date=YYYY-MM-DD/run_id=<run_id>/<source>/part-NNNNN.jsonl.gz
    s3://<raw>/spotify/ingest_date=YYYY-MM-DD/run_id=<run_id>/_manifest.json   (written last)
    s3://<raw>/spotify/captures/capture_date=YYYY-MM-DD/capture_id=<id>/recently_played/part-NNNNN.jsonl.gz
    s3://<raw>/spotify/captures/capture_date=YYYY-MM-DD/capture_id=<id>/_capture.json   (written last)
    s3://<raw>/spotify/_state/extract_state.json                                 (cursors, known ids, captures)

A capture's `_capture.json` does not match the transform's manifest rule (`contracts/events.py`): a capture starts
no transform. The next daily run lists the capture's files in its own manifest (`contracts/manifest.py`), and
the transform reads them with the run's own files.

Each line of a page file is one API response page, unmodified, wrapped in an envelope:

    {"source": "playlist_items", "entity_id": "<playlist id or null>",
     "request": {"method": "GET", "endpoint": "/v1/playlists/{playlist_id}/items",
                 "url": "<absolute url>", "params": {...}},
     "status": 200, "fetched_at": "2026-11-24T06:15:03.123Z", "api_mode": "development",
     "response": {...the JSON body as received...},
     "response_text": null}

`response` is null and `response_text` holds the body as text when the body was not valid JSON; the
transform quarantines such a line instead of losing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

RAW_ROOT = "spotify"
MANIFEST_NAME = "_manifest.json"
CAPTURE_MANIFEST_NAME = "_capture.json"
CAPTURES_ROOT = f"{RAW_ROOT}/captures"
STATE_KEY = f"{RAW_ROOT}/_state/extract_state.json"
PAGE_FILE_SUFFIX = ".jsonl.gz"
# Lines per page file before the writer starts the next part; keeps a part a few MB at most.
PAGES_PER_FILE = 500
# Where a listener uploads their history export (the ZIP Spotify sends, or its JSON files): outside `spotify/`, so
# no upload is ever read as a run's file; an upload here starts the import (history_import).
IMPORTS_PREFIX = "imports/"
# The ids of the tracks each history import names, one object per import (written before its manifest), which the
# daily runs enrich through the API a bounded number at a time.
HISTORY_TRACKS_PREFIX = f"{RAW_ROOT}/_state/history_tracks/"


def history_tracks_key(run_id: str) -> str:
    return f"{HISTORY_TRACKS_PREFIX}run_id={run_id}.json"


class ApiMode:
    """What the Spotify app may read, the `api_mode` of every envelope and manifest: `development` (the 2026 rules
    for Development-Mode apps: fewer fields, playlist items at /items, no batch lookups) or `extended` (Extended
    Quota Mode, the older shapes)."""

    DEVELOPMENT = "development"
    EXTENDED = "extended"
    ALL = (DEVELOPMENT, EXTENDED)
    # The `api_mode` of a history import's envelopes and manifest: its rows come from the export, not the API.
    HISTORY_EXPORT = "history_export"
    # /tracks/{id} one full track object, or /tracks?ids= batch body {"tracks": [...]}: the tracks a history
    # export names by id only, enriched by the daily runs (extract.history_tracks).
    TRACKS = "tracks"


class Source:
    """Source names: the folder of a page file and the `source` field of its envelope lines."""

    RECENTLY_PLAYED = "recently_played"  # /me/player/recently-played, cursor paging of play history
    TOP_TRACKS = "top_tracks"  # /me/top/tracks, params.time_range
    TOP_ARTISTS = "top_artists"  # /me/top/artists, params.time_range
    SAVED_TRACKS = "saved_tracks"  # /me/tracks
    USER_PLAYLISTS = "user_playlists"  # /me/playlists, simplified playlist objects
    # /playlists/{id}, one full playlist object per line; where the token may read the items, the object embeds
    # their first page (`items`, or the legacy `tracks`), and PLAYLIST_ITEMS holds only the pages after it.
    PLAYLISTS = "playlists"
    PLAYLIST_ITEMS = "playlist_items"  # /playlists/{id}/items (or the legacy /tracks), entity_id = playlist id
    ARTISTS = "artists"  # /artists?ids= batch body {"artists": [...]} or one /artists/{id} object
    ALBUMS = "albums"  # /albums?ids= batch body {"albums": [...]} or one /albums/{id} object
    ALBUM_TRACKS = "album_tracks"  # /albums/{id}/tracks pages beyond the album's embedded first page
    SEARCH = "search"  # /search, body keyed by type: {"tracks": paging, "artists": paging, ...}
    # Not Spotify: MusicBrainz's /ws/2/isrc/{isrc} (recordings with releases, artist credits, genres), entity_id = the
    # ISRC; the envelope's `api_mode` is the run's (the Spotify app's), `request.endpoint` "/ws/2/isrc/{isrc}".
    MUSICBRAINZ_RECORDINGS = "musicbrainz_recordings"
    # Rows of the listener's "Extended streaming history" export, written by the import (history_import), not the
    # API: {"items": [export rows without the personal fields]}, entity_id = the archive member they came from.
    HISTORY_EXPORT = "history_export"
    # /tracks/{id} one full track object, or /tracks?ids= batch body {"tracks": [...]}: the tracks a history
    # export names by id only, enriched by the daily runs (extract.history_tracks).
    TRACKS = "tracks"

    ALL = (
        RECENTLY_PLAYED,
        TOP_TRACKS,
        TOP_ARTISTS,
        SAVED_TRACKS,
        USER_PLAYLISTS,
        PLAYLISTS,
        PLAYLIST_ITEMS,
        ARTISTS,
        ALBUMS,
        ALBUM_TRACKS,
        SEARCH,
        MUSICBRAINZ_RECORDINGS,
        HISTORY_EXPORT,
        TRACKS,
    )


class TimeRange:
    """The `time_range` of a top-items read: the request's `params.time_range` in a top_tracks or top_artists page.
    The extraction asks for the configured ones; the transform reads the parameter back."""

    SHORT = "short_term"
    MEDIUM = "medium_term"
    LONG = "long_term"
    ALL = (SHORT, MEDIUM, LONG)
    # What /me/top/{type} answers for when a request has no time_range parameter.
    DEFAULT = MEDIUM


# The result types a search may ask for that the transform reads back: a search page's body is keyed by their
# plural (`{"tracks": paging, "albums": paging, ...}`).
SEARCH_TYPES = ("track", "artist", "album", "playlist")


ENVELOPE_FIELDS = ("source", "entity_id", "request", "status", "fetched_at", "api_mode", "response", "response_text")

_CAPTURE_PREFIX = re.compile(
    rf"^{CAPTURES_ROOT}/capture_date=(?P<capture_date>\d{{4}}-\d{{2}}-\d{{2}})/capture_id=(?P<capture_id>[^/]+)/"
)
_RUN_ID = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$")
_RUN_PREFIX = re.compile(rf"^{RAW_ROOT}/ingest_date=(?P<ingest_date>\d{{4}}-\d{{2}}-\d{{2}})/run_id=(?P<run_id>[^/]+)/")


def ingest_date_prefix(ingest_date: date) -> str:
    """The prefix of every run of one day (a backfill lists the manifests under it)."""
    return f"{RAW_ROOT}/ingest_date={ingest_date.isoformat()}/"


@dataclass(frozen=True)
class RunLocation:
    """Where one extraction run lives in the raw bucket."""

    ingest_date: date
    run_id: str

    @property
    def prefix(self) -> str:
        return f"{ingest_date_prefix(self.ingest_date)}run_id={self.run_id}/"

    @property
    def manifest_key(self) -> str:
        return self.prefix + MANIFEST_NAME

    def page_file_key(self, source: str, part: int) -> str:
        if source not in Source.ALL:
            raise ValueError(f"unknown raw source {source!r}; known: {', '.join(Source.ALL)}")
        return f"{self.prefix}{source}/part-{part:05d}{PAGE_FILE_SUFFIX}"

    @classmethod
    def from_key(cls, key: str) -> RunLocation:
        """The run a raw key belongs to; raises ValueError naming the key if it is not in the layout."""
        match = _RUN_PREFIX.match(key)
        if not match:
            raise ValueError(
                f"{key!r} is not a raw-zone key; expected {RAW_ROOT}/ingest_date=YYYY-MM-DD/run_id=<id>/..."
            )
        return cls(date.fromisoformat(match["ingest_date"]), match["run_id"])


@dataclass(frozen=True)
class CaptureLocation:
    """Where one capture of recently played lives in the raw bucket (outside every run's prefix)."""

    capture_date: date
    capture_id: str

    @property
    def prefix(self) -> str:
        return f"{CAPTURES_ROOT}/capture_date={self.capture_date.isoformat()}/capture_id={self.capture_id}/"

    @property
    def manifest_key(self) -> str:
        return self.prefix + CAPTURE_MANIFEST_NAME

    def page_file_key(self, source: str, part: int) -> str:
        if source != Source.RECENTLY_PLAYED:
            raise ValueError(f"a capture holds {Source.RECENTLY_PLAYED} pages only, not {source!r}")
        return f"{self.prefix}{source}/part-{part:05d}{PAGE_FILE_SUFFIX}"

    @classmethod
    def from_key(cls, key: str) -> CaptureLocation:
        """The capture a raw key belongs to; raises ValueError naming the key if it is not in the layout."""
        match = _CAPTURE_PREFIX.match(key)
        if not match:
            raise ValueError(
                f"{key!r} is not a capture key; expected {CAPTURES_ROOT}/capture_date=YYYY-MM-DD/capture_id=<id>/..."
            )
        return cls(date.fromisoformat(match["capture_date"]), match["capture_id"])


def new_run_id(started_at_utc: str, random_hex: str) -> str:
    """`20261124T061503Z-1a2b3c4d`: sortable by start time, unique by the random suffix (captures use the same)."""
    run_id = f"{started_at_utc}-{random_hex}"
    if not _RUN_ID.match(run_id):
        raise ValueError(f"run id {run_id!r} does not match YYYYMMDDTHHMMSSZ-<8 hex>")
    return run_id
