"""What a run did, as the manifest reports it: calls and minimum calls per source, per-entity errors, endpoint
fallbacks, skipped entities. Shared by the worker threads, so every method takes the lock.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter

from contracts.manifest import EntityError, Fallback

log = logging.getLogger(__name__)


class RunLedger:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self._min_calls: Counter[str] = Counter()
        self._errors: list[EntityError] = []
        self._fallbacks: dict[str, Fallback] = {}
        self._skipped: list[dict[str, str | None]] = []

    def count_call(self, source: str) -> None:
        """One HTTP request to the API on behalf of `source` (every attempt counts, retries included)."""
        with self._lock:
            self._calls[source] += 1

    def need_calls(self, source: str, calls: int) -> None:
        """`calls` more requests are the fewest the API mode allows for what `source` fetched."""
        with self._lock:
            self._min_calls[source] += calls

    def record_error(self, error: EntityError) -> None:
        with self._lock:
            self._errors.append(error)
        log.warning("entity error: %s %s answered %s: %s", error.source, error.entity_id, error.status, error.message)

    def record_skip(self, source: str, entity_id: str | None, reason: str) -> None:
        with self._lock:
            self._skipped.append({"source": source, "entity_id": entity_id, "reason": reason})

    def switch_to_fallback(self, key: str, fallback: Fallback) -> None:
        """Use the fallback for `key` for the rest of the run; logged once per run."""
        with self._lock:
            first = key not in self._fallbacks
            self._fallbacks.setdefault(key, fallback)
        if first:
            log.warning(
                "%s answered %s for this app: using %s for the rest of the run",
                fallback.endpoint,
                fallback.status,
                fallback.fallback,
            )

    def fallback_active(self, key: str) -> bool:
        with self._lock:
            return key in self._fallbacks

    @property
    def calls(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._calls.items()))

    @property
    def min_calls(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._min_calls.items()))

    @property
    def errors(self) -> list[EntityError]:
        with self._lock:
            return sorted(self._errors, key=lambda e: (e.source, e.entity_id or "", e.message))

    @property
    def fallbacks(self) -> list[Fallback]:
        with self._lock:
            return [self._fallbacks[key] for key in sorted(self._fallbacks)]

    @property
    def skipped(self) -> list[dict[str, str | None]]:
        with self._lock:
            return sorted(self._skipped, key=lambda s: (s["source"] or "", s["entity_id"] or ""))
