"""The Web API endpoints of the fake Spotify: a request (method, path, query, bearer token) in, a response out.

No sockets here (see `server`). Behaviour follows the API as it is in late 2026:
- 2024-11-27 restrictions, in both modes: audio features/analysis 403; recommendations, related artists,
  featured and category playlists 404; Spotify-owned editorial playlists (`37i9dQZF1...`) 404;
- development mode (February 2026): batch `?ids=` gets, `/playlists/{id}/tracks`, `/browse/*`,
  `/artists/{id}/top-tracks`, `/markets`, `/users/{id}` and `/users/{id}/playlists` answer 403 Forbidden;
  playlist items only for playlists the user owns or collaborates on, with a user token (else 403; other
  playlists are metadata only), under `items[].item`; search `limit` at most 10; see `objects` for the fields;
- extended mode: the older API, batch gets of 50 artists, 20 albums, 50 tracks.
Errors use the API's error object `{"error": {"status": ..., "message": ...}}`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from contracts.raw_zone import ApiMode, TimeRange
from local.fake_spotify import names
from local.fake_spotify.activity import DayState, PlaylistState, at_moment
from local.fake_spotify.auth import APP, AccessToken, AuthProblem, TokenService
from local.fake_spotify.catalog import Catalog, Relation
from local.fake_spotify.fields import FieldsError, apply_fields, parse_fields
from local.fake_spotify.objects import JsonObject, Renderer, unix_ms

# Every type Spotify's search accepts; the pipeline reads back fewer (contracts.raw_zone.SEARCH_TYPES).
SPOTIFY_SEARCH_TYPES = ("album", "artist", "playlist", "track", "show", "episode", "audiobook")
# Endpoints withdrawn from new apps on 2024-11-27, in both modes here: (path, status).
_REMOVED_2024 = (
    (re.compile(r"^/v1/audio-features(/[^/]+)?$"), 403),
    (re.compile(r"^/v1/audio-analysis/[^/]+$"), 403),
    (re.compile(r"^/v1/recommendations(/available-genre-seeds)?$"), 404),
    (re.compile(r"^/v1/artists/[^/]+/related-artists$"), 404),
    (re.compile(r"^/v1/browse/featured-playlists$"), 404),
    (re.compile(r"^/v1/browse/categories/[^/]+/playlists$"), 404),
)


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: Any  # JSON-serialisable
    headers: dict[str, str] = field(default_factory=dict)


def error_response(status: int, message: str | None, reason: str | None = None) -> ApiResponse:
    """The API's error object; `message` can be absent, `reason` is optional."""
    error: dict[str, object] = {"status": status}
    if message is not None:
        error["message"] = message
    if reason is not None:
        error["reason"] = reason
    return ApiResponse(status, {"error": error})


class _Refusal(Exception):
    def __init__(self, response: ApiResponse) -> None:
        super().__init__(response.status)
        self.response = response


def _refuse(status: int, message: str | None) -> _Refusal:
    return _Refusal(error_response(status, message))


@dataclass(frozen=True)
class _Request:
    path: str
    query: dict[str, str]
    token: AccessToken
    state: DayState
    match: dict[str, str]


@dataclass(frozen=True)
class _Route:
    pattern: re.Pattern[str]
    handler: str
    development: bool = True  # False: removed from Development-Mode apps in February 2026


def _route(path: str, handler: str, development: bool = True) -> _Route:
    return _Route(re.compile(f"^{path}$"), handler, development)


_ROUTES = (
    _route("/v1/me", "me"),
    _route("/v1/me/player/recently-played", "recently_played"),
    _route("/v1/me/top/(?P<kind>artists|tracks)", "top"),
    _route("/v1/me/tracks", "saved_tracks"),
    _route("/v1/me/playlists", "my_playlists"),
    _route("/v1/playlists/(?P<id>[^/]+)", "playlist"),
    _route("/v1/playlists/(?P<id>[^/]+)/items", "playlist_items"),
    _route("/v1/playlists/(?P<id>[^/]+)/tracks", "playlist_tracks", development=False),
    _route("/v1/artists/(?P<id>[^/]+)", "artist"),
    _route("/v1/artists", "artists", development=False),
    _route("/v1/artists/(?P<id>[^/]+)/top-tracks", "artist_top_tracks", development=False),
    _route("/v1/albums/(?P<id>[^/]+)", "album"),
    _route("/v1/albums", "albums", development=False),
    _route("/v1/albums/(?P<id>[^/]+)/tracks", "album_tracks"),
    _route("/v1/tracks/(?P<id>[^/]+)", "track"),
    _route("/v1/tracks", "tracks", development=False),
    _route("/v1/search", "search"),
    _route("/v1/users/(?P<id>[^/]+)", "user_profile", development=False),
    _route("/v1/users/(?P<id>[^/]+)/playlists", "user_playlists", development=False),
    _route("/v1/markets", "markets", development=False),
    _route("/v1/browse/new-releases", "new_releases", development=False),
    _route("/v1/browse/categories", "categories", development=False),
)


class SpotifyApi:
    def __init__(self, catalog: Catalog, mode: str, tokens: TokenService, api_base: str, day: date) -> None:
        self.catalog = catalog
        self.render = Renderer(catalog, mode, api_base)
        self.render.day = day
        self.mode = mode
        self.tokens = tokens
        self._state = catalog.state_on(day)

    @property
    def extended(self) -> bool:
        return self.mode == ApiMode.EXTENDED

    @property
    def state(self) -> DayState:
        return self._state

    def set_day(self, day: date) -> None:
        self._state = self.catalog.state_on(day)
        self.render.day = day

    def set_moment(self, moment: datetime) -> None:
        self._state = at_moment(self.catalog.state_on(moment.astimezone(UTC).date()), self.catalog, moment)

    # -- dispatch ---------------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: dict[str, str], authorization: str | None) -> ApiResponse:
        path = path.rstrip("/") or "/"
        route = next((r for r in _ROUTES if r.pattern.match(path)), None)
        removed_2024 = next((status for pattern, status in _REMOVED_2024 if pattern.match(path)), None)
        browse = path.startswith("/v1/browse/")
        if route is None and removed_2024 is None and not browse:
            return error_response(404, "Service not found")
        if method != "GET":
            return error_response(405, "Method not allowed")
        token = self.tokens.authenticate(authorization)
        if isinstance(token, AuthProblem):
            return error_response(token.status, token.message)
        if removed_2024 is not None:
            return error_response(removed_2024, "Forbidden" if removed_2024 == 403 else "Service not found")
        if not self.extended and (browse or (route is not None and not route.development)):
            return error_response(403, "Forbidden")
        if route is None:
            return error_response(404, "Service not found")
        match = route.pattern.match(path)
        assert match is not None
        request = _Request(path, query, token, self._state, match.groupdict())
        handler: Callable[[_Request], ApiResponse] = getattr(self, f"_{route.handler}")
        try:
            return handler(request)
        except _Refusal as refusal:
            return refusal.response

    # -- checks -------------------------------------------------------------------------------------------------
    @staticmethod
    def _require_user(request: _Request, scope: str | None = None) -> None:
        if request.token.kind == APP:
            raise _refuse(401, "Valid user authentication required")
        if scope and scope not in request.token.scope:
            raise _refuse(403, "Insufficient client scope")

    @staticmethod
    def _number(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
        text = query.get(name)
        if text is None or text == "":
            return default
        try:
            value = int(text)
        except ValueError:
            raise _refuse(400, f"Invalid {name}") from None
        if not low <= value <= high:
            raise _refuse(400, f"Invalid {name}")
        return value

    def _page(self, query: dict[str, str], max_limit: int = 50, default: int = 20) -> tuple[int, int]:
        return self._number(query, "limit", default, 1, max_limit), self._number(query, "offset", 0, 0, 100_000)

    @staticmethod
    def _entity_id(request: _Request) -> str:
        entity_id = request.match["id"]
        if not names.is_spotify_id(entity_id):
            raise _refuse(400, "Invalid base62 id")
        return entity_id

    def _found(self, table: dict[str, Any], entity_id: str) -> Any:
        entity = table.get(entity_id)
        if entity is None:
            raise _refuse(404, "Resource not found")
        return entity

    def _playlist_state(self, request: _Request) -> PlaylistState:
        playlist_id = self._entity_id(request)
        playlist = self.catalog.playlists.get(playlist_id)
        if playlist is None or playlist.relation == Relation.EDITORIAL:
            raise _refuse(404, "Resource not found")
        return request.state.playlists[playlist_id]

    @staticmethod
    def _fields(query: dict[str, str], body: JsonObject) -> JsonObject:
        text = query.get("fields")
        if not text:
            return body
        try:
            return apply_fields(body, parse_fields(text))
        except FieldsError as problem:
            raise _refuse(400, f"Invalid fields: {problem}") from None

    @staticmethod
    def _kept_params(query: dict[str, str]) -> dict[str, str]:
        """The parameters a `next` link repeats: all but the page position."""
        return {k: v for k, v in query.items() if k not in ("offset", "limit")}

    def _ids(self, query: dict[str, str], maximum: int) -> list[str]:
        ids = [i for i in query.get("ids", "").split(",") if i]
        if not ids:
            raise _refuse(400, "invalid id")
        if len(ids) > maximum:
            raise _refuse(400, "Too many ids requested")
        return ids

    # -- the current user ---------------------------------------------------------------------------------------
    def _me(self, request: _Request) -> ApiResponse:
        self._require_user(request)
        return ApiResponse(200, self.render.current_user())

    def _recently_played(self, request: _Request) -> ApiResponse:
        self._require_user(request, "user-read-recently-played")
        query = request.query
        limit = self._number(query, "limit", 20, 1, 50)
        if query.get("after") and query.get("before"):
            raise _refuse(400, "Only one of after or before can be specified")
        after = self._number(query, "after", -1, 0, 2**53)
        before = self._number(query, "before", -1, 0, 2**53)
        window = request.state.recent_plays  # newest first
        api = self.render.api_base + "/me/player/recently-played"
        if after >= 0:
            newer = [p for p in window if unix_ms(p.played_at) > after]
            page = newer[-limit:]  # the plays just after the cursor, newest first like every page
            next_url = f"{api}?after={unix_ms(page[0].played_at)}&limit={limit}" if len(newer) > limit else None
        else:
            older = [p for p in window if before < 0 or unix_ms(p.played_at) < before]
            page = older[:limit]
            next_url = f"{api}?before={unix_ms(page[-1].played_at)}&limit={limit}" if len(older) > limit else None
        body = self.render.play_history(page, limit, next_url, f"{api}?{urlencode(query)}" if query else api)
        return ApiResponse(200, body)

    def _top(self, request: _Request) -> ApiResponse:
        self._require_user(request, "user-top-read")
        time_range = request.query.get("time_range") or TimeRange.DEFAULT
        if time_range not in TimeRange.ALL:
            raise _refuse(400, "Invalid time range")
        limit, offset = self._page(request.query)
        kind = request.match["kind"]
        if kind == "tracks":
            ids = request.state.top_tracks[time_range]
            items = [self.render.track(self.catalog.tracks[i]) for i in ids[offset : offset + limit]]
        else:
            ids = request.state.top_artists[time_range]
            items = [self.render.artist(self.catalog.artists[i]) for i in ids[offset : offset + limit]]
        params = {"time_range": time_range}
        return ApiResponse(200, self.render.paging(f"/me/top/{kind}", items, offset, limit, len(ids), params))

    def _saved_tracks(self, request: _Request) -> ApiResponse:
        self._require_user(request, "user-library-read")
        limit, offset = self._page(request.query)
        saved = request.state.saved_tracks
        items = [
            self.render.saved_track(self.catalog.tracks[track_id], added_at)
            for track_id, added_at in saved[offset : offset + limit]
        ]
        return ApiResponse(200, self.render.paging("/me/tracks", items, offset, limit, len(saved)))

    def _my_playlists(self, request: _Request) -> ApiResponse:
        self._require_user(request)
        limit, offset = self._page(request.query)
        states = list(request.state.playlists.values())
        items = [self.render.simplified_playlist(s) for s in states[offset : offset + limit]]
        return ApiResponse(200, self.render.paging("/me/playlists", items, offset, limit, len(states)))

    # -- playlists --------------------------------------------------------------------------------------------
    def _can_read_items(self, request: _Request, playlist_id: str) -> bool:
        if self.extended:
            return True
        return request.token.kind != APP and self.catalog.readable_by_user(playlist_id)

    @staticmethod
    def _with_episodes(query: dict[str, str]) -> bool:
        return "episode" in query.get("additional_types", "").split(",")

    def _entries_page(
        self,
        request: _Request,
        state: PlaylistState,
        key: str,
        page: tuple[int, int],
        item_keys: tuple[str, ...],
        params: dict[str, str],
    ) -> JsonObject:
        limit, offset = page
        with_episodes = self._with_episodes(request.query)
        return self.render.playlist_entries_page(
            state, key, item_keys, with_episodes, offset=offset, limit=limit, params=params
        )

    def _playlist(self, request: _Request) -> ApiResponse:
        state = self._playlist_state(request)
        first_page: dict[str, JsonObject] = {}
        if self.extended:
            first_page["tracks"] = self._entries_page(request, state, "tracks", (100, 0), ("track",), {})
        elif self._can_read_items(request, state.playlist.id):
            # 50, the most `/items` serves a page, so that the embedded page's `next` can be followed.
            first_page["items"] = self._entries_page(request, state, "items", (50, 0), ("item",), {})
        return ApiResponse(200, self._fields(request.query, self.render.playlist(state, first_page)))

    def _playlist_items(self, request: _Request) -> ApiResponse:
        state = self._playlist_state(request)
        if not self._can_read_items(request, state.playlist.id):
            raise _refuse(403, "Forbidden")
        # Extended-Quota apps still get the deprecated `track` next to `item`; Development-Mode apps do not.
        keys = ("item", "track") if self.extended else ("item",)
        params = self._kept_params(request.query)
        page = self._entries_page(request, state, "items", self._page(request.query), keys, params)
        return ApiResponse(200, self._fields(request.query, page))

    def _playlist_tracks(self, request: _Request) -> ApiResponse:
        state = self._playlist_state(request)
        params = self._kept_params(request.query)
        page = self._entries_page(request, state, "tracks", self._page(request.query, 100), ("track",), params)
        return ApiResponse(200, self._fields(request.query, page))

    # -- catalog ----------------------------------------------------------------------------------------------
    def _artist(self, request: _Request) -> ApiResponse:
        return ApiResponse(200, self.render.artist(self._found(self.catalog.artists, self._entity_id(request))))

    def _artists(self, request: _Request) -> ApiResponse:
        artists = [self.catalog.artists.get(i) for i in self._ids(request.query, 50)]
        return ApiResponse(200, {"artists": [self.render.artist(a) if a else None for a in artists]})

    def _artist_top_tracks(self, request: _Request) -> ApiResponse:
        artist = self._found(self.catalog.artists, self._entity_id(request))
        led = [t for t in self.catalog.tracks.values() if t.artist_ids[0] == artist.id]
        top = sorted(led, key=lambda t: (-t.popularity, t.id))[:10]
        return ApiResponse(200, {"tracks": [self.render.track(t) for t in top]})

    def _album_tracks_page(self, album_id: str, limit: int, offset: int) -> JsonObject:
        album = self.catalog.albums[album_id]
        page_ids = album.track_ids[offset : offset + limit]
        tracks = [self.render.simplified_track(self.catalog.tracks[t]) for t in page_ids]
        return self.render.paging(f"/albums/{album_id}/tracks", tracks, offset, limit, len(album.track_ids))

    def _album(self, request: _Request) -> ApiResponse:
        album = self._found(self.catalog.albums, self._entity_id(request))
        return ApiResponse(200, self.render.album(album, self._album_tracks_page(album.id, 50, 0)))

    def _albums(self, request: _Request) -> ApiResponse:
        albums = [self.catalog.albums.get(i) for i in self._ids(request.query, 20)]
        rendered = [self.render.album(a, self._album_tracks_page(a.id, 50, 0)) if a else None for a in albums]
        return ApiResponse(200, {"albums": rendered})

    def _album_tracks(self, request: _Request) -> ApiResponse:
        album = self._found(self.catalog.albums, self._entity_id(request))
        limit, offset = self._page(request.query)
        return ApiResponse(200, self._album_tracks_page(album.id, limit, offset))

    def _track(self, request: _Request) -> ApiResponse:
        return ApiResponse(200, self.render.track(self._found(self.catalog.tracks, self._entity_id(request))))

    def _tracks(self, request: _Request) -> ApiResponse:
        tracks = [self.catalog.tracks.get(i) for i in self._ids(request.query, 50)]
        return ApiResponse(200, {"tracks": [self.render.track(t) if t else None for t in tracks]})

    # -- extended-quota extras ---------------------------------------------------------------------------------
    def _known_user(self, request: _Request) -> str:
        user_id = request.match["id"]
        if user_id not in self.catalog.users:
            raise _refuse(404, "No such user")
        return user_id

    def _user_profile(self, request: _Request) -> ApiResponse:
        return ApiResponse(200, self.render.public_user(self._known_user(request)))

    def _user_playlists(self, request: _Request) -> ApiResponse:
        user_id = self._known_user(request)
        limit, offset = self._page(request.query)
        states = [s for s in request.state.playlists.values() if s.playlist.owner_id == user_id and s.playlist.public]
        items = [self.render.simplified_playlist(s) for s in states[offset : offset + limit]]
        return ApiResponse(200, self.render.paging(f"/users/{user_id}/playlists", items, offset, limit, len(states)))

    def _markets(self, request: _Request) -> ApiResponse:
        return ApiResponse(200, {"markets": list(names.MARKETS)})

    def _new_releases(self, request: _Request) -> ApiResponse:
        limit, offset = self._page(request.query)
        albums = sorted(self.catalog.albums.values(), key=lambda a: (a.release_date, a.id), reverse=True)
        items = [self.render.simplified_album(a) for a in albums[offset : offset + limit]]
        page = self.render.paging("/browse/new-releases", items, offset, limit, len(albums))
        return ApiResponse(200, {"albums": page})

    def _categories(self, request: _Request) -> ApiResponse:
        limit, offset = self._page(request.query)
        categories = [
            {
                "href": f"{self.render.api_base}/browse/categories/{names.spotify_id('category', g)}",
                "icons": [{"height": 274, "url": f"https://t.scdn.co/images/{names.hex_digest(g)}.jpeg", "width": 274}],
                "id": names.spotify_id("category", g),
                "name": g.title(),
            }
            for g in names.GENRES
        ]
        items = categories[offset : offset + limit]
        page = self.render.paging("/browse/categories", items, offset, limit, len(categories))
        return ApiResponse(200, {"categories": page})

    # -- search -------------------------------------------------------------------------------------------------
    def _search(self, request: _Request) -> ApiResponse:
        query = request.query
        text = query.get("q") or query.get("query")
        if not text:
            raise _refuse(400, "No search query")
        if not query.get("type"):
            raise _refuse(400, "Missing parameter type")
        types = query["type"].split(",")
        if any(t not in SPOTIFY_SEARCH_TYPES for t in types):
            raise _refuse(400, "Bad search type field")
        # Development-Mode apps: at most 10 results a page (default 5) since February 2026.
        max_limit, default = (50, 20) if self.extended else (10, 5)
        limit = self._number(query, "limit", default, 1, max_limit)
        offset = self._number(query, "offset", 0, 0, 1000)
        terms, filters = _parse_search(text)
        params = {"query": text, "type": query["type"]}
        body = {}
        for kind in types:
            results = self._search_kind(request.state, kind, terms, filters)
            items = [render() for render in results[offset : offset + limit]]
            body[f"{kind}s"] = self.render.paging("/search", items, offset, limit, len(results), params)
        return ApiResponse(200, body)

    def _search_kind(
        self, state: DayState, kind: str, terms: list[str], filters: dict[str, str]
    ) -> list[Callable[[], JsonObject | None]]:
        catalog, render = self.catalog, self.render
        found: list[tuple[tuple[int, int], Callable[[], JsonObject | None]]] = []

        def consider(
            name: str, haystack: Iterable[str], popularity: int, build: Callable[[], JsonObject | None]
        ) -> None:
            text = _fold(" ".join(haystack))
            if all(term in text for term in terms):
                exact = 0 if _fold(name) == " ".join(terms) else 1
                found.append(((exact, -popularity), build))

        if kind == "track":
            for track in catalog.tracks.values():
                album = catalog.albums[track.album_id]
                artist_names = [catalog.artists[a].name for a in track.artist_ids]
                if _passes(
                    filters,
                    track=[track.name],
                    artist=artist_names,
                    album=[album.name],
                    year=album.release_date[:4],
                    isrc=track.isrc,
                    genre=list(catalog.artists[track.artist_ids[0]].genres),
                ):
                    consider(
                        track.name,
                        [track.name, album.name, *artist_names],
                        track.popularity,
                        lambda t=track: render.track(t),
                    )
        elif kind == "artist":
            for artist in catalog.artists.values():
                if _passes(filters, artist=[artist.name], genre=list(artist.genres)):
                    consider(artist.name, [artist.name], artist.popularity, lambda a=artist: render.artist(a))
        elif kind == "album":
            for album in catalog.albums.values():
                artist_names = [catalog.artists[a].name for a in album.artist_ids]
                year = album.release_date[:4]
                if _passes(filters, album=[album.name], artist=artist_names, year=year, upc=album.upc):
                    consider(
                        album.name,
                        [album.name, *artist_names],
                        album.popularity,
                        lambda a=album: render.simplified_album(a),
                    )
        elif kind == "playlist" and _passes(filters):
            for playlist_state in state.playlists.values():
                playlist = playlist_state.playlist
                # Spotify-owned playlists come back as null items for new apps: the slot is there, the object not.
                build = (
                    (lambda: None)
                    if playlist.relation == Relation.EDITORIAL
                    else (lambda s=playlist_state: render.simplified_playlist(s))
                )
                consider(playlist.name, [playlist.name, playlist.description], playlist.followers, build)
        elif kind == "show" and _passes(filters):
            for show in catalog.shows.values():
                consider(show.name, [show.name], 0, lambda s=show: render.simplified_show(s))
        elif kind == "episode" and _passes(filters):
            for episode in catalog.episodes.values():

                def simplified(e: Any = episode) -> JsonObject:
                    return {k: v for k, v in render.episode(e).items() if k != "show"}

                consider(episode.name, [episode.name], 0, simplified)
        found.sort(key=lambda item: item[0])
        return [build for _, build in found]


def _fold(text: str) -> str:
    """Case- and accent-insensitive text, as search matches it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_SEARCH_TOKEN = re.compile(r'(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)')
_FILTERS = ("artist", "track", "album", "year", "genre", "isrc", "upc")


def _parse_search(text: str) -> tuple[list[str], dict[str, str]]:
    terms: list[str] = []
    filters: dict[str, str] = {}
    for match in _SEARCH_TOKEN.finditer(text):
        key, value = (match[1], match[2]) if match[1] else (match[3], match[4])
        if key and key.lower() in _FILTERS:
            filters[key.lower()] = value
        elif key:
            terms.append(_fold(f"{key}:{value}"))
        else:
            terms.extend(_fold(match[5] if match[5] is not None else match[6]).split())
    return terms, filters


def _passes(filters: dict[str, str], **fields: Any) -> bool:
    """Every filter the query gives must hold on a field the item has; a filter the item lacks excludes it."""
    for key, wanted in filters.items():
        value = fields.get(key)
        if value is None:
            return False
        if key == "year":
            low, _, high = wanted.partition("-")
            if not (low.isdigit() and low <= value <= (high or low)):
                return False
        elif key in ("isrc", "upc"):
            if value.casefold() != wanted.casefold():
                return False
        elif not any(_fold(wanted) in _fold(v) for v in value):
            return False
    return True
