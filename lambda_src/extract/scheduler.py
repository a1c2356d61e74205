"""Runs extraction tasks on a bounded pool of worker threads.

A task is one unit of API work (a list read to its end, a playlist, a batch of ids); it may lead to more tasks
(a playlist listing leads to each playlist). The same task is never run twice in a run. When the run stops
(time budget), tasks not yet started are not started and tasks cut short stay pending: both are returned for
the manifest and the next run. Any other error in a task stops the run and is raised once the in-flight tasks
have ended, so no manifest is written for a broken run.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from contracts.manifest import PendingWork
from extract.pacing import Pacing, RunStopped


@dataclass(frozen=True)
class Task:
    source: str
    entity_id: str | None
    work: Callable[[], list[Task]]  # does the API work and returns the tasks it leads to
    covers: tuple[PendingWork, ...] = ()  # what stays pending if the task does not finish; default: itself

    @property
    def key(self) -> tuple[str, str | None, tuple[PendingWork, ...]]:
        """Tasks with the same key do the same work: a batch is told apart by the ids it covers."""
        return (self.source, self.entity_id, self.covers)

    @property
    def pending(self) -> tuple[PendingWork, ...]:
        return self.covers or (PendingWork(source=self.source, entity_id=self.entity_id),)


class Scheduler:
    def __init__(self, pool: ThreadPoolExecutor, workers: int, pacing: Pacing) -> None:
        self._pool = pool
        self._workers = workers
        self._pacing = pacing
        self._started: set[tuple[str, str | None, tuple[PendingWork, ...]]] = set()

    def run(self, tasks: Iterable[Task]) -> list[PendingWork]:
        """Run `tasks` and all they lead to; return the work left pending if the run stopped."""
        queue = deque(tasks)
        in_flight: dict[Future[list[Task]], Task] = {}
        pending: list[PendingWork] = []
        failure: BaseException | None = None
        while queue or in_flight:
            while queue and len(in_flight) < self._workers and failure is None:
                task = queue.popleft()
                if task.key in self._started:
                    continue
                if self._pacing.stopped:
                    pending.extend(task.pending)
                    continue
                self._started.add(task.key)
                in_flight[self._pool.submit(task.work)] = task
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                task = in_flight.pop(future)
                try:
                    queue.extend(future.result())
                except RunStopped:
                    pending.extend(task.pending)
                except BaseException as error:  # ends the run; raised after the in-flight tasks end
                    if failure is None:
                        failure = error
                        self._pacing.stop(f"{task.source} {task.entity_id or ''} failed".strip())
        if failure is not None:
            raise failure
        return _unique(pending)


def _unique(pending: list[PendingWork]) -> list[PendingWork]:
    return list(dict.fromkeys(pending))
