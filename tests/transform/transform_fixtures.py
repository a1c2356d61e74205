"""Raw-zone builders for the transform tests: Spotify objects in their real shapes, page envelopes, page files and
manifests written to a directory that mirrors the raw bucket (contracts/raw_zone.py, manifest.py), and a reader of
what the job leaves in a processed directory.

Objects follow the Web API as it is in late 2026 (the February 2026 changelog): `development` mode omits `popularity`,
`followers`, `genres` and `label`, and playlist entries carry `item`; `extended` mode has every field and the
older `track` key.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from musicbrainz_fixtures import musicbrainz_answer

from contracts.manifest import Manifest
from contracts.processed_zone import model_partition_prefix, quarantine_partition_prefix, run_report_key
from contracts.raw_zone import ApiMode, RunLocation
from extract.raw_writer import described_part, envelope_line
from extract.requester import RawPage

DEVELOPMENT, EXTENDED = ApiMode.DEVELOPMENT, ApiMode.EXTENDED
API = "https://api.spotify.com/v1"


def _image(size: int) -> dict[str, Any]:
    return {"url": f"https://i.scdn.co/image/{size}", "height": size, "width": size}


def artist(artist_id: str, name: str, *, full: bool = False, mode: str = DEVELOPMENT, **extended: Any) -> dict:
    """A simplified artist, or a full one (`full`); extended mode adds genres, followers and popularity."""
    obj = {
        "external_urls": {"spotify": f"https://open.spotify.com/artist/{artist_id}"},
        "href": f"{API}/artists/{artist_id}",
        "id": artist_id,
        "name": name,
        "type": "artist",
        "uri": f"spotify:artist:{artist_id}",
    }
    if full:
        obj["images"] = [_image(640), _image(160)]
        if mode == EXTENDED:
            obj["genres"] = extended.get("genres", ["pop"])
            obj["followers"] = {"href": None, "total": extended.get("followers", 1000)}
            obj["popularity"] = extended.get("popularity", 50)
    return obj


def album(
    album_id: str,
    name: str,
    artists: list[dict],
    *,
    release_date: str = "2011-06-24",
    precision: str = "day",
    full: bool = False,
    mode: str = DEVELOPMENT,
    tracks: list[dict] | None = None,
    label: str = "Columbia",
) -> dict:
    """A simplified album, or a full one with its first page of simplified tracks."""
    obj = {
        "album_type": "album",
        "total_tracks": 12,
        "external_urls": {"spotify": f"https://open.spotify.com/album/{album_id}"},
        "href": f"{API}/albums/{album_id}",
        "id": album_id,
        "images": [_image(300), _image(640), _image(64)],
        "name": name,
        "release_date": release_date,
        "release_date_precision": precision,
        "type": "album",
        "uri": f"spotify:album:{album_id}",
        "artists": artists,
    }
    if full:
        obj["tracks"] = paging(tracks or [], f"{API}/albums/{album_id}/tracks")
        obj["copyrights"] = [{"text": "(P) 2011", "type": "P"}]
        obj["external_ids"] = {"upc": "886443"}
        if mode == EXTENDED:
            obj["label"] = label
            obj["popularity"] = 70
            obj["genres"] = []
    return obj


def track(
    track_id: str,
    name: str,
    artists: list[dict],
    album_obj: dict | None,
    *,
    mode: str = DEVELOPMENT,
    duration_ms: int = 215000,
    popularity: int = 80,
    track_number: int = 1,
) -> dict:
    """A full track (with `album_obj`) or a simplified one as in an album's track list (`album_obj` None)."""
    obj = {
        "artists": artists,
        "disc_number": 1,
        "duration_ms": duration_ms,
        "explicit": False,
        "external_urls": {"spotify": f"https://open.spotify.com/track/{track_id}"},
        "href": f"{API}/tracks/{track_id}",
        "id": track_id,
        "is_playable": True,
        "name": name,
        "preview_url": None,
        "track_number": track_number,
        "type": "track",
        "uri": f"spotify:track:{track_id}",
        "is_local": False,
    }
    if album_obj is not None:
        obj["album"] = album_obj
        obj["external_ids"] = {"isrc": f"US{track_id.upper()[:10]}"}
        if mode == EXTENDED:
            obj["popularity"] = popularity
            obj["available_markets"] = ["DE", "US"]
    return obj


def local_track(title: str, artist_name: str, album_name: str) -> dict:
    """A local file in a playlist: no ids, `is_local` true."""
    return {
        "artists": [
            {"external_urls": {}, "href": None, "id": None, "name": artist_name, "type": "artist", "uri": None}
        ],
        "album": {
            "album_type": None,
            "artists": [],
            "external_urls": {},
            "href": None,
            "id": None,
            "images": [],
            "name": album_name,
            "release_date": None,
            "release_date_precision": None,
            "type": "album",
            "uri": None,
        },
        "disc_number": 0,
        "duration_ms": 227000,
        "explicit": False,
        "external_ids": {},
        "external_urls": {},
        "href": None,
        "id": None,
        "is_local": True,
        "name": title,
        "preview_url": None,
        "track_number": 0,
        "type": "track",
        "uri": f"spotify:local:{artist_name}:{album_name}:{title}:227",
    }


def episode(episode_id: str, name: str) -> dict:
    return {
        "audio_preview_url": None,
        "description": "An episode.",
        "duration_ms": 1686230,
        "explicit": False,
        "external_urls": {"spotify": f"https://open.spotify.com/episode/{episode_id}"},
        "href": f"{API}/episodes/{episode_id}",
        "id": episode_id,
        "images": [_image(640)],
        "is_externally_hosted": False,
        "languages": ["en"],
        "name": name,
        "release_date": "2026-11-01",
        "release_date_precision": "day",
        "type": "episode",
        "uri": f"spotify:episode:{episode_id}",
        "show": {"id": "show1", "name": "A show", "type": "show"},
    }


def entry(item: dict | None, *, mode: str = DEVELOPMENT, added_at: str | None = "2026-10-01T12:00:00Z") -> dict:
    """A playlist entry: `item` in development mode (2026), `track` in extended mode; null `item` = removed."""
    obj = {
        "added_at": added_at,
        "added_by": None if added_at is None else {"id": "listener", "type": "user"},
        "is_local": bool(item and item.get("is_local")),
        "primary_color": None,
    }
    obj["item" if mode == DEVELOPMENT else "track"] = item
    return obj


def paging(items: list, href: str, *, offset: int = 0, limit: int = 50, total: int | None = None) -> dict:
    return {
        "href": f"{href}?offset={offset}&limit={limit}",
        "items": items,
        "limit": limit,
        "next": None,
        "offset": offset,
        "previous": None,
        "total": len(items) + offset if total is None else total,
    }


def playlist(
    playlist_id: str, name: str, *, entries: list[dict] | None = None, mode: str = DEVELOPMENT, total: int = 6
) -> dict:
    """A full playlist (with its first page of entries) or, without `entries`, a simplified one."""
    items_key = "items" if mode == DEVELOPMENT else "tracks"
    obj = {
        "collaborative": False,
        "description": "Songs for the road (½ mix)",
        "external_urls": {"spotify": f"https://open.spotify.com/playlist/{playlist_id}"},
        "href": f"{API}/playlists/{playlist_id}",
        "id": playlist_id,
        "images": [],
        "name": name,
        "owner": {"id": "listener", "display_name": "Zoë", "type": "user"},
        "public": True,
        "snapshot_id": f"snap-{playlist_id}",
        "type": "playlist",
        "uri": f"spotify:playlist:{playlist_id}",
    }
    if entries is None:
        obj[items_key] = {"href": f"{API}/playlists/{playlist_id}/{items_key}", "total": total}
    else:
        obj[items_key] = paging(entries, f"{API}/playlists/{playlist_id}/{items_key}", limit=2, total=total)
    return obj


def play(track_obj: dict | None, played_at: str, context: dict | None = None) -> dict:
    return {"track": track_obj, "played_at": played_at, "context": context}


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


def _catalog(mode: str) -> dict[str, dict]:
    artists = {
        BEYONCE: artist(BEYONCE, "Beyoncé"),
        SIGUR_ROS: artist(SIGUR_ROS, "Sigur Rós"),
        YOASOBI: artist(YOASOBI, "YOASOBI"),
        KINO: artist(KINO, "Кино"),
    }
    albums = {
        ALBUM_FOUR: album(ALBUM_FOUR, "4", [artists[BEYONCE]]),
        ALBUM_TAKK: album(ALBUM_TAKK, "Takk…", [artists[SIGUR_ROS]], release_date="2005", precision="year"),
        ALBUM_YORU: album(
            ALBUM_YORU, "THE BOOK", [artists[YOASOBI], artists[KINO]], release_date="2021-01", precision="month"
        ),
        ALBUM_ZERO: album(ALBUM_ZERO, "Lost Tapes", [artists[KINO]], release_date="0000", precision="year"),
    }
    return {
        LOVE_ON_TOP: track(LOVE_ON_TOP, "Love On Top", [artists[BEYONCE]], albums[ALBUM_FOUR], mode=mode),
        HOPPIPOLLA: track(HOPPIPOLLA, "Hoppípolla", [artists[SIGUR_ROS]], albums[ALBUM_TAKK], mode=mode),
        YORU: track(YORU, "夜に駆ける", [artists[YOASOBI], artists[KINO]], albums[ALBUM_YORU], mode=mode),
        SILENCE: track(SILENCE, "Тишина", [artists[KINO]], albums[ALBUM_ZERO], mode=mode, duration_ms=0),
        **artists,
        **albums,
    }


def development_run(root: Path) -> RawRun:
    """A day read in development mode: both kinds of quirks the model must handle, and bad data to quarantine."""
    c = _catalog(DEVELOPMENT)
    run = RawRun(root, "2026-11-24", DEV_RUN_ID, DEVELOPMENT)
    history = f"{API}/me/player/recently-played"
    on_road_trip = {"type": "playlist", "uri": f"spotify:playlist:{ROAD_TRIP}"}
    run.page(
        "recently_played",
        paging(
            [
                play(c[LOVE_ON_TOP], "2026-11-24T05:00:00.123Z", on_road_trip),
                play(c[HOPPIPOLLA], "2026-11-24T04:00:00Z"),
                play(c[YORU], "2026-11-24T03:00:00Z", {"type": "album", "uri": f"spotify:album:{ALBUM_YORU}"}),
            ],
            history,
        ),
    )
    # The next page repeats a play (the cursor overlapped) and holds a play of a track that fails its rules.
    run.page(
        "recently_played",
        paging(
            [play(c[LOVE_ON_TOP], "2026-11-24T05:00:00.123Z", on_road_trip), play(c[SILENCE], "2026-11-24T02:00:00Z")],
            history,
        ),
    )
    run.page("recently_played", None, response_text='{"items": [{"track": ', fetched_at="2026-11-24T06:15:09.000Z")
    run.page(
        "top_tracks",
        paging([c[LOVE_ON_TOP], c[YORU]], f"{API}/me/top/tracks"),
        entity_id="short_term",
        params={"time_range": "short_term", "limit": "50", "offset": "0"},
    )
    # No time_range parameter: the API answers for the medium term.
    run.page(
        "top_artists",
        paging([artist(BEYONCE, "Beyoncé", full=True), artist(YOASOBI, "YOASOBI", full=True)], f"{API}/me/top/artists"),
    )
    run.page(
        "saved_tracks",
        paging(
            [
                {"added_at": "2026-11-20T10:00:00Z", "track": c[HOPPIPOLLA]},
                {"added_at": "2026-11-21T10:00:00Z", "track": None},
            ],
            f"{API}/me/tracks",
        ),
    )
    run.page(
        "user_playlists",
        paging([playlist(ROAD_TRIP, "Road trip ☀"), playlist(OLD_FAVOURITES, "Old favourites")], f"{API}/me/playlists"),
    )
    # The full playlist embeds its first page of entries; the items pages continue after it.
    run.page(
        "playlists",
        playlist(ROAD_TRIP, "Road trip ☀", entries=[entry(c[LOVE_ON_TOP]), entry(local_track("Demo", "Zoë", "Tapes"))]),
        entity_id=ROAD_TRIP,
    )
    run.page(
        "playlist_items",
        paging(
            [entry(None), entry(episode(NEWS_EPISODE, "Daily news")), entry(c[LOVE_ON_TOP]), entry(c[YORU])],
            f"{API}/playlists/{ROAD_TRIP}/items",
            offset=2,
            limit=100,
            total=6,
        ),
        entity_id=ROAD_TRIP,
        params={"offset": "2", "limit": "100", "additional_types": "track,episode"},
    )
    simplified_love_on_top = track(LOVE_ON_TOP, "Love On Top", [c[BEYONCE]], None, track_number=3)
    run.page(
        "albums",
        album(ALBUM_FOUR, "4", [c[BEYONCE]], full=True, tracks=[simplified_love_on_top]),
        entity_id=ALBUM_FOUR,
    )
    run.page(
        "albums",
        album(ALBUM_ZERO, "Lost Tapes", [c[KINO]], release_date="0000", precision="year", full=True),
        entity_id=ALBUM_ZERO,
    )
    run.page("artists", artist(BEYONCE, "Beyoncé", full=True), entity_id=BEYONCE)
    # MusicBrainz's answer for the ISRC of Love On Top (the enrichment looks each new ISRC up once).
    isrc = c[LOVE_ON_TOP]["external_ids"]["isrc"]
    run.page("musicbrainz_recordings", musicbrainz_answer(isrc), entity_id=isrc)
    return run


def extended_run(root: Path) -> RawRun:
    """The next day read in extended mode: batch bodies, `track` in playlist entries, every field present."""
    c = _catalog(EXTENDED)
    run = RawRun(root, "2026-11-25", EXT_RUN_ID, EXTENDED)
    beyonce = artist(
        BEYONCE, "Beyoncé", full=True, mode=EXTENDED, genres=["pop", "r&b"], followers=30_000_000, popularity=88
    )
    love_on_top = track(LOVE_ON_TOP, "Love On Top", [c[BEYONCE]], c[ALBUM_FOUR], mode=EXTENDED, popularity=81)
    run.page(
        "recently_played",
        paging(
            [play(love_on_top, "2026-11-25T05:00:00Z", {"type": "playlist", "uri": "x"})],
            f"{API}/me/player/recently-played",
        ),
    )
    run.page(
        "top_tracks",
        paging([love_on_top], f"{API}/me/top/tracks"),
        entity_id="long_term",
        params={"time_range": "long_term", "limit": "50", "offset": "0"},
    )
    # A page past the 50 ranks the API serves: its rank is out of range.
    run.page(
        "top_tracks",
        paging([c[HOPPIPOLLA]], f"{API}/me/top/tracks", offset=50),
        entity_id="long_term",
        params={"time_range": "long_term", "limit": "50", "offset": "50"},
    )
    run.page("top_artists", paging([beyonce], f"{API}/me/top/artists"), params={"time_range": "long_term"})
    run.page("artists", {"artists": [beyonce, None]}, params={"ids": f"{BEYONCE},art_unknown"})
    run.page(
        "albums",
        {"albums": [album(ALBUM_FOUR, "4", [c[BEYONCE]], full=True, mode=EXTENDED, label="Parkwood")]},
        params={"ids": ALBUM_FOUR},
    )
    # An old playlist: no added_at / added_by.
    run.page(
        "playlists",
        playlist(
            ROAD_TRIP, "Road trip ☀", entries=[entry(love_on_top, mode=EXTENDED, added_at=None)], mode=EXTENDED, total=2
        ),
        entity_id=ROAD_TRIP,
    )
    run.page(
        "playlist_items",
        paging([entry(c[HOPPIPOLLA], mode=EXTENDED)], f"{API}/playlists/{ROAD_TRIP}/tracks", offset=1, total=2),
        entity_id=ROAD_TRIP,
    )
    run.page("search", {"tracks": paging([c[YORU]], f"{API}/search")}, entity_id="track:yoru")
    # Album tracks beyond the album's embedded first page: simplified tracks, the album known from the page.
    run.page(
        "album_tracks",
        paging(
            [track(COUNTDOWN, "Countdown", [c[BEYONCE]], None, track_number=51)],
            f"{API}/albums/{ALBUM_FOUR}/tracks",
            offset=50,
        ),
        entity_id=ALBUM_FOUR,
    )
    return run
