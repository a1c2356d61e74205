"""The Spotify Web API endpoints the extraction calls, with the page sizes and batch sizes each API mode allows.

One place for the facts that decide how many calls a run needs: page limits, batch sizes,
which endpoints a Development-Mode app lost in February 2026, and the scopes each user source needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from contracts.raw_zone import ApiMode, Source

# Which token a request carries: the stored user's (refresh-token flow) or the app's (client credentials).
USER = "user"
APP = "app"


@dataclass(frozen=True)
class Endpoint:
    """`path` is relative to the API prefix (".../v1/"), with `{placeholders}` as in the OpenAPI description."""

    path: str
    max_limit: int = 0  # largest `limit` (page size) or batch size the endpoint accepts; 0 = not paged

    def describe(self, api_prefix_path: str) -> str:
        """The endpoint as the raw envelope records it, e.g. "/v1/playlists/{playlist_id}/items"."""
        return api_prefix_path.rstrip("/") + "/" + self.path


ME = Endpoint("me")
RECENTLY_PLAYED = Endpoint("me/player/recently-played", 50)
TOP_TRACKS = Endpoint("me/top/tracks", 50)
TOP_ARTISTS = Endpoint("me/top/artists", 50)
SAVED_TRACKS = Endpoint("me/tracks", 50)
MY_PLAYLISTS = Endpoint("me/playlists", 50)
PLAYLIST = Endpoint("playlists/{playlist_id}")
PLAYLIST_ITEMS = Endpoint("playlists/{playlist_id}/items", 50)
# Removed for Development-Mode apps in February 2026; Extended-Quota apps keep it, at 100 items a page.
PLAYLIST_TRACKS_LEGACY = Endpoint("playlists/{playlist_id}/tracks", 100)
ARTIST = Endpoint("artists/{id}")
ARTISTS_BATCH = Endpoint("artists", 50)  # removed for Development-Mode apps
ALBUM = Endpoint("albums/{id}")
ALBUMS_BATCH = Endpoint("albums", 20)  # removed for Development-Mode apps
ALBUM_TRACKS = Endpoint("albums/{id}/tracks", 50)
TRACK = Endpoint("tracks/{id}")
TRACKS_BATCH = Endpoint("tracks", 50)  # removed for Development-Mode apps
SEARCH = Endpoint("search", 50)

# Development-Mode apps get at most 10 search results a page (400 above).
DEVELOPMENT_SEARCH_LIMIT = 10
# The search endpoint refuses offset + limit above 1000.
SEARCH_MAX_RESULTS = 1000

# Spotify-owned editorial and algorithmic playlists answer 404 to apps created (or in Development Mode) since
# 2024-11-27, so a development run skips them without a call.
EDITORIAL_PLAYLIST_PREFIX = "37i9dQZF1"

USER_SOURCE_SCOPES: dict[str, tuple[str, ...]] = {
    Source.RECENTLY_PLAYED: ("user-read-recently-played",),
    Source.TOP_TRACKS: ("user-top-read",),
    Source.TOP_ARTISTS: ("user-top-read",),
    Source.SAVED_TRACKS: ("user-library-read",),
    Source.USER_PLAYLISTS: ("playlist-read-private", "playlist-read-collaborative"),
}


def required_scope(user_sources: tuple[str, ...]) -> str:
    """The OAuth scope the stored user token must carry for these user sources, space separated and sorted."""
    return " ".join(sorted({scope for source in user_sources for scope in USER_SOURCE_SCOPES[source]}))


def search_limit(api_mode: str) -> int:
    return DEVELOPMENT_SEARCH_LIMIT if api_mode == ApiMode.DEVELOPMENT else SEARCH.max_limit


def pages_needed(items: int, page_size: int, max_pages: int | None = None) -> int:
    """Calls needed to read `items` items at `page_size` a call: at least one (an empty list is one call)."""
    pages = max(1, math.ceil(max(0, items) / page_size))
    return min(pages, max_pages) if max_pages is not None else pages


def is_editorial_playlist(playlist_id: str) -> bool:
    return playlist_id.startswith(EDITORIAL_PLAYLIST_PREFIX)
