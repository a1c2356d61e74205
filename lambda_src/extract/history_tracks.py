"""The tracks a history import names by id only, enriched through the API by the daily runs: bounded, resumable.

With enrichment on (`[sources] enrich`), as for artists and albums. A history import (history_import) writes the ids
of the tracks its export names under `contracts.raw_zone.HISTORY_TRACKS_PREFIX`, one object per import, before its
manifest. Each daily run lists those objects, takes the ids no run has fetched yet (`ExtractState.known_track_ids`),
at most `TRACKS_PER_RUN` of them, and fetches each full track object (`/tracks/{id}` one by one in development mode,
`/tracks?ids=` 50 at a time in extended mode) as a `tracks` page. The transform reads them like any track, and the
run's enrichment then fetches their new albums and artists as for any other new id. A fetched id joins the known ids
with the run's state; one that failed, or that the run had no time for, is simply still wanted by the next run: a
20,000-track history is enriched over the days, at most `TRACKS_PER_RUN` calls a day in development mode.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable

from contracts.raw_zone import HISTORY_TRACKS_PREFIX, ApiMode, Source
from extract import endpoints as ep
from extract.raw_bucket import RawBucket
from extract.reading import PageReader
from extract.requester import ApiRequest
from extract.scheduler import Task

log = logging.getLogger(__name__)

# Calls a daily run spends on history tracks in development mode (one per track): a few minutes of the budget.
TRACKS_PER_RUN = 500


def imported_track_ids(bucket: RawBucket) -> set[str]:
    """Every track id the history imports named (an unreadable object is skipped with a warning)."""
    ids: set[str] = set()
    for key in bucket.keys(HISTORY_TRACKS_PREFIX):
        body = bucket.get(key)
        try:
            ids.update(str(i) for i in json.loads(body or b"{}")["track_ids"])
        except (ValueError, KeyError, TypeError):
            log.warning("history tracks object %s is unreadable; its tracks stay name-only until it is fixed", key)
    return ids


def tracks_to_fetch(imported: Iterable[str], known: frozenset[str], limit: int | None = None) -> list[str]:
    """The first `limit` (TRACKS_PER_RUN) imported ids no run fetched, in a fixed order (a run resumes where the
    last stopped)."""
    return sorted(set(imported) - known)[: TRACKS_PER_RUN if limit is None else limit]


class TrackDetails:
    """Tasks fetching full track objects; `fetched` holds the ids whose object the run kept."""

    def __init__(self, reader: PageReader, api_mode: str) -> None:
        self.reader = reader
        self.api_mode = api_mode
        self._lock = threading.Lock()
        self._fetched: set[str] = set()

    @property
    def fetched(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._fetched)

    def tasks(self, track_ids: list[str]) -> list[Task]:
        if self.api_mode == ApiMode.DEVELOPMENT:
            return [self._one(track_id) for track_id in track_ids]
        size = ep.TRACKS_BATCH.max_limit
        return [self._batch(track_ids[i : i + size]) for i in range(0, len(track_ids), size)]

    def _kept(self, ids: Iterable[str]) -> None:
        with self._lock:
            self._fetched.update(ids)

    def _one(self, track_id: str) -> Task:
        request = ApiRequest(Source.TRACKS, track_id, ep.TRACK, ep.APP, lambda sp: sp.track(track_id))

        def work() -> list[Task]:
            page = self.reader.fetch_one(request)
            if page is not None and isinstance(page.response, dict) and page.response.get("id") == track_id:
                self._kept([track_id])
            return []

        return Task(Source.TRACKS, track_id, work)

    def _batch(self, track_ids: list[str]) -> Task:
        request = ApiRequest(Source.TRACKS, None, ep.TRACKS_BATCH, ep.APP, lambda sp: sp.tracks(track_ids))

        def work() -> list[Task]:
            page = self.reader.fetch_one(request)
            objects = page.response.get("tracks") if page is not None and isinstance(page.response, dict) else None
            if isinstance(objects, list):
                self._kept(t["id"] for t in objects if isinstance(t, dict) and t.get("id") in track_ids)
            return []

        return Task(Source.TRACKS, None, work, covers=())
