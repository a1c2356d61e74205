"""The Web API's JSON objects (track, album, artist, playlist, paging ...) for catalog entities, per API mode.

Development mode (Development-Mode apps since February 2026) leaves out the fields the February 2026 changelog
removed: track `popularity`, `available_markets`, `linked_from`; album `popularity`, `label`, `available_markets`,
`album_group`; artist `popularity`, `followers`; current user `country`, `email`, `product`, `followers`; show
`available_markets`, `publisher`. `external_ids` stays (restored in March 2026). Extended mode has every field.
Links (`href`, `next`, `previous`) point at the server that renders them.

This module is the one home of those shapes: the fake server serves them, and the transform tests render their
hand-made catalogs with the same `Renderer`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol
from urllib.parse import quote_plus, urlencode

from contracts.raw_zone import ApiMode
from local.fake_spotify import names
from local.fake_spotify.activity import Context, Play, PlaylistState
from local.fake_spotify.catalog import (
    Album,
    Artist,
    EntryKind,
    Episode,
    LocalFile,
    Playlist,
    PlaylistEntry,
    Show,
    Track,
    User,
)

OPEN_SPOTIFY = "https://open.spotify.com"

JsonObject = dict[str, Any]


def timestamp(moment: datetime | None, milliseconds: bool = False) -> str | None:
    """ISO 8601 in UTC with a Z, as the API writes it (`played_at` carries milliseconds)."""
    if moment is None:
        return None
    if milliseconds:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def unix_ms(moment: datetime) -> int:
    """A moment as the play history's cursors count it: milliseconds since the Unix epoch."""
    return int(moment.timestamp() * 1000)


class CatalogEntities(Protocol):
    """What the renderer reads of a catalog: the fake's synthetic `Catalog`, or a small hand-made one in a test."""

    @property
    def user(self) -> User: ...  # the current user
    @property
    def users(self) -> Mapping[str, User]: ...
    @property
    def artists(self) -> Mapping[str, Artist]: ...
    @property
    def albums(self) -> Mapping[str, Album]: ...
    @property
    def tracks(self) -> Mapping[str, Track]: ...
    @property
    def shows(self) -> Mapping[str, Show]: ...
    @property
    def episodes(self) -> Mapping[str, Episode]: ...
    @property
    def playlists(self) -> Mapping[str, Playlist]: ...

    def track_artist_ids(self, track: Track, day: date | None) -> tuple[str, ...]: ...


class Renderer:
    """Renders catalog entities as one API mode shows them, with links to `api_base`."""

    def __init__(self, catalog: CatalogEntities, mode: str, api_base: str) -> None:
        if mode not in ApiMode.ALL:
            raise ValueError(f"API mode {mode!r} is unknown; use one of: {', '.join(ApiMode.ALL)}")
        self.catalog = catalog
        self.mode = mode
        self.api_base = api_base.rstrip("/")  # http://127.0.0.1:PORT/v1
        self.day: date | None = None  # the catalog's day: a track's credits depend on it

    @property
    def extended(self) -> bool:
        return self.mode == ApiMode.EXTENDED

    # -- links -------------------------------------------------------------------------------------------
    def _links(self, kind: str, entity_id: str) -> JsonObject:
        return {
            "external_urls": {"spotify": f"{OPEN_SPOTIFY}/{kind}/{entity_id}"},
            "href": f"{self.api_base}/{kind}s/{entity_id}",
            "id": entity_id,
            "uri": f"spotify:{kind}:{entity_id}",
        }

    def paging(
        self,
        path: str,
        items: Sequence[Any],
        offset: int,
        limit: int,
        total: int,
        params: dict[str, str] | None = None,
    ) -> JsonObject:
        """A paging object; `items` is the page already cut; `next`/`previous` are absolute URLs."""

        def url(page_offset: int) -> str:
            query = {"offset": str(page_offset), "limit": str(limit), **(params or {})}
            return f"{self.api_base}{path}?{urlencode(query, safe=',:')}"

        return {
            "href": url(offset),
            "items": list(items),
            "limit": limit,
            "next": url(offset + limit) if offset + limit < total else None,
            "offset": offset,
            "previous": url(max(0, offset - limit)) if offset > 0 else None,
            "total": total,
        }

    def _images(self, prefix: str, key: str, sizes: Sequence[int]) -> list[JsonObject]:
        digest = names.hex_digest(key, length=24)
        return [
            {"height": size, "url": f"https://i.scdn.co/image/{prefix}{size:04d}{digest}", "width": size}
            for size in sizes
        ]

    # -- artists -------------------------------------------------------------------------------------------
    def simplified_artist(self, artist: Artist) -> JsonObject:
        links = self._links("artist", artist.id)
        return {
            "external_urls": links["external_urls"],
            "href": links["href"],
            "id": artist.id,
            "name": artist.name,
            "type": "artist",
            "uri": links["uri"],
        }

    def artist(self, artist: Artist) -> JsonObject:
        body = self.simplified_artist(artist)
        body["genres"] = list(artist.genres)
        body["images"] = self._images("ab676161", artist.id, (640, 320, 160)) if artist.popularity else []
        if self.extended:
            body["followers"] = {"href": None, "total": artist.followers}
            body["popularity"] = artist.popularity
        return dict(sorted(body.items()))

    # -- albums --------------------------------------------------------------------------------------------
    def simplified_album(self, album: Album) -> JsonObject:
        body: JsonObject = {
            "album_type": album.album_type,
            "artists": [self.simplified_artist(self.catalog.artists[a]) for a in album.artist_ids],
            **self._links("album", album.id),
            "images": self._images("ab67616d", album.id, (640, 300, 64)),
            "name": album.name,
            "release_date": album.release_date,
            "release_date_precision": album.release_date_precision,
            "total_tracks": len(album.track_ids),
            "type": "album",
        }
        if self.extended:
            body["available_markets"] = list(album.markets)
        return dict(sorted(body.items()))

    def album(self, album: Album, first_page: JsonObject) -> JsonObject:
        body = self.simplified_album(album)
        year = album.release_date[:4]
        body["copyrights"] = [
            {"text": f"© {year} {album.label}", "type": "C"},
            {"text": f"℗ {year} {album.label}", "type": "P"},
        ]
        body["external_ids"] = {"upc": album.upc}
        body["genres"] = []  # documented as always empty
        body["tracks"] = first_page
        if self.extended:
            body["label"] = album.label
            body["popularity"] = album.popularity
        return dict(sorted(body.items()))

    # -- tracks --------------------------------------------------------------------------------------------
    def simplified_track(self, track: Track) -> JsonObject:
        body: JsonObject = {
            "artists": [
                self.simplified_artist(self.catalog.artists[a]) for a in self.catalog.track_artist_ids(track, self.day)
            ],
            "disc_number": track.disc_number,
            "duration_ms": track.duration_ms,
            "explicit": track.explicit,
            **self._links("track", track.id),
            "is_local": False,
            "name": track.name,
            "preview_url": track.preview_url,
            "track_number": track.track_number,
            "type": "track",
        }
        if self.extended:
            body["available_markets"] = list(track.markets)
        return dict(sorted(body.items()))

    def track(self, track: Track) -> JsonObject:
        body = self.simplified_track(track)
        body["album"] = self.simplified_album(self.catalog.albums[track.album_id])
        body["external_ids"] = {"isrc": track.isrc}
        if self.extended:
            body["popularity"] = track.popularity
        return dict(sorted(body.items()))

    def local_track(self, local: LocalFile) -> JsonObject:
        """A local file in a playlist: names only, every id, link and album date null, as the API sends it."""
        names_part = [quote_plus(part) for part in (local.artist, local.album, local.title)]
        uri = ":".join(["spotify:local", *names_part, str(local.duration_seconds)])
        album: JsonObject = {
            "album_type": None,
            "artists": [],
            "external_urls": {},
            "href": None,
            "id": None,
            "images": [],
            "name": local.album,
            "release_date": None,
            "release_date_precision": None,
            "type": "album",
            "uri": None,
        }
        body: JsonObject = {
            "album": album,
            "artists": [
                {"external_urls": {}, "href": None, "id": None, "name": local.artist, "type": "artist", "uri": None}
            ],
            "disc_number": 0,
            "duration_ms": local.duration_seconds * 1000,
            "explicit": False,
            "external_ids": {},
            "external_urls": {},
            "href": None,
            "id": None,
            "is_local": True,
            "name": local.title,
            "preview_url": None,
            "track_number": 0,
            "type": "track",
            "uri": uri,
        }
        if self.extended:
            album["available_markets"] = []
            body["available_markets"] = []
            body["popularity"] = 0
        return body

    # -- shows and episodes ----------------------------------------------------------------------------------
    def simplified_show(self, show: Show) -> JsonObject:
        body: JsonObject = {
            "copyrights": [],
            "description": f"{show.name}: a weekly show.",
            "explicit": False,
            **self._links("show", show.id),
            "html_description": f"<p>{show.name}: a weekly show.</p>",
            "images": self._images("ab676563", show.id, (640, 300, 64)),
            "is_externally_hosted": False,
            "languages": ["de" if "ö" in show.name else "en"],
            "media_type": "audio",
            "name": show.name,
            "total_episodes": len(show.episode_ids),
            "type": "show",
        }
        if self.extended:
            body["available_markets"] = list(names.MARKETS)
            body["publisher"] = show.publisher
        return dict(sorted(body.items()))

    def episode(self, episode: Episode) -> JsonObject:
        show = self.catalog.shows[episode.show_id]
        language = "de" if "ö" in show.name else "en"
        body: JsonObject = {
            "audio_preview_url": None,
            "description": f"{episode.name} of {show.name}.",
            "duration_ms": episode.duration_ms,
            "explicit": False,
            **self._links("episode", episode.id),
            "html_description": f"<p>{episode.name} of {show.name}.</p>",
            "images": self._images("ab676563", show.id, (640, 300, 64)),
            "is_externally_hosted": False,
            "is_playable": True,
            "language": language,
            "languages": [language],
            "name": episode.name,
            "release_date": episode.release_date,
            "release_date_precision": "day",
            "show": self.simplified_show(show),
            "type": "episode",
        }
        return dict(sorted(body.items()))

    def episode_as_track(self, episode: Episode) -> JsonObject:
        """An episode for a client that did not ask for episodes: shaped as a track, the show as album and artist."""
        show = self.catalog.shows[episode.show_id]
        show_links = self._links("show", show.id)
        show_as_artist = {
            "external_urls": show_links["external_urls"],
            "href": show_links["href"],
            "id": show.id,
            "name": show.name,
            "type": "artist",
            "uri": show_links["uri"],
        }
        links = self._links("episode", episode.id)
        album: JsonObject = {
            "album_type": "compilation",
            "artists": [show_as_artist],
            **show_links,
            "images": self._images("ab676563", show.id, (640, 300, 64)),
            "name": show.name,
            "release_date": episode.release_date,
            "release_date_precision": "day",
            "total_tracks": len(show.episode_ids),
            "type": "album",
        }
        body: JsonObject = {
            "album": album,
            "artists": [show_as_artist],
            "disc_number": 0,
            "duration_ms": episode.duration_ms,
            "episode": True,
            "explicit": False,
            "external_ids": {"spotify": links["external_urls"]["spotify"]},
            **links,
            "is_local": False,
            "name": episode.name,
            "preview_url": None,
            "track": False,
            "track_number": 0,
            "type": "track",
        }
        if self.extended:
            album["available_markets"] = list(names.MARKETS)
            body["available_markets"] = list(names.MARKETS)
            body["popularity"] = 0
        return body

    # -- users -----------------------------------------------------------------------------------------------
    def playlist_user(self, user_id: str) -> JsonObject:
        links = self._links("user", user_id)
        return {
            "external_urls": links["external_urls"],
            "href": links["href"],
            "id": user_id,
            "type": "user",
            "uri": links["uri"],
        }

    def playlist_owner(self, user_id: str) -> JsonObject:
        return {**self.playlist_user(user_id), "display_name": self.catalog.users[user_id].display_name}

    def current_user(self) -> JsonObject:
        user = self.catalog.user
        body: JsonObject = {
            "account_id": names.spotify_id("account", user.id)[:10],
            "display_name": user.display_name,
            "explicit_content": {"filter_enabled": False, "filter_locked": False},
            **self._links("user", user.id),
            "images": self._images("ab6775700000", user.id, (300, 64)),
            "type": "user",
        }
        if self.extended:
            body.update(
                country="SE", email=f"{user.id}@example.org", product="premium", followers={"href": None, "total": 17}
            )
        return dict(sorted(body.items()))

    def public_user(self, user_id: str) -> JsonObject:
        return {**self.playlist_owner(user_id), "followers": {"href": None, "total": 3}, "images": []}

    # -- playlists -------------------------------------------------------------------------------------------
    def playlist_images(self, playlist_id: str) -> list[JsonObject]:
        playlist = self.catalog.playlists[playlist_id]
        digest = names.hex_digest(playlist_id, length=40)
        if playlist.relation == "owned":
            # An uploaded cover: one image whose size the API does not know.
            return [
                {
                    "height": None,
                    "url": f"https://image-cdn-ak.spotifycdn.com/image/ab67706c0000da84{digest}",
                    "width": None,
                }
            ]
        return [{"height": s, "url": f"https://mosaic.scdn.co/{s}/{digest}", "width": s} for s in (640, 300, 60)]

    def playlist_base(self, playlist_id: str, snapshot_id: str) -> JsonObject:
        playlist = self.catalog.playlists[playlist_id]
        return {
            "collaborative": playlist.collaborative,
            "description": playlist.description,
            **self._links("playlist", playlist_id),
            "images": self.playlist_images(playlist_id),
            "name": playlist.name,
            "owner": self.playlist_owner(playlist.owner_id),
            "primary_color": None,
            "public": playlist.public,
            "snapshot_id": snapshot_id,
            "type": "playlist",
        }

    def simplified_playlist(self, state: PlaylistState) -> JsonObject:
        """A playlist in a listing: the link to its items (`items` since 2026, `tracks` for Extended-Quota apps)."""
        playlist_id = state.playlist.id
        body = self.playlist_base(playlist_id, state.snapshot_id)
        key = "tracks" if self.extended else "items"
        body[key] = {"href": f"{self.api_base}/playlists/{playlist_id}/{key}", "total": len(state.entries)}
        return dict(sorted(body.items()))

    def playlist_entry(self, entry: PlaylistEntry, item_keys: Sequence[str], with_episodes: bool) -> JsonObject:
        """One playlist item; `item_keys` says whether the content goes under `item`, `track` or both."""
        content: JsonObject | None
        if entry.kind == EntryKind.TRACK:
            content = {**self.track(self.catalog.tracks[str(entry.ref)]), "episode": False, "track": True}
        elif entry.kind == EntryKind.EPISODE:
            episode = self.catalog.episodes[str(entry.ref)]
            content = self.episode(episode) if with_episodes else self.episode_as_track(episode)
        elif entry.kind == EntryKind.LOCAL:
            assert isinstance(entry.ref, LocalFile)
            content = self.local_track(entry.ref)
        else:
            content = None  # the track was removed from Spotify
        body: JsonObject = {
            "added_at": timestamp(entry.added_at),
            "added_by": self.playlist_user(entry.added_by) if entry.added_by else None,
            "is_local": entry.kind == EntryKind.LOCAL,
            "primary_color": None,
            "video_thumbnail": {"url": None},
        }
        for key in item_keys:
            body[key] = content
        return body

    def playlist_entries_page(
        self,
        state: PlaylistState,
        key: str,
        item_keys: Sequence[str],
        with_episodes: bool,
        *,
        offset: int,
        limit: int,
        params: dict[str, str] | None = None,
    ) -> JsonObject:
        """A page of a playlist's entries at `/playlists/{id}/{key}` (`items` or `tracks`)."""
        entries = state.entries[offset : offset + limit]
        items = [self.playlist_entry(e, item_keys, with_episodes) for e in entries]
        path = f"/playlists/{state.playlist.id}/{key}"
        return self.paging(path, items, offset, limit, len(state.entries), params)

    def playlist(self, state: PlaylistState, first_page: dict[str, JsonObject]) -> JsonObject:
        """A full playlist; `first_page` is its embedded first page of entries under `items` or `tracks`, or
        nothing when the caller may not read them."""
        body = self.playlist_base(state.playlist.id, state.snapshot_id)
        body["followers"] = {"href": None, "total": state.playlist.followers}
        body.update(first_page)
        return dict(sorted(body.items()))

    # -- the user's library ----------------------------------------------------------------------------------
    def saved_track(self, track: Track | None, added_at: datetime) -> JsonObject:
        """A saved track; None for a track Spotify no longer has, which the API answers as a null `track`."""
        return {"added_at": timestamp(added_at), "track": self.track(track) if track else None}

    # -- play history ----------------------------------------------------------------------------------------
    def play(self, play: Play) -> JsonObject:
        return {
            "track": self.track(self.catalog.tracks[play.track_id]),
            "played_at": timestamp(play.played_at, milliseconds=True),
            "context": self.context(play.context),
        }

    def play_history(self, plays: Sequence[Play], limit: int, next_url: str | None, href: str) -> JsonObject:
        """A page of the play history, newest play first: cursor paging with string cursors (null on an empty
        page) and no `total`."""
        cursors = None
        if plays:
            cursors = {"after": str(unix_ms(plays[0].played_at)), "before": str(unix_ms(plays[-1].played_at))}
        return {
            "items": [self.play(p) for p in plays],
            "next": next_url,
            "cursors": cursors,
            "limit": limit,
            "href": href,
        }

    def context(self, context: Context | None) -> JsonObject | None:
        if context is None:
            return None
        if context.type == "collection":
            return {
                "external_urls": {"spotify": f"{OPEN_SPOTIFY}/collection/tracks"},
                "href": f"{self.api_base}/me/tracks",
                "type": "collection",
                "uri": f"spotify:user:{context.id}:collection",
            }
        links = self._links(context.type, context.id)
        return {
            "external_urls": links["external_urls"],
            "href": links["href"],
            "type": context.type,
            "uri": links["uri"],
        }
