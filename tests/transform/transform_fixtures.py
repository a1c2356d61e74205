"""Raw-zone builders for the transform tests: a small hand-made Spotify catalog rendered by the fake Spotify's
`Renderer` (local/fake_spotify/objects.py, the one home of the Web API's shapes per API mode), page envelopes, page
files and manifests written to a directory that mirrors the raw bucket (contracts/raw_zone.py, manifest.py), and a
reader of what the job leaves in a processed directory.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from musicbrainz_fixtures import musicbrainz_answer

from contracts.manifest import Manifest
from contracts.processed_zone import model_partition_prefix, quarantine_partition_prefix, run_report_key
from contracts.raw_zone import ApiMode, RunLocation
from extract.raw_writer import described_part, envelope_line
from extract.requester import RawPage
from local.fake_spotify.activity import Context, Play, PlaylistState
from local.fake_spotify.catalog import (
    Album,
    Artist,
    EntryKind,
    Episode,
    LocalFile,
    Playlist,
    PlaylistEntry,
    Relation,
    Show,
    Track,
    User,
)
from local.fake_spotify.objects import JsonObject, Renderer

DEVELOPMENT, EXTENDED = ApiMode.DEVELOPMENT, ApiMode.EXTENDED
API = "https://api.spotify.com/v1"
LISTENER = User("listener", "Zoë")
# What no transform test looks at: the same for every album, track and playlist.
_ALBUM_REST: dict[str, Any] = {"popularity": 70, "upc": "886443000000", "markets": ("DE", "US")}
_TRACK_REST: dict[str, Any] = {"disc_number": 1, "explicit": False, "preview_url": None, "markets": ("DE", "US")}
_PLAYLIST_REST: dict[str, Any] = {
    "relation": Relation.OWNED,
    "public": True,
    "collaborative": False,
    "followers": 3,
    "changes_daily": False,
}


@dataclass
class HandMadeCatalog:
    """The few entities a test names, as the fake Spotify's own dataclasses, for its `Renderer` to render in either
    API mode. The builders fill what a test does not care about; credits never change from day to day here."""

    user: User = LISTENER
    users: dict[str, User] = field(default_factory=lambda: {LISTENER.id: LISTENER})
    artists: dict[str, Artist] = field(default_factory=dict)
    albums: dict[str, Album] = field(default_factory=dict)
    tracks: dict[str, Track] = field(default_factory=dict)
    shows: dict[str, Show] = field(default_factory=dict)
    episodes: dict[str, Episode] = field(default_factory=dict)
    playlists: dict[str, Playlist] = field(default_factory=dict)

    def track_artist_ids(self, track: Track, day: date | None) -> tuple[str, ...]:
        return track.artist_ids

    def renderer(self, mode: str = DEVELOPMENT) -> Renderer:
        return Renderer(self, mode, API)

    def artist(
        self, artist_id: str, name: str, *, genres: Sequence[str] = ("pop",), popularity: int = 50, followers: int = 900
    ) -> Artist:
        self.artists[artist_id] = Artist(artist_id, name, tuple(genres), popularity, followers)
        return self.artists[artist_id]

    def album(
        self,
        album_id: str,
        name: str,
        artists: Sequence[Artist],
        *,
        release_date: str = "2011-06-24",
        label: str = "Columbia",
    ) -> Album:
        """An album; the release date's precision follows its form: "2005", "2021-01" or "2011-06-24"."""
        precision = {4: "year", 7: "month", 10: "day"}[len(release_date)]
        artist_ids = tuple(a.id for a in artists)
        self.albums[album_id] = Album(
            album_id, name, "album", artist_ids, release_date, precision, label, **_ALBUM_REST
        )
        return self.albums[album_id]

    def track(
        self,
        track_id: str,
        name: str,
        album: Album,
        *,
        duration_ms: int = 215_000,
        popularity: int = 80,
        track_number: int = 1,
    ) -> Track:
        """A track credited to its album's artists; it joins the album's track list."""
        isrc = f"US{track_id.upper()[:10]}"
        track = Track(
            track_id,
            name,
            album.id,
            album.artist_ids,
            track_number=track_number,
            duration_ms=duration_ms,
            isrc=isrc,
            popularity=popularity,
            **_TRACK_REST,
        )
        self.tracks[track_id] = track
        listed = self.albums[album.id]
        self.albums[album.id] = replace(listed, track_ids=(*listed.track_ids, track_id))
        return track

    def episode(self, episode_id: str, name: str, show_id: str, show_name: str) -> Episode:
        """An episode of a podcast show."""
        show = self.shows.get(show_id, Show(show_id, show_name, f"{show_name} Media"))
        self.shows[show_id] = replace(show, episode_ids=(*show.episode_ids, episode_id))
        self.episodes[episode_id] = Episode(episode_id, name, show_id, "2026-11-01", 1_686_230)
        return self.episodes[episode_id]

    def playlist(self, playlist_id: str, name: str) -> Playlist:
        """A public playlist the user owns."""
        description = "Songs for the road (½ mix)"
        self.playlists[playlist_id] = Playlist(playlist_id, name, description, LISTENER.id, **_PLAYLIST_REST)
        return self.playlists[playlist_id]


def page(
    render: Renderer,
    path: str,
    items: list[Any],
    *,
    offset: int = 0,
    limit: int = 50,
    total: int | None = None,
    params: dict[str, str] | None = None,
) -> JsonObject:
    """A paging object holding `items` from `offset`; by default the list ends with them."""
    return render.paging(path, items, offset, limit, offset + len(items) if total is None else total, params)


def top_artists_page(*names: str, offset: int = 0) -> JsonObject:
    """A development-mode page of the user's top artists with these names; their ids are a1, a2 ... by rank."""
    catalog = HandMadeCatalog()
    artists = [catalog.artist(f"a{rank}", name) for rank, name in enumerate(names, offset + 1)]
    render = catalog.renderer()
    return page(render, "/me/top/artists", [render.artist(a) for a in artists], offset=offset)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass
class RawRun:
    """The pages of one extraction run; `write()` stores them as part files plus a manifest under `root`."""

    root: Path
    ingest_date: str
    run_id: str
    api_mode: str = DEVELOPMENT
    lines: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def location(self) -> RunLocation:
        return RunLocation(date.fromisoformat(self.ingest_date), self.run_id)

    @property
    def manifest_path(self) -> Path:
        return self.root / self.location.manifest_key

    def page(
        self,
        source: str,
        response: dict | None,
        *,
        entity_id: str | None = None,
        params: dict[str, Any] | None = None,
        status: int = 200,
        response_text: str | None = None,
        fetched_at: str | None = None,
    ) -> RawRun:
        page = RawPage(
            source=source,
            entity_id=entity_id,
            endpoint=f"/v1/{source}",
            url=f"{API}/{source}",
            params=params or {},
            status=status,
            fetched_at=fetched_at or f"{self.ingest_date}T06:15:03.123Z",
            response=response,
            response_text=response_text,
        )
        return self.line(source, envelope_line(page, self.api_mode))

    def line(self, source: str, text: str) -> RawRun:
        self.lines[source].append(text)
        return self

    def write(self) -> Path:
        files = []
        for source, lines in sorted(self.lines.items()):
            body, described = described_part(self.location.page_file_key(source, 0), source, lines)
            path = self.root / described.key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
            files.append(described)
        manifest = Manifest(
            run_id=self.run_id,
            ingest_date=self.ingest_date,
            started_at=f"{self.ingest_date}T06:15:00Z",
            finished_at=f"{self.ingest_date}T06:16:00Z",
            status="complete",
            api_mode=self.api_mode,
            files=files,
        )
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        self.manifest_path.write_text(manifest.to_json(), encoding="utf-8")
        return self.manifest_path


@dataclass(frozen=True)
class Processed:
    """What a job run left in a local processed directory."""

    root: Path

    def model_dir(self, table_name: str, run: RawRun) -> Path:
        return self.root / model_partition_prefix(table_name, run.ingest_date, run.run_id)

    def quarantine_dir(self, table_name: str, run: RawRun) -> Path:
        return self.root / quarantine_partition_prefix(table_name, run.ingest_date, run.run_id)

    def rows(self, table_name: str, run: RawRun) -> list[dict[str, Any]]:
        """A table's rows of one run, read with pyarrow (as a warehouse would, without Spark); a table without
        rows has no directory."""
        directory = self.model_dir(table_name, run)
        return pq.read_table(directory).to_pylist() if directory.exists() else []

    def quarantine(self, table_name: str, run: RawRun) -> list[dict[str, Any]]:
        directory = self.quarantine_dir(table_name, run)
        return pq.read_table(directory).to_pylist() if directory.exists() else []

    def report(self, run: RawRun) -> dict[str, Any]:
        return json.loads((self.root / run_report_key(run.ingest_date, run.run_id)).read_text(encoding="utf-8"))


# The two runs most tests read: a development-mode day and an extended-mode day, transformed in one backfill job.

BEYONCE, SIGUR_ROS, YOASOBI, KINO = "art_beyonce", "art_sigurros", "art_yoasobi", "art_kino"
ALBUM_FOUR, ALBUM_TAKK, ALBUM_YORU, ALBUM_ZERO = "alb_four", "alb_takk", "alb_yoru", "alb_zero"
LOVE_ON_TOP, HOPPIPOLLA, YORU, SILENCE, COUNTDOWN = (
    "trk_loveontop",
    "trk_hoppipolla",
    "trk_yoru",
    "trk_silence",
    "trk_countdown",
)
ROAD_TRIP, OLD_FAVOURITES = "pl_roadtrip", "pl_oldfavourites"
NEWS_EPISODE = "ep_dailynews"

DEV_RUN_ID = "20261124T061500Z-0a1b2c3d"
EXT_RUN_ID = "20261125T061500Z-4e5f6a7b"
HISTORY = f"{API}/me/player/recently-played"


def _catalog() -> HandMadeCatalog:
    """What both days read; each API mode renders it as it does (development mode without popularity, followers
    and label)."""
    c = HandMadeCatalog()
    beyonce = c.artist(BEYONCE, "Beyoncé", genres=("pop", "r&b"), popularity=88, followers=30_000_000)
    sigur_ros, yoasobi, kino = c.artist(SIGUR_ROS, "Sigur Rós"), c.artist(YOASOBI, "YOASOBI"), c.artist(KINO, "Кино")
    four = c.album(ALBUM_FOUR, "4", [beyonce], label="Parkwood")
    c.track(LOVE_ON_TOP, "Love On Top", four, popularity=81)
    c.track(COUNTDOWN, "Countdown", four, track_number=51)
    c.track(HOPPIPOLLA, "Hoppípolla", c.album(ALBUM_TAKK, "Takk…", [sigur_ros], release_date="2005"))
    c.track(YORU, "夜に駆ける", c.album(ALBUM_YORU, "THE BOOK", [yoasobi, kino], release_date="2021-01"))
    c.track(SILENCE, "Тишина", c.album(ALBUM_ZERO, "Lost Tapes", [kino], release_date="0000"), duration_ms=0)
    c.episode(NEWS_EPISODE, "Daily news", "show_news", "A show")
    c.playlist(ROAD_TRIP, "Road trip ☀")
    c.playlist(OLD_FAVOURITES, "Old favourites")
    return c


def _added(kind: str, ref: str | LocalFile) -> PlaylistEntry:
    return PlaylistEntry(kind, ref, moment("2026-10-01T12:00:00Z"), LISTENER.id)


def _album(render: Renderer, album: Album, *first_page: Track) -> JsonObject:
    """A full album with these tracks as its embedded first page."""
    tracks = [render.simplified_track(t) for t in first_page]
    return render.album(album, page(render, f"/albums/{album.id}/tracks", tracks))


def development_run(root: Path) -> RawRun:
    """A day read in development mode: both kinds of quirks the model must handle, and bad data to quarantine."""
    c = _catalog()
    spotify, tracks = c.renderer(DEVELOPMENT), c.tracks
    run = RawRun(root, "2026-11-24", DEV_RUN_ID, DEVELOPMENT)
    on_road_trip = Play(LOVE_ON_TOP, moment("2026-11-24T05:00:00.123Z"), Context("playlist", ROAD_TRIP))
    earlier = [
        Play(HOPPIPOLLA, moment("2026-11-24T04:00:00Z"), None),
        Play(YORU, moment("2026-11-24T03:00:00Z"), Context("album", ALBUM_YORU)),
    ]
    run.page("recently_played", spotify.play_history([on_road_trip, *earlier], 50, None, HISTORY))
    # The next page repeats a play (the cursor overlapped) and holds a play of a track that fails its rules.
    silence = Play(SILENCE, moment("2026-11-24T02:00:00Z"), None)
    run.page("recently_played", spotify.play_history([on_road_trip, silence], 50, None, HISTORY))
    run.page("recently_played", None, response_text='{"items": [{"track": ', fetched_at="2026-11-24T06:15:09.000Z")
    short_term = {"time_range": "short_term"}
    run.page(
        "top_tracks",
        page(spotify, "/me/top/tracks", [spotify.track(tracks[t]) for t in (LOVE_ON_TOP, YORU)], params=short_term),
        entity_id="short_term",
        params={**short_term, "limit": "50", "offset": "0"},
    )
    # No time_range parameter: the API answers for the medium term.
    top_artists = [spotify.artist(c.artists[a]) for a in (BEYONCE, YOASOBI)]
    run.page("top_artists", page(spotify, "/me/top/artists", top_artists, params={"time_range": "medium_term"}))
    saved = [
        spotify.saved_track(None, moment("2026-11-21T10:00:00Z")),
        spotify.saved_track(tracks[HOPPIPOLLA], moment("2026-11-20T10:00:00Z")),
    ]
    run.page("saved_tracks", page(spotify, "/me/tracks", saved))
    demo = LocalFile("Zoë", "Tapes", "Demo", 227)
    road_trip = PlaylistState(
        c.playlists[ROAD_TRIP],
        (
            _added(EntryKind.TRACK, LOVE_ON_TOP),
            _added(EntryKind.LOCAL, demo),
            _added(EntryKind.REMOVED, "trk_removed"),
            _added(EntryKind.EPISODE, NEWS_EPISODE),
            _added(EntryKind.TRACK, LOVE_ON_TOP),
            _added(EntryKind.TRACK, YORU),
        ),
        "snap-pl_roadtrip",
    )
    old_favourites = PlaylistState(c.playlists[OLD_FAVOURITES], (_added(EntryKind.TRACK, HOPPIPOLLA),), "snap-old")
    listing = [spotify.simplified_playlist(road_trip), spotify.simplified_playlist(old_favourites)]
    run.page("user_playlists", page(spotify, "/me/playlists", listing))
    # The full playlist embeds its first page of entries (two here); the items pages continue after it.
    first_page = spotify.playlist_entries_page(road_trip, "items", ("item",), False, offset=0, limit=2)
    run.page("playlists", spotify.playlist(road_trip, {"items": first_page}), entity_id=ROAD_TRIP)
    with_episodes = {"additional_types": "track,episode"}
    run.page(
        "playlist_items",
        spotify.playlist_entries_page(road_trip, "items", ("item",), True, offset=2, limit=50, params=with_episodes),
        entity_id=ROAD_TRIP,
        params={"offset": "2", "limit": "50", **with_episodes},
    )
    run.page("albums", _album(spotify, c.albums[ALBUM_FOUR], tracks[LOVE_ON_TOP]), entity_id=ALBUM_FOUR)
    run.page("albums", _album(spotify, c.albums[ALBUM_ZERO]), entity_id=ALBUM_ZERO)
    run.page("artists", spotify.artist(c.artists[BEYONCE]), entity_id=BEYONCE)
    # MusicBrainz's answer for the ISRC of Love On Top (the enrichment looks each new ISRC up once).
    isrc = tracks[LOVE_ON_TOP].isrc
    run.page("musicbrainz_recordings", musicbrainz_answer(isrc), entity_id=isrc)
    return run


def extended_run(root: Path) -> RawRun:
    """The next day read in extended mode: batch bodies, `track` in playlist entries, every field present."""
    c = _catalog()
    spotify, tracks = c.renderer(EXTENDED), c.tracks
    run = RawRun(root, "2026-11-25", EXT_RUN_ID, EXTENDED)
    played = Play(LOVE_ON_TOP, moment("2026-11-25T05:00:00Z"), Context("playlist", ROAD_TRIP))
    run.page("recently_played", spotify.play_history([played], 50, None, HISTORY))
    long_term = {"time_range": "long_term"}
    run.page(
        "top_tracks",
        page(spotify, "/me/top/tracks", [spotify.track(tracks[LOVE_ON_TOP])], params=long_term),
        entity_id="long_term",
        params={**long_term, "limit": "50", "offset": "0"},
    )
    # A page past the 50 ranks the API serves: its rank is out of range.
    run.page(
        "top_tracks",
        page(spotify, "/me/top/tracks", [spotify.track(tracks[HOPPIPOLLA])], offset=50, params=long_term),
        entity_id="long_term",
        params={**long_term, "limit": "50", "offset": "50"},
    )
    beyonce = spotify.artist(c.artists[BEYONCE])
    run.page("top_artists", page(spotify, "/me/top/artists", [beyonce], params=long_term), params=long_term)
    run.page("artists", {"artists": [beyonce, None]}, params={"ids": f"{BEYONCE},art_unknown"})
    four = _album(spotify, c.albums[ALBUM_FOUR], tracks[LOVE_ON_TOP])
    run.page("albums", {"albums": [four]}, params={"ids": ALBUM_FOUR})
    # An entry from before Spotify recorded who added what and when: no added_at / added_by.
    road_trip = PlaylistState(
        c.playlists[ROAD_TRIP],
        (PlaylistEntry(EntryKind.TRACK, LOVE_ON_TOP, None, None), _added(EntryKind.TRACK, HOPPIPOLLA)),
        "snap-pl_roadtrip-2",
    )
    first_page = spotify.playlist_entries_page(road_trip, "tracks", ("track",), False, offset=0, limit=1)
    run.page("playlists", spotify.playlist(road_trip, {"tracks": first_page}), entity_id=ROAD_TRIP)
    run.page(
        "playlist_items",
        spotify.playlist_entries_page(road_trip, "tracks", ("track",), False, offset=1, limit=100),
        entity_id=ROAD_TRIP,
    )
    search = {"q": "track:yoru", "type": "track"}
    found = page(spotify, "/search", [spotify.track(tracks[YORU])], limit=10, params=search)
    run.page("search", {"tracks": found}, entity_id="track:yoru")
    # Album tracks beyond the album's embedded first page: simplified tracks, the album known from the page.
    countdown = spotify.simplified_track(tracks[COUNTDOWN])
    album_tracks = page(spotify, f"/albums/{ALBUM_FOUR}/tracks", [countdown], offset=50)
    run.page("album_tracks", album_tracks, entity_id=ALBUM_FOUR)
    return run
