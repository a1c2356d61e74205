"""`make test-stress`: the slow end-to-end modules, run again and again while every core is kept busy, each run in
another test order. A test that fails here only sometimes is flaky: a bug to fix, not a run to repeat.

    python tests/stress.py [--runs 10] [--load 2] [--workers 2] [MODULE ...]

The load is one busy process per `--load`, each stopping by itself after `--load-minutes` or as soon as this
script ends, whichever comes first. Exit status 0 only if every run passed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLOW_MODULES = (
    "tests/reliability/test_fault_matrix.py",
    "tests/local/test_local_pipeline.py",
    "tests/reliability/test_no_secret_leaks.py",
)


def busy(deadline: float, parent: int) -> None:
    """Spin until the deadline or until the parent is gone (the load never outlives the stress run)."""
    while time.monotonic() < deadline and os.getppid() == parent:
        for _ in range(200_000):
            pass


def run_once(modules: list[str], workers: int, seed: int) -> tuple[bool, float, list[str]]:
    command = [sys.executable, "-m", "pytest", "-q", "-n", str(workers), "-p", "no:cacheprovider"]
    command += [f"--test-order-seed={seed}", *modules]
    started = time.monotonic()
    # Its own process group: if this script is stopped, the run's workers, emulators and Spark go with it.
    run = subprocess.Popen(  # noqa: S603 (our argv)
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = run.communicate()
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGTERM)
            run.wait()
    failed = [line for line in stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    if run.returncode != 0 and not failed:
        failed = stdout.splitlines()[-5:] + stderr.splitlines()[-5:]
    return run.returncode == 0, time.monotonic() - started, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", default=list(SLOW_MODULES), help="test modules (default: the slow ones)")
    parser.add_argument("--runs", type=int, default=10, help="consecutive runs (default 10)")
    parser.add_argument("--load", type=int, default=os.cpu_count() or 2, help="busy processes (default: the cores)")
    parser.add_argument("--load-minutes", type=float, default=120, help="the load stops by itself after this")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers, as `make test` (default 2)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.load < 0 or args.workers < 0:
        parser.error("--runs must be 1 or more, --load and --workers 0 or more")

    deadline = time.monotonic() + args.load_minutes * 60
    load = [multiprocessing.Process(target=busy, args=(deadline, os.getpid()), daemon=True) for _ in range(args.load)]
    for process in load:
        process.start()
    print(
        f"stress: {args.runs} runs of {len(args.modules)} module(s), {args.load} busy process(es), "
        f"{args.workers} worker(s); load average at start {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    passed = 0
    try:
        for run in range(1, args.runs + 1):
            ok, seconds, failed = run_once(args.modules, args.workers, seed=run)
            passed += ok
            load_average = os.getloadavg()[0]
            status = "passed" if ok else "FAILED"
            print(
                f"run {run:>2} (order seed {run}): {status} in {seconds:.0f}s, load average {load_average:.1f}",
                flush=True,
            )
            for line in failed:
                print(f"    {line}", flush=True)
    finally:
        for process in load:
            process.terminate()
        for process in load:
            process.join()
    print(f"stress: {passed} of {args.runs} runs passed")
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
