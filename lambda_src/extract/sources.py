"""The sources of a run, as tasks: the configured user lists and searches, the playlists and details they lead
to (extract.playlists, extract.details), and the work a previous run left pending.

User lists (top items, saved tracks, the user's playlists) are read to their end by offset; recently played
uses its cursors from the `after` cursor the last run (or capture) left, which moves on only when the read
completes. The API keeps only the latest 50 plays: a read whose first page is full and whose oldest play is newer
than the cursor could not reach back to it, and is recorded as a gap (`contracts.manifest.PlayGap`).
A search's `entity_id` is "<type>:<query>" (one search type a request).
"""

from __future__ import annotations

import logging
from typing import Any

from contracts.manifest import PendingWork, PlayGap
from contracts.raw_zone import Source
from extract import endpoints as ep
from extract.details import DetailTasks
from extract.entities import play_times_ms, played_at_of_ms
from extract.playlists import PlaylistTasks
from extract.reading import PageReader
from extract.requester import ApiRequest, RequestFailed
from extract.scheduler import Task
from extract.settings import SourceSelection
from extract.transport import SpotifyCall

log = logging.getLogger(__name__)


def _next_page(body: dict[str, Any]) -> SpotifyCall:
    """The call that follows `body`'s `next` link (spotipy's `next`)."""
    return lambda sp: sp.next(body)


class SourceTasks:
    def __init__(
        self,
        reader: PageReader,
        api_mode: str,
        selection: SourceSelection,
        recently_played_after: str | None,
        has_user_token: bool,
        api_prefix_path: str,
        read_id: str = "",
    ) -> None:
        self.reader = reader
        self.api_mode = api_mode
        self.selection = selection
        self.playlists = PlaylistTasks(reader, api_mode, has_user_token, api_prefix_path)
        self.details = DetailTasks(reader, api_mode, api_prefix_path)
        # Advanced only when the recently played task completes: an interrupted read is read again next run.
        self.recently_played_after = recently_played_after
        self.read_id = read_id  # the run or capture id a gap is recorded against
        self.gaps: list[PlayGap] = []

    # -- what a run does --------------------------------------------------------------------------------------
    def planned(self) -> list[Task]:
        """The tasks of the configured list sources, in configuration order (artists and albums come later)."""
        selection, tasks = self.selection, []
        if Source.RECENTLY_PLAYED in selection.user:
            tasks.append(self.recently_played())
        for source in (Source.TOP_TRACKS, Source.TOP_ARTISTS):
            if source in selection.user:
                tasks += [self.top_items(source, time_range) for time_range in selection.top_time_ranges]
        if Source.SAVED_TRACKS in selection.user:
            tasks.append(self.saved_tracks())
        if Source.USER_PLAYLISTS in selection.user:
            tasks.append(self.user_playlists())
        tasks += [
            self.playlists.playlist(playlist_id, ep.APP, configured=True) for playlist_id in selection.playlist_ids
        ]
        tasks += [self.search(q, kind) for q in selection.search_queries for kind in selection.search_types]
        return tasks

    def resumed(self, pending: tuple[PendingWork, ...]) -> tuple[list[Task], list[str], list[str]]:
        """What a previous run left: list tasks, album ids and artist ids (fetched with this run's enrichment)."""
        tasks: list[Task] = []
        album_ids: list[str] = []
        artist_ids: list[str] = []
        for work in pending:
            source, entity_id = work.source, work.entity_id
            if source in (Source.ALBUMS, Source.ALBUM_TRACKS) and entity_id:
                album_ids.append(entity_id)
            elif source == Source.ARTISTS and entity_id:
                artist_ids.append(entity_id)
            elif source == Source.RECENTLY_PLAYED:
                tasks.append(self.recently_played())
            elif source in (Source.TOP_TRACKS, Source.TOP_ARTISTS) and entity_id:
                tasks.append(self.top_items(source, entity_id))
            elif source == Source.SAVED_TRACKS:
                tasks.append(self.saved_tracks())
            elif source == Source.USER_PLAYLISTS:
                tasks.append(self.user_playlists())
            elif source in (Source.PLAYLISTS, Source.PLAYLIST_ITEMS) and entity_id:
                configured = entity_id in self.selection.playlist_ids
                tasks.append(
                    self.playlists.playlist(entity_id, ep.APP if configured else ep.USER, configured=configured)
                )
            elif source == Source.SEARCH and entity_id and ":" in entity_id:
                kind, query = entity_id.split(":", 1)
                tasks.append(self.search(query, kind))
            else:
                log.warning("pending work %s %s from the last run cannot be resumed; dropped", source, entity_id)
        return tasks, album_ids, artist_ids

    # -- user sources -----------------------------------------------------------------------------------------
    def recently_played(self) -> Task:
        def work() -> list[Task]:
            after = self.recently_played_after
            request = ApiRequest(
                Source.RECENTLY_PLAYED,
                None,
                ep.RECENTLY_PLAYED,
                ep.USER,
                lambda sp: sp.current_user_recently_played(
                    limit=ep.RECENTLY_PLAYED.max_limit, after=int(after) if after else None
                ),
            )
            newest = int(after) if after else None
            oldest: int | None = None
            first_page_full = False
            followed: set[str] = set()
            while True:
                # Cursor paging has no total: each page read is a page needed.
                self.reader.ledger.need_calls(Source.RECENTLY_PLAYED, 1)
                try:
                    page = self.reader.requester.fetch(request)
                except RequestFailed as failure:
                    self.reader.record_failure(request, failure)
                    return []  # the cursor stays: the next run reads these plays again
                self.reader.keep(page)
                body = page.response
                if not isinstance(body, dict):
                    return []  # malformed (kept and recorded); the cursor stays
                times = play_times_ms(body)
                if not followed:
                    first_page_full = len(body.get("items") or []) >= ep.RECENTLY_PLAYED.max_limit
                if times:
                    newest = max(times) if newest is None else max(newest, *times)
                    oldest = min(times) if oldest is None else min(oldest, *times)
                next_url = body.get("next")
                if not body.get("items") or not next_url or next_url in followed:
                    break
                followed.add(next_url)
                request = ApiRequest(Source.RECENTLY_PLAYED, None, ep.RECENTLY_PLAYED, ep.USER, _next_page(body))
            if first_page_full and oldest is not None and (after is None or oldest > int(after)):
                self._record_gap(after, oldest)
            if newest is not None:
                self.recently_played_after = str(newest)
            return []

        return Task(Source.RECENTLY_PLAYED, None, work)

    def _record_gap(self, after: str | None, oldest_ms: int) -> None:
        gap = PlayGap(
            source=Source.RECENTLY_PLAYED,
            gap_from=played_at_of_ms(int(after)) if after else None,
            gap_to=played_at_of_ms(oldest_ms),
            detected_by=self.read_id,
        )
        self.gaps.append(gap)
        log.warning(
            "recently played: the API's 50-play window did not reach back to the cursor; plays after %s and "
            "before %s may be lost (capture more often: [capture] in config/pipeline.toml)",
            gap.gap_from or "the first read",
            gap.gap_to,
        )

    def top_items(self, source: str, time_range: str) -> Task:
        endpoint = ep.TOP_TRACKS if source == Source.TOP_TRACKS else ep.TOP_ARTISTS

        def request_at(offset: int, limit: int) -> ApiRequest:
            if source == Source.TOP_TRACKS:
                call = lambda sp: sp.current_user_top_tracks(limit=limit, offset=offset, time_range=time_range)  # noqa: E731
            else:
                call = lambda sp: sp.current_user_top_artists(limit=limit, offset=offset, time_range=time_range)  # noqa: E731
            return ApiRequest(source, time_range, endpoint, ep.USER, call)

        return self.reader.list_task(source, time_range, request_at, endpoint.max_limit)

    def saved_tracks(self) -> Task:
        def request_at(offset: int, limit: int) -> ApiRequest:
            return ApiRequest(
                Source.SAVED_TRACKS,
                None,
                ep.SAVED_TRACKS,
                ep.USER,
                lambda sp: sp.current_user_saved_tracks(limit=limit, offset=offset),
            )

        return self.reader.list_task(Source.SAVED_TRACKS, None, request_at, ep.SAVED_TRACKS.max_limit)

    def user_playlists(self) -> Task:
        def request_at(offset: int, limit: int) -> ApiRequest:
            return ApiRequest(
                Source.USER_PLAYLISTS,
                None,
                ep.MY_PLAYLISTS,
                ep.USER,
                lambda sp: sp.current_user_playlists(limit=limit, offset=offset),
            )

        def work() -> list[Task]:
            playlist_ids: list[str] = []
            for body in self.reader.read_list(request_at, ep.MY_PLAYLISTS.max_limit):
                for item in body.get("items") or []:
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        playlist_ids.append(item["id"])
            return [self.playlists.playlist(playlist_id, ep.USER) for playlist_id in dict.fromkeys(playlist_ids)]

        return Task(Source.USER_PLAYLISTS, None, work)

    # -- playlists --------------------------------------------------------------------------------------------
    def search(self, query: str, kind: str) -> Task:
        entity_id = f"{kind}:{query}"
        page_size = ep.search_limit(self.api_mode)

        def request_at(offset: int, limit: int) -> ApiRequest:
            return ApiRequest(
                Source.SEARCH,
                entity_id,
                ep.SEARCH,
                ep.APP,
                lambda sp: sp.search(q=query, limit=limit, offset=offset, type=kind),
            )

        def work() -> list[Task]:
            self.reader.read_list(
                request_at,
                page_size,
                max_pages=self.selection.search_max_pages,
                paging_key=f"{kind}s",
                max_items=ep.SEARCH_MAX_RESULTS,
            )
            return []

        return Task(Source.SEARCH, entity_id, work)
