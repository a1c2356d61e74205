"""Playlists: the detail object of each, then its items where the API mode lets this app read them.

A playlist's detail object embeds the first page of its items when the token may read them, so the items are
read from where that page ends. Development mode: `/items` with the user token, only for playlists the user owns
or collaborates on (others are skipped without a call, and so are Spotify's editorial playlists, which answer 404).
Extended mode: the legacy `/tracks` at 100 items a page; if the API refuses it for this app (403/404), the run
switches to `/items` for the rest of the run.
"""

from __future__ import annotations

import threading
from typing import Any

from contracts.manifest import EntityError, Fallback
from contracts.raw_zone import ApiMode, Source
from extract import endpoints as ep
from extract.entities import embedded_page
from extract.reading import PageReader, RequestAt
from extract.requester import ApiRequest, RequestFailed
from extract.scheduler import Task

LEGACY_PLAYLIST_TRACKS = "playlist_tracks"  # fallback key
PLAYLIST_ITEM_TYPES = ("track", "episode")  # without "episode", episodes come back as null items
NOT_OWNED_OR_SHARED = "/items serves only playlists the user owns or collaborates on (development mode)"
EDITORIAL_IN_DEVELOPMENT = "development mode: Spotify-owned editorial playlists answer 404 since 2024-11-27"


class PlaylistTasks:
    def __init__(self, reader: PageReader, api_mode: str, has_user_token: bool, api_prefix_path: str) -> None:
        self.reader = reader
        self.api_mode = api_mode
        self.has_user_token = has_user_token
        self._prefix_path = api_prefix_path
        self._current_user_lock = threading.Lock()
        self._current_user: tuple[str | None] | None = None

    def playlist(self, playlist_id: str, auth: str, configured: bool = False) -> Task:
        """The playlist's detail object, then its items where the mode allows (`auth` reads the detail)."""

        def work() -> list[Task]:
            if self.api_mode == ApiMode.DEVELOPMENT and ep.is_editorial_playlist(playlist_id):
                self.reader.ledger.record_skip(Source.PLAYLISTS, playlist_id, EDITORIAL_IN_DEVELOPMENT)
                if configured:
                    self.reader.ledger.record_error(
                        EntityError(
                            Source.PLAYLISTS,
                            playlist_id,
                            None,
                            f"not requested: {EDITORIAL_IN_DEVELOPMENT}; remove it from [sources] playlist_ids",
                        )
                    )
                return []
            detail = self.reader.fetch_one(
                ApiRequest(
                    Source.PLAYLISTS,
                    playlist_id,
                    ep.PLAYLIST,
                    auth,
                    lambda sp: sp.playlist(playlist_id, additional_types=PLAYLIST_ITEM_TYPES),
                )
            )
            if detail is not None and isinstance(detail.response, dict):
                self._playlist_items(playlist_id, auth, detail.response)
            return []

        return Task(Source.PLAYLISTS, playlist_id, work)

    def _playlist_items(self, playlist_id: str, detail_auth: str, detail: dict[str, Any]) -> None:
        embedded = embedded_page(detail, "items", "tracks")
        start = 0
        if embedded is not None:
            start = int(embedded.get("offset") or 0) + len(embedded["items"])
            total = embedded.get("total")
            if embedded.get("next") is None or (isinstance(total, int) and start >= total):
                return
        # The API embeds `items` only where the token may read them; the legacy `tracks` says nothing about that.
        shown_readable = embedded is not None and embedded is detail.get("items")
        if not self._may_read_items(playlist_id, detail, shown_readable):
            return
        endpoint, auth = self._items_endpoint(detail_auth)
        try:
            self.reader.read_pages(self._items_request_at(playlist_id, endpoint, auth), endpoint.max_limit, start=start)
            return
        except RequestFailed as failure:
            if endpoint is not ep.PLAYLIST_TRACKS_LEGACY or failure.status not in (403, 404):
                self.reader.ledger.need_calls(Source.PLAYLIST_ITEMS, 1)
                self.reader.ledger.record_error(
                    EntityError(Source.PLAYLIST_ITEMS, playlist_id, failure.status, failure.message)
                )
                return
            # The refused call only revealed the removal: a run on the fallback needs one call less.
            self.reader.ledger.switch_to_fallback(
                LEGACY_PLAYLIST_TRACKS,
                Fallback(
                    endpoint=ep.PLAYLIST_TRACKS_LEGACY.describe(self._prefix_path),
                    status=failure.status,
                    fallback=ep.PLAYLIST_ITEMS.describe(self._prefix_path),
                ),
            )
        if not self._may_read_items(playlist_id, detail, shown_readable):
            return
        endpoint, auth = self._items_endpoint(detail_auth)
        self.reader.read_list(self._items_request_at(playlist_id, endpoint, auth), endpoint.max_limit, start=start)

    def _may_read_items(self, playlist_id: str, detail: dict[str, Any], shown_readable: bool) -> bool:
        """Whether this app may read the playlist's items, decided before the call so a refusal costs none: the
        legacy endpoint reads any playlist; `/items` only those the user owns or collaborates on."""
        if self._uses_legacy_items() or shown_readable:
            return True
        if not self.has_user_token:
            self.reader.ledger.record_skip(
                Source.PLAYLIST_ITEMS, playlist_id, "playlist items need the user token, and no user source is set"
            )
            return False
        listed_owner = detail.get("owner")
        owner = listed_owner if isinstance(listed_owner, dict) else {}
        if detail.get("collaborative") is True or (owner.get("id") and owner.get("id") == self._current_user_id()):
            return True
        self.reader.ledger.record_skip(Source.PLAYLIST_ITEMS, playlist_id, NOT_OWNED_OR_SHARED)
        return False

    def _uses_legacy_items(self) -> bool:
        return self.api_mode == ApiMode.EXTENDED and not self.reader.ledger.fallback_active(LEGACY_PLAYLIST_TRACKS)

    def _items_endpoint(self, detail_auth: str) -> tuple[ep.Endpoint, str]:
        if self._uses_legacy_items():
            return ep.PLAYLIST_TRACKS_LEGACY, detail_auth
        return ep.PLAYLIST_ITEMS, ep.USER

    def _items_request_at(self, playlist_id: str, endpoint: ep.Endpoint, auth: str) -> RequestAt:
        def request_at(offset: int, limit: int) -> ApiRequest:
            if endpoint is ep.PLAYLIST_TRACKS_LEGACY:
                types = ",".join(PLAYLIST_ITEM_TYPES)
                call = lambda sp: sp.playlist_tracks_legacy(playlist_id, limit, offset, types)  # noqa: E731
            else:
                call = lambda sp: sp.playlist_items(  # noqa: E731
                    playlist_id, limit=limit, offset=offset, additional_types=PLAYLIST_ITEM_TYPES
                )
            return ApiRequest(Source.PLAYLIST_ITEMS, playlist_id, endpoint, auth, call)

        return request_at

    def _current_user_id(self) -> str | None:
        """The user's Spotify id (from /me, once a run), to tell the playlists they own."""
        with self._current_user_lock:
            if self._current_user is None:
                request = ApiRequest(Source.PLAYLISTS, None, ep.ME, ep.USER, lambda sp: sp.current_user())
                self.reader.ledger.need_calls(Source.PLAYLISTS, 1)
                try:
                    body = self.reader.requester.fetch(request).response
                except RequestFailed as failure:
                    self.reader.record_failure(request, failure)
                    body = None
                user_id = body.get("id") if isinstance(body, dict) else None
                self._current_user = (user_id if isinstance(user_id, str) else None,)
            return self._current_user[0]
