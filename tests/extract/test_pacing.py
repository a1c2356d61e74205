"""When requests may go: Retry-After pauses shared by every worker, backoff with full jitter, the time budget."""

from __future__ import annotations

import random
import threading

import pytest

from extract.pacing import Pacing, RunStopped, backoff_seconds, parse_retry_after


def pacing(remaining_ms: int = 600_000, margin: float = 30) -> Pacing:
    return Pacing(lambda: remaining_ms, margin, backoff_base_seconds=0.001, backoff_cap_seconds=0.004)


def test_backoff_grows_exponentially_up_to_the_cap_with_full_jitter() -> None:
    rng = random.Random(7)
    delays = {failures: [backoff_seconds(failures, 0.5, 8.0, rng) for _ in range(200)] for failures in (1, 3, 6)}
    assert all(0 <= d <= 0.5 for d in delays[1])
    assert all(0 <= d <= 2.0 for d in delays[3])
    assert all(0 <= d <= 8.0 for d in delays[6])  # 0.5 * 2^5 = 16, capped at 8
    # Full jitter spreads retries over the whole window instead of synchronising them
    assert max(delays[6]) > 4.0 and min(delays[6]) < 4.0


def test_retry_after_is_read_in_seconds_with_a_default_when_absent_or_unreadable() -> None:
    assert parse_retry_after("3", 1.0) == 3.0
    assert parse_retry_after(None, 1.0) == 1.0
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", 1.0) == 1.0


def test_a_retry_after_that_fits_the_budget_pauses_then_lets_requests_go() -> None:
    # Given 600 s left and a 30 s margin
    clock = pacing()
    # When Spotify asks to wait a moment
    clock.pause_for_retry_after(0.05)
    # Then the next request waits and goes, and the run goes on
    clock.before_request()
    assert not clock.stopped


def test_a_retry_after_longer_than_the_budget_stops_the_run_with_the_reason() -> None:
    # Given 40 s left of which 30 s are the margin
    clock = pacing(remaining_ms=40_000)
    # When Spotify asks to wait an hour
    with pytest.raises(RunStopped):
        clock.pause_for_retry_after(3600)
    # Then every later request is refused and the reason names the wait
    assert clock.stopped
    assert "3600" in (clock.stop_reason or "")
    with pytest.raises(RunStopped):
        clock.before_request()


def test_a_spent_budget_stops_the_run_before_the_next_request() -> None:
    clock = pacing(remaining_ms=29_000)  # less than the margin
    with pytest.raises(RunStopped):
        clock.before_request()
    assert clock.stop_reason == "the time budget is spent"


def test_a_stop_wakes_a_worker_waiting_on_a_retry_after_pause() -> None:
    # Given a worker waiting on a long (but affordable) pause
    clock = pacing()
    clock.pause_for_retry_after(300)
    outcome: list[str] = []

    def worker() -> None:
        try:
            clock.before_request()
            outcome.append("sent")
        except RunStopped:
            outcome.append("stopped")

    thread = threading.Thread(target=worker)
    thread.start()
    # When another worker stops the run
    clock.stop("another worker ran out of budget")
    thread.join(timeout=5)
    # Then the waiting worker stops at once instead of sleeping out the pause
    assert outcome == ["stopped"]
