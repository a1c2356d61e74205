"""When the next API request may go: the run's time budget, Spotify's Retry-After pauses and retry backoff.

Spotify's rate limit is a rolling 30-second window per developer account, so a `Retry-After` pauses every
worker thread, not only the one that received the 429. A wait longer than what is left of the Lambda's time
(minus a margin for writing the files and the manifest) stops the run instead: the run ends cleanly as "partial"
and the next run resumes the work left. Every sleep wakes early when the run stops.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable


class RunStopped(Exception):
    """The run stops before this request: the time budget is spent or another worker stopped the run."""


def backoff_seconds(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """Capped exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(failures-1))]."""
    return rng.uniform(0.0, min(cap, base * 2 ** max(0, failures - 1)))


def parse_retry_after(value: str | None, default: float) -> float:
    """`Retry-After` in seconds (Spotify sends whole seconds); `default` when absent or unreadable."""
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default


class Pacing:
    def __init__(
        self,
        remaining_ms: Callable[[], int],
        margin_seconds: float,
        backoff_base_seconds: float,
        backoff_cap_seconds: float,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._remaining_ms = remaining_ms
        self._margin = margin_seconds
        self._backoff_base = backoff_base_seconds
        self._backoff_cap = backoff_cap_seconds
        self._rng = rng or random.Random()
        self._clock = clock
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._resume_at = 0.0
        self.stop_reason: str | None = None

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def seconds_left(self) -> float:
        """Seconds the run may still spend on API calls: the Lambda's remaining time minus the margin."""
        return self._remaining_ms() / 1000.0 - self._margin

    def stop(self, reason: str) -> None:
        with self._lock:
            if self.stop_reason is None:
                self.stop_reason = reason
        self._stopped.set()

    def before_request(self) -> None:
        """Wait for a Retry-After pause to end; raise RunStopped if the run has stopped or has no time left."""
        while True:
            self._raise_if_stopped()
            if self.seconds_left() <= 0:
                self.stop("the time budget is spent")
                self._raise_if_stopped()
            with self._lock:
                wait = self._resume_at - self._clock()
            if wait <= 0:
                return
            self._stopped.wait(wait)

    def pause_for_retry_after(self, seconds: float) -> None:
        """Spotify asked every client of this app to wait `seconds`: pause all workers, or stop the run if the
        wait does not fit in the time left."""
        left = self.seconds_left()
        if seconds >= left:
            self.stop(f"Spotify asked to wait {seconds:g} s (Retry-After) and only {max(0.0, left):.0f} s are left")
            self._raise_if_stopped()
        with self._lock:
            self._resume_at = max(self._resume_at, self._clock() + seconds)

    def back_off(self, failures: int) -> None:
        """Sleep before retrying a failed request (5xx, no response, malformed body)."""
        delay = backoff_seconds(failures, self._backoff_base, self._backoff_cap, self._rng)
        if delay >= self.seconds_left():
            self.stop("the time budget is spent while retrying failed requests")
            self._raise_if_stopped()
        self._stopped.wait(delay)
        self._raise_if_stopped()

    def _raise_if_stopped(self) -> None:
        if self._stopped.is_set():
            raise RunStopped(self.stop_reason or "the run stopped")
