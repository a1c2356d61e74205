"""How a source reads the API, shared by every source: lists read to their end, one object at a time, pages kept
(written raw and noted for enrichment), failures recorded against their entity.

- Every list is read to its end at the largest page size the endpoint allows, by offset, so a page whose body
  stayed malformed does not end the list when its size is known.
- Each read adds to `min_calls` the fewest calls the mode allows for what it read (from the lists' `total`),
  independently of the calls actually made, which the requester counts: a normal run makes exactly the minimum.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from contracts.manifest import EntityError, PendingWork
from extract import endpoints as ep
from extract.enrichment import EntityRegistry
from extract.ledger import RunLedger
from extract.raw_writer import RawWriter
from extract.requester import ApiRequest, RawPage, Requester, RequestFailed
from extract.scheduler import Task

RequestAt = Callable[[int, int], ApiRequest]  # (offset, limit) -> the request of that page


class PageReader:
    def __init__(self, requester: Requester, ledger: RunLedger, writer: RawWriter, registry: EntityRegistry) -> None:
        self.requester = requester
        self.ledger = ledger
        self.writer = writer
        self.registry = registry
        self._lock = threading.Lock()
        self._retry_next_run: list[PendingWork] = []

    @property
    def retry_next_run(self) -> list[PendingWork]:
        """Details that failed transiently (no answer, 5xx, malformed): the next run fetches them again."""
        with self._lock:
            return list(self._retry_next_run)

    def list_task(self, source: str, entity_id: str | None, request_at: RequestAt, page_size: int) -> Task:
        def work() -> list[Task]:
            self.read_list(request_at, page_size)
            return []

        return Task(source, entity_id, work)

    def keep(self, page: RawPage) -> None:
        self.writer.add(page)
        self.registry.observe(page)

    def fetch_one(self, request: ApiRequest, retry_next_run: bool = False) -> RawPage | None:
        """One object (a playlist, an artist, an album); a refusal is recorded against it and the run goes on."""
        self.ledger.need_calls(request.source, 1)
        try:
            page = self.requester.fetch(request)
        except RequestFailed as failure:
            self.record_failure(request, failure)
            if retry_next_run:
                self.retry_later(failure, PendingWork(request.source, request.entity_id))
            return None
        self.keep(page)
        if retry_next_run and page.response is None:
            self.retry_later(None, PendingWork(request.source, request.entity_id))
        return page

    def read_pages(
        self,
        request_at: RequestAt,
        page_size: int,
        start: int = 0,
        max_pages: int | None = None,
        paging_key: str | None = None,
        max_items: int | None = None,
    ) -> list[dict[str, Any]]:
        """Read an offset-paged list from `start` to its end; return the page bodies that parsed.

        A refusal of the first page is raised, uncounted in `min_calls` (the caller may switch endpoints, or record
        it); a refusal of a later page is recorded and ends the list. A page whose body stayed malformed is kept
        (by the requester) and the list goes on by offset if its size is known.
        """
        bodies: list[dict[str, Any]] = []
        offset, total, pages, per_page = start, None, 0, False
        while max_pages is None or pages < max_pages:
            request = request_at(offset, page_size)
            try:
                page = self.requester.fetch(request)
            except RequestFailed as failure:
                if pages == 0:
                    raise
                self.record_failure(request, failure)
                break
            pages += 1
            self.keep(page)
            body = page.response if isinstance(page.response, dict) else None
            paging = body.get(paging_key) if body is not None and paging_key else body
            if body is not None and isinstance(paging, dict):
                bodies.append(body)
                if isinstance(paging.get("total"), int):
                    total = paging["total"]
                has_next = paging.get("next") is not None
            else:
                has_next = total is not None  # malformed: go on by offset only if the list's size is known
            end = min(total, max_items) if total is not None and max_items is not None else total
            if pages == 1:
                per_page = end is None
                if end is not None:
                    self.ledger.need_calls(request.source, ep.pages_needed(end - start, page_size, max_pages))
            if per_page:
                self.ledger.need_calls(request.source, 1)  # the list's size is unknown: each page was needed
            offset += page_size
            if not has_next or (end is not None and offset >= end):
                break
        return bodies

    def read_list(self, request_at: RequestAt, page_size: int, start: int = 0, **limits: Any) -> list[dict[str, Any]]:
        """`read_pages`, with a refusal of the first page recorded against the list's entity instead of raised."""
        try:
            return self.read_pages(request_at, page_size, start=start, **limits)
        except RequestFailed as failure:
            request = request_at(start, page_size)
            self.ledger.need_calls(request.source, 1)  # the call that learned of the refusal
            self.record_failure(request, failure)
            return []

    def record_failure(self, request: ApiRequest, failure: RequestFailed) -> None:
        self.ledger.record_error(EntityError(request.source, request.entity_id, failure.status, failure.message))

    def retry_later(self, failure: RequestFailed | None, *work: PendingWork) -> None:
        """Details that failed transiently are retried next run; a refusal (4xx) is only recorded."""
        if failure is not None and failure.status is not None and failure.status < 500:
            return
        with self._lock:
            self._retry_next_run.extend(work)
