"""Artist and album details: one by one in development mode, in batches (50 artists, 20 albums) in extended mode,
switching to one by one for the rest of the run if the API refuses the batch endpoint for this app. An album's
tracks beyond the first page its detail object embeds are read from `/albums/{id}/tracks`.
"""

from __future__ import annotations

from typing import Any

from contracts.manifest import EntityError, Fallback, PendingWork
from contracts.raw_zone import ApiMode, Source
from extract import endpoints as ep
from extract.entities import embedded_page
from extract.reading import PageReader
from extract.requester import ApiRequest, RequestFailed
from extract.scheduler import Task

# Fallback keys.
ARTISTS_BATCH = "artists_batch"
ALBUMS_BATCH = "albums_batch"


class DetailTasks:
    def __init__(self, reader: PageReader, api_mode: str, api_prefix_path: str) -> None:
        self.reader = reader
        self.api_mode = api_mode
        self._prefix_path = api_prefix_path

    def album_tasks(self, album_ids: list[str]) -> list[Task]:
        return self._detail_tasks(Source.ALBUMS, album_ids)

    def artist_tasks(self, artist_ids: list[str]) -> list[Task]:
        return self._detail_tasks(Source.ARTISTS, artist_ids)

    def _detail_tasks(self, source: str, ids: list[str]) -> list[Task]:
        batch_key = ALBUMS_BATCH if source == Source.ALBUMS else ARTISTS_BATCH
        batch_endpoint = ep.ALBUMS_BATCH if source == Source.ALBUMS else ep.ARTISTS_BATCH
        if self.api_mode == ApiMode.DEVELOPMENT or self.reader.ledger.fallback_active(batch_key):
            return [self._detail_one(source, entity_id) for entity_id in ids]
        size = batch_endpoint.max_limit
        return [self._detail_batch(source, ids[i : i + size]) for i in range(0, len(ids), size)]

    def _detail_one(self, source: str, entity_id: str) -> Task:
        if source == Source.ALBUMS:
            request = ApiRequest(source, entity_id, ep.ALBUM, ep.APP, lambda sp: sp.album(entity_id))
        else:
            request = ApiRequest(source, entity_id, ep.ARTIST, ep.APP, lambda sp: sp.artist(entity_id))

        def work() -> list[Task]:
            page = self.reader.fetch_one(request, retry_next_run=True)
            if page is None or not isinstance(page.response, dict):
                return []
            return self._album_tracks_after([page.response]) if source == Source.ALBUMS else []

        return Task(source, entity_id, work)

    def _detail_batch(self, source: str, ids: list[str]) -> Task:
        batch_key = ALBUMS_BATCH if source == Source.ALBUMS else ARTISTS_BATCH
        endpoint = ep.ALBUMS_BATCH if source == Source.ALBUMS else ep.ARTISTS_BATCH
        plural = "albums" if source == Source.ALBUMS else "artists"
        if source == Source.ALBUMS:
            request = ApiRequest(source, None, endpoint, ep.APP, lambda sp: sp.albums(ids))
        else:
            request = ApiRequest(source, None, endpoint, ep.APP, lambda sp: sp.artists(ids))

        def work() -> list[Task]:
            try:
                page = self.reader.requester.fetch(request)
            except RequestFailed as failure:
                if failure.status in (403, 404):
                    single = ep.ALBUM if source == Source.ALBUMS else ep.ARTIST
                    self.reader.ledger.switch_to_fallback(
                        batch_key,
                        Fallback(
                            endpoint=endpoint.describe(self._prefix_path),
                            status=failure.status,
                            fallback=single.describe(self._prefix_path),
                        ),
                    )
                    return [self._detail_one(source, entity_id) for entity_id in ids]
                self.reader.ledger.need_calls(source, 1)
                for entity_id in ids:
                    self.reader.ledger.record_error(EntityError(source, entity_id, failure.status, failure.message))
                    self.reader.retry_later(failure, PendingWork(source, entity_id))
                return []
            self.reader.ledger.need_calls(source, 1)
            self.reader.keep(page)
            objects = page.response.get(plural) if isinstance(page.response, dict) else None
            if not isinstance(objects, list):
                self.reader.retry_later(None, *(PendingWork(source, entity_id) for entity_id in ids))
                return []
            found = []
            for entity_id, entity in zip(ids, objects, strict=False):
                if isinstance(entity, dict):
                    found.append(entity)
                else:
                    self.reader.ledger.record_error(
                        EntityError(source, entity_id, None, f"the batch answer has no {plural[:-1]} for this id")
                    )
            return self._album_tracks_after(found) if source == Source.ALBUMS else []

        return Task(source, None, work, covers=tuple(PendingWork(source, entity_id) for entity_id in ids))

    def _album_tracks_after(self, albums: list[dict[str, Any]]) -> list[Task]:
        """Tasks reading the tracks of each album beyond the first page its detail object embeds."""
        tasks = []
        for album in albums:
            album_id, embedded = album.get("id"), embedded_page(album, "tracks")
            if not isinstance(album_id, str) or embedded is None:
                continue
            start = int(embedded.get("offset") or 0) + len(embedded["items"])
            total = embedded.get("total")
            if embedded.get("next") is None or not isinstance(total, int) or start >= total:
                continue
            tasks.append(self._album_tracks(album_id, start))
        return tasks

    def _album_tracks(self, album_id: str, start: int) -> Task:
        def request_at(offset: int, limit: int) -> ApiRequest:
            return ApiRequest(
                Source.ALBUM_TRACKS,
                album_id,
                ep.ALBUM_TRACKS,
                ep.APP,
                lambda sp: sp.album_tracks(album_id, limit=limit, offset=offset),
            )

        def work() -> list[Task]:
            self.reader.read_list(request_at, ep.ALBUM_TRACKS.max_limit, start=start)
            return []

        return Task(Source.ALBUM_TRACKS, album_id, work)

    # -- shared mechanics -------------------------------------------------------------------------------------
