"""Tasks on a bounded pool: follow-ups run, duplicates do not, a stop leaves pending work, a failure is raised."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from contracts.manifest import PendingWork
from extract.pacing import Pacing, RunStopped
from extract.scheduler import Scheduler, Task


def scheduler(pool: ThreadPoolExecutor, workers: int = 2) -> tuple[Scheduler, Pacing]:
    pacing = Pacing(lambda: 600_000, 30, 0.001, 0.002)
    return Scheduler(pool, workers, pacing), pacing


def test_follow_up_tasks_run_and_duplicates_run_once() -> None:
    ran: list[str] = []
    lock = threading.Lock()

    def record(name: str, *follow: Task) -> Task:
        def work() -> list[Task]:
            with lock:
                ran.append(name)
            return list(follow)

        return Task("playlists", name, work)

    # Given a listing leading to two playlists, one of them also configured
    listing = Task("user_playlists", None, lambda: [record("p1"), record("p2")])
    with ThreadPoolExecutor(2) as pool:
        run, _ = scheduler(pool)
        pending = run.run([listing, record("p1")])
    assert sorted(ran) == ["p1", "p2"]
    assert pending == []


def test_a_stop_leaves_the_interrupted_and_the_unstarted_tasks_pending() -> None:
    with ThreadPoolExecutor(1) as pool:
        run, pacing = scheduler(pool, workers=1)

        def stops() -> list[Task]:
            pacing.stop("Retry-After beyond the budget")
            raise RunStopped("stopped")

        batch = Task("artists", "a1", lambda: [], covers=(PendingWork("artists", "a1"), PendingWork("artists", "a2")))
        pending = run.run([Task("saved_tracks", None, stops), batch])
    assert pending == [
        PendingWork("saved_tracks", None),
        PendingWork("artists", "a1"),
        PendingWork("artists", "a2"),
    ]


def test_an_unexpected_error_stops_the_run_and_is_raised() -> None:
    def broken() -> list[Task]:
        raise KeyError("boom")

    with ThreadPoolExecutor(2) as pool:
        run, pacing = scheduler(pool)
        with pytest.raises(KeyError):
            run.run([Task("search", "track:x", broken)])
    assert pacing.stopped
