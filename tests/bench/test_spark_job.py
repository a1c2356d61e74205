"""The benchmark's own measurements of a Spark process."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from bench.spark_job import jvm_cpu_seconds


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads Linux's /proc, which this system lacks")
def test_a_process_cpu_is_split_by_what_its_threads_do() -> None:
    # Given a thread named as Spark names its task threads, which spent 0.3 CPU-seconds and is still alive
    busy, measured = threading.Event(), threading.Event()

    def task() -> None:
        Path(f"/proc/self/task/{threading.get_native_id()}/comm").write_text("Executor task l", encoding="utf-8")
        started = time.thread_time()
        while time.thread_time() - started < 0.3:
            pass
        busy.set()
        measured.wait(timeout=30)

    worker = threading.Thread(target=task)
    worker.start()
    busy.wait(timeout=30)

    # When the process's CPU is read by thread
    try:
        seconds = jvm_cpu_seconds(os.getpid())
    finally:
        measured.set()
        worker.join()

    # Then that thread's CPU counts as the executor tasks', and every group fits in the process's total
    assert seconds["executor_tasks"] >= 0.25
    assert seconds["total"] >= seconds["executor_tasks"] + seconds["other"] - 0.05
