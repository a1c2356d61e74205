"""Synthetic raw runs for the benchmarks: what one extraction run writes, at a chosen size, deterministic by seed.

    python -m bench.generate --items 200000 --mode development --out bench/results/tmp/raw

A run is built from the parts the extraction itself uses, so its format cannot drift from the real one: the fake
Spotify's API (`SpotifyApi`, called in-process, no sockets) answers each request the extractor makes for the
default sources, in the API mode chosen; `RawWriter` writes the pages as gzip JSON Lines parts; `EntityRegistry`
picks the artist and album details to fetch; `Manifest` describes the files. The output directory mirrors the raw
bucket, so the Glue job reads it with `--manifest_uri <dir>/spotify/.../_manifest.json`.

Proportions, for `playlist_items` N (the entries of every playlist the app may read, in all):
- the catalog has N / 4 tracks (a track sits in about four playlists; at most the fake catalog's 200,000), a
  quarter as many artists and about one album per 7 tracks; the user saved a third of the tracks;
- the user's extra playlists hold 10 to 300 entries each, with the quirks of real data at a low rate (removed
  tracks, local files, podcast episodes);
- one play per 40 entries, read through the recently-played cursor pages (the real API keeps only the latest
  50 plays; here the history since the last run is as long as the size asks);
- top lists as the API serves them (at most 100 tracks and 50 artists per time range);
- the details of every artist and album the pages mention, as on the first run of a new deployment.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from contracts.manifest import STATUS_COMPLETE, EntityError, Manifest
from contracts.raw_zone import ApiMode, RunLocation, Source, TimeRange, new_run_id
from extract import endpoints as ep
from extract.enrichment import ALBUM, ARTIST, EntityRegistry
from extract.entities import embedded_page, newest_play_ms
from extract.playlists import PLAYLIST_ITEM_TYPES
from extract.raw_bucket import RawBucket
from extract.raw_writer import RawWriter
from extract.requester import RawPage, utc_timestamp
from extract.settings import DEFAULT_API_URL
from local.fake_spotify import names
from local.fake_spotify.activity import RECENTLY_PLAYED_WINDOW, DayState, Play, plays_on
from local.fake_spotify.api import SpotifyApi
from local.fake_spotify.auth import TokenService
from local.fake_spotify.catalog import (
    MAX_SIZE,
    MIN_SIZE,
    Catalog,
    EntryKind,
    LocalFile,
    Playlist,
    PlaylistEntry,
    Relation,
)

DEFAULT_DAY = date(2026, 11, 24)
DEFAULT_SEED = 42
ITEMS_PER_TRACK = 4
ITEMS_PER_PLAY = 40
PLAYLIST_LENGTHS = (10, 300)
# Per entry of the extra playlists: a removed track, a local file, a podcast episode.
QUIRK_RATE = 0.002

API_BASE = DEFAULT_API_URL.rstrip("/")
API_PREFIX_PATH = urlsplit(DEFAULT_API_URL).path
ADDITIONAL_TYPES = ",".join(PLAYLIST_ITEM_TYPES)
_SINCE = datetime(2019, 1, 1, tzinfo=UTC)


def readable_relations(api_mode: str) -> tuple[str, ...]:
    """The playlists whose items the app may read: development mode serves owned and collaborative ones only."""
    if api_mode == ApiMode.EXTENDED:
        return (Relation.OWNED, Relation.COLLABORATIVE, Relation.FOLLOWED)
    return (Relation.OWNED, Relation.COLLABORATIVE)


@dataclass
class LibraryCatalog(Catalog):
    """The fake catalog grown to a benchmark's size: the user owns extra playlists until the playlists in
    `readable` hold `playlist_items` entries in all, and the play history since the last run has `plays` plays."""

    playlist_items: int = 0
    plays: int = RECENTLY_PLAYED_WINDOW
    readable: tuple[str, ...] = (Relation.OWNED, Relation.COLLABORATIVE)

    def __post_init__(self) -> None:
        super().__post_init__()
        built = sum(len(p.base_entries) for p in self.playlists.values() if p.relation in self.readable)
        missing, index = self.playlist_items - built, 0
        while missing > 0:
            playlist = self._extra_playlist(index, min(missing, self._length(index)))
            self.playlists[playlist.id] = playlist
            missing -= len(playlist.base_entries)
            index += 1

    def state_on(self, day: date) -> DayState:
        return replace(super().state_on(day), recent_plays=self._play_history(day))

    def _length(self, index: int) -> int:
        return random.Random(f"bench:{self.seed}:length:{index}").randint(*PLAYLIST_LENGTHS)

    def _extra_playlist(self, index: int, length: int) -> Playlist:
        rng = random.Random(f"bench:{self.seed}:playlist:{index}")
        span = int((datetime(2025, 12, 31, tzinfo=UTC) - _SINCE).total_seconds())
        episodes = tuple(self.episodes)
        entries = []
        for position, track_id in enumerate(rng.choices(self.track_ids, k=length)):
            added_at = _SINCE + timedelta(seconds=rng.randint(0, span))
            quirk = rng.random()
            if quirk < QUIRK_RATE:
                removed = names.spotify_id("bench", self.seed, "removed-track", index, position)
                entries.append(PlaylistEntry(EntryKind.REMOVED, removed, added_at, self.user.id))
            elif quirk < 2 * QUIRK_RATE:
                local = LocalFile(*names.LOCAL_FILES[position % len(names.LOCAL_FILES)])
                entries.append(PlaylistEntry(EntryKind.LOCAL, local, added_at, self.user.id))
            elif quirk < 3 * QUIRK_RATE:
                entries.append(PlaylistEntry(EntryKind.EPISODE, rng.choice(episodes), added_at, self.user.id))
            else:
                entries.append(PlaylistEntry(EntryKind.TRACK, track_id, added_at, self.user.id))
        entries.sort(key=lambda entry: entry.added_at or _SINCE)
        return Playlist(
            id=names.spotify_id("bench", self.seed, "playlist", index),
            name=f"{names.PLAYLIST_NAMES[index % len(names.PLAYLIST_NAMES)]} #{index + 1}",
            description=names.PLAYLIST_DESCRIPTIONS[index % len(names.PLAYLIST_DESCRIPTIONS)],
            owner_id=self.user.id,
            relation=Relation.OWNED,
            public=True,
            collaborative=False,
            followers=rng.randint(0, 40),
            changes_daily=False,
            base_entries=tuple(entries),
            editors=(self.user.id,),
        )

    def _play_history(self, day: date) -> tuple[Play, ...]:
        """The plays of `day` and the days before it, newest first, until there are `plays` of them."""
        history: list[Play] = []
        back = day
        while len(history) < self.plays:
            history.extend(reversed(plays_on(self, back)))
            back -= timedelta(days=1)
        return tuple(history[: self.plays])


class DirectoryBucket(RawBucket):
    """The raw bucket as a local directory (`<root>/<key>`), the layout the Glue job reads locally."""

    def __init__(self, root: Path) -> None:
        super().__init__(name=str(root))
        self.root = root

    def put(self, key: str, body: bytes, content_type: str) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)

    def get(self, key: str) -> bytes | None:
        path = self.root / key
        return path.read_bytes() if path.exists() else None


@dataclass(frozen=True)
class GeneratedRun:
    manifest_path: Path
    run_id: str
    ingest_date: str
    api_mode: str
    playlist_items: int  # entries in the run's playlist pages (the size the throughput is measured in)
    pages: dict[str, int]  # pages per source
    records: dict[str, int]  # catalog tracks, plays, saved tracks, artist and album details
    raw_bytes: int  # gzip bytes of every page file
    json_bytes: int  # the same pages as JSON text
    seconds: float


class _Extraction:
    """Reads the fake API in-process the way the extractor reads the real one, keeping each page as it does."""

    def __init__(
        self, api: SpotifyApi, tokens: TokenService, writer: RawWriter, api_mode: str, started: datetime
    ) -> None:
        self.api = api
        self.writer = writer
        self.api_mode = api_mode
        self.registry = EntityRegistry()
        self.calls: Counter[str] = Counter()
        self.pages: Counter[str] = Counter()
        self.errors: list[EntityError] = []
        self.playlist_items = 0
        self._started = started

        def bearer(**form: str) -> str:
            credentials = {"client_id": tokens.client_id, "client_secret": tokens.client_secret}
            answer = tokens.token_request({**form, **credentials}, None)
            return f"Bearer {answer.body['access_token']}"

        self._auth = {
            ep.USER: bearer(grant_type="refresh_token", refresh_token=tokens.refresh_token),
            ep.APP: bearer(grant_type="client_credentials"),
        }

    @property
    def now(self) -> datetime:
        """A page every 20 ms from the run's start: the same seed gives the same `fetched_at` values."""
        return self._started + timedelta(milliseconds=20 * sum(self.calls.values()))

    def get(
        self, source: str, entity_id: str | None, endpoint: ep.Endpoint, path: str, params: dict[str, str], auth: str
    ) -> Any:
        """One request; a 2xx body is kept (written raw, noted for enrichment), any other answer is recorded
        against its entity, as the extractor records a 4xx."""
        url = f"{API_BASE}/{path}" + (f"?{urlencode(params)}" if params else "")
        response = self.api.handle("GET", urlsplit(url).path, params, self._auth[auth])
        fetched_at = utc_timestamp(self.now)
        self.calls[source] += 1
        if not 200 <= response.status < 300:
            error = response.body.get("error", {}) if isinstance(response.body, dict) else {}
            message = error.get("message") or f"HTTP {response.status}"
            self.errors.append(EntityError(source, entity_id, response.status, message))
            return None
        page = RawPage(
            source=source,
            entity_id=entity_id,
            endpoint=endpoint.describe(API_PREFIX_PATH),
            url=url,
            params=params,
            status=response.status,
            fetched_at=fetched_at,
            response=response.body,
        )
        self.writer.add(page)
        self.registry.observe(page)
        self.pages[source] += 1
        return response.body

    def read_list(
        self,
        source: str,
        entity_id: str | None,
        endpoint: ep.Endpoint,
        path: str,
        params: dict[str, str],
        auth: str,
        start: int = 0,
    ) -> list[dict[str, Any]]:
        """An offset-paged list from `start` to its end, at the largest page the endpoint serves."""
        bodies, offset, size = [], start, endpoint.max_limit
        while True:
            body = self.get(
                source, entity_id, endpoint, path, {**params, "limit": str(size), "offset": str(offset)}, auth
            )
            if body is None:
                return bodies
            bodies.append(body)
            offset += size
            if body.get("next") is None or offset >= body.get("total", 0):
                return bodies

    # -- the default sources, in the extractor's order -------------------------------------------------------
    def recently_played(self) -> str | None:
        """The cursor pages from the newest play back; returns the next run's `after` cursor."""
        params, newest = {"limit": str(ep.RECENTLY_PLAYED.max_limit)}, None
        while True:
            path = ep.RECENTLY_PLAYED.path
            body = self.get(Source.RECENTLY_PLAYED, None, ep.RECENTLY_PLAYED, path, params, ep.USER)
            if body is None:
                break
            page_newest = newest_play_ms(body)
            if page_newest is not None:
                newest = page_newest if newest is None else max(newest, page_newest)
            if not body.get("items") or not body.get("next"):
                break
            params = dict(parse_qsl(urlsplit(body["next"]).query))
        return None if newest is None else str(newest)

    def top_lists(self) -> None:
        for source, endpoint in ((Source.TOP_TRACKS, ep.TOP_TRACKS), (Source.TOP_ARTISTS, ep.TOP_ARTISTS)):
            for time_range in TimeRange.ALL:
                self.read_list(source, time_range, endpoint, endpoint.path, {"time_range": time_range}, ep.USER)

    def saved_tracks(self) -> None:
        self.read_list(Source.SAVED_TRACKS, None, ep.SAVED_TRACKS, ep.SAVED_TRACKS.path, {}, ep.USER)

    def user_playlists(self) -> None:
        listing = self.read_list(Source.USER_PLAYLISTS, None, ep.MY_PLAYLISTS, ep.MY_PLAYLISTS.path, {}, ep.USER)
        listed = [item["id"] for body in listing for item in body["items"] if isinstance(item, dict)]
        for playlist_id in dict.fromkeys(listed):
            self.playlist(playlist_id)

    def playlist(self, playlist_id: str) -> None:
        """The detail object (with the first page of items where the app may read them), then the other pages.
        Development mode skips editorial playlists without a call; extended mode records their 404."""
        if self.api_mode == ApiMode.DEVELOPMENT and ep.is_editorial_playlist(playlist_id):
            return
        path = f"playlists/{playlist_id}"
        detail = self.get(
            Source.PLAYLISTS, playlist_id, ep.PLAYLIST, path, {"additional_types": ADDITIONAL_TYPES}, ep.USER
        )
        embedded = embedded_page(detail, "items", "tracks")
        if embedded is None:
            return  # development mode: a followed playlist shows no items and the extractor reads none
        self.playlist_items += len(embedded["items"])
        start = int(embedded.get("offset") or 0) + len(embedded["items"])
        if embedded.get("next") is None or start >= embedded["total"]:
            return
        endpoint = ep.PLAYLIST_TRACKS_LEGACY if self.api_mode == ApiMode.EXTENDED else ep.PLAYLIST_ITEMS
        items_path = endpoint.path.format(playlist_id=playlist_id)
        params = {"additional_types": ADDITIONAL_TYPES}
        for body in self.read_list(Source.PLAYLIST_ITEMS, playlist_id, endpoint, items_path, params, ep.USER, start):
            self.playlist_items += len(body["items"])

    def details(self) -> dict[str, int]:
        """Every album, then every artist the kept pages mention (albums first: their artists are seen too)."""
        albums = self.registry.claim(ALBUM, [], enrich=True)
        full_albums = self._details(Source.ALBUMS, albums, ep.ALBUM, ep.ALBUMS_BATCH, "albums")
        for album in full_albums:
            tracks = embedded_page(album, "tracks")
            start = int(tracks.get("offset") or 0) + len(tracks["items"]) if tracks else 0
            if tracks is not None and tracks.get("next") is not None and start < tracks["total"]:
                path = ep.ALBUM_TRACKS.path.format(id=album["id"])
                self.read_list(Source.ALBUM_TRACKS, album["id"], ep.ALBUM_TRACKS, path, {}, ep.APP, start)
        artists = self.registry.claim(ARTIST, [], enrich=True)
        self._details(Source.ARTISTS, artists, ep.ARTIST, ep.ARTISTS_BATCH, "artists")
        return {"album_details": len(albums), "artist_details": len(artists)}

    def _details(
        self, source: str, ids: Sequence[str], one: ep.Endpoint, batch: ep.Endpoint, plural: str
    ) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        if self.api_mode == ApiMode.EXTENDED:
            for first in range(0, len(ids), batch.max_limit):
                chunk = ",".join(ids[first : first + batch.max_limit])
                body = self.get(source, None, batch, batch.path, {"ids": chunk}, ep.APP)
                found += [entity for entity in (body or {}).get(plural, []) if isinstance(entity, dict)]
            return found
        for entity_id in ids:
            body = self.get(source, entity_id, one, one.path.format(id=entity_id), {}, ep.APP)
            if isinstance(body, dict):
                found.append(body)
        return found


def generate_run(
    root: Path,
    playlist_items: int,
    seed: int = DEFAULT_SEED,
    api_mode: str = ApiMode.DEVELOPMENT,
    day: date = DEFAULT_DAY,
) -> GeneratedRun:
    """Write one extraction run of about `playlist_items` playlist entries under `root` (a mirror of the raw
    bucket). The same arguments always give the same bytes."""
    if api_mode not in ApiMode.ALL:
        raise ValueError(f"API mode {api_mode!r} is unknown; use one of: {', '.join(ApiMode.ALL)}")
    if playlist_items < 1:
        raise ValueError(f"playlist_items={playlist_items}; ask for at least 1 playlist entry")
    began = time.perf_counter()
    catalog = LibraryCatalog(
        seed=seed,
        size=min(MAX_SIZE, max(MIN_SIZE, playlist_items // ITEMS_PER_TRACK)),
        playlist_items=playlist_items,
        plays=max(RECENTLY_PLAYED_WINDOW, playlist_items // ITEMS_PER_PLAY),
        readable=readable_relations(api_mode),
    )
    tokens = TokenService(seed, ttl_seconds=24 * 3600, rotate_refresh_token=False)
    api = SpotifyApi(catalog, api_mode, tokens, API_BASE, day)
    started = datetime.combine(day, day_time(6, 15), UTC)
    run_id = new_run_id(
        started.strftime("%Y%m%dT%H%M%SZ"), names.hex_digest("bench", seed, api_mode, playlist_items, length=8)
    )
    location = RunLocation(day, run_id)
    bucket = DirectoryBucket(root)
    writer = RawWriter(bucket, location, api_mode)
    extraction = _Extraction(api, tokens, writer, api_mode, started)

    after = extraction.recently_played()
    extraction.top_lists()
    extraction.saved_tracks()
    extraction.user_playlists()
    details = extraction.details()
    files = writer.close()
    calls = dict(sorted(extraction.calls.items()))
    manifest = Manifest(
        run_id=run_id,
        ingest_date=day.isoformat(),
        started_at=utc_timestamp(started),
        finished_at=utc_timestamp(extraction.now),
        status=STATUS_COMPLETE,
        api_mode=api_mode,
        files=files,
        calls=calls,
        # Every call is one the mode needs: the generator reads each list once, at the largest page size.
        min_calls=calls,
        cursors={"recently_played_after": after} if after else {},
        errors=sorted(extraction.errors, key=lambda e: (e.source, e.entity_id or "")),
    )
    bucket.put(location.manifest_key, manifest.to_json().encode("utf-8"), content_type="application/json")
    state = api.state
    return GeneratedRun(
        manifest_path=root / location.manifest_key,
        run_id=run_id,
        ingest_date=day.isoformat(),
        api_mode=api_mode,
        playlist_items=extraction.playlist_items,
        pages=dict(sorted(extraction.pages.items())),
        records={
            "catalog_tracks": len(catalog.tracks),
            "plays": len(state.recent_plays),
            "saved_tracks": len(state.saved_tracks),
            **details,
        },
        raw_bytes=sum(f.bytes for f in files),
        json_bytes=sum(len(gzip.decompress((root / f.key).read_bytes())) for f in files),
        seconds=time.perf_counter() - began,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, required=True, help="playlist entries in the run, e.g. 200000")
    parser.add_argument(
        "--mode", choices=ApiMode.ALL, default=ApiMode.DEVELOPMENT, help="API mode (default development)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed (default {DEFAULT_SEED})")
    parser.add_argument("--day", type=date.fromisoformat, default=DEFAULT_DAY, help="ingest date, YYYY-MM-DD")
    parser.add_argument("--out", type=Path, required=True, help="directory that mirrors the raw bucket")
    args = parser.parse_args(argv)
    try:
        run = generate_run(args.out, args.items, seed=args.seed, api_mode=args.mode, day=args.day)
    except ValueError as error:
        print(f"python -m bench.generate: {error}", file=sys.stderr)
        return 2
    print(
        f"{run.playlist_items:,} playlist items, {sum(run.pages.values()):,} pages, {run.raw_bytes / 1e6:.1f} MB gzip "
        f"in {run.seconds:.1f}s\nmanifest: {run.manifest_path}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
