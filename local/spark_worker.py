"""A warm Spark for the local runtime: one process that runs the Glue job script again and again.

Glue starts a fresh Spark for every job run; on a laptop that costs seconds of JVM start-up per run, which adds
up over `make run DAYS=7` and the end-to-end tests. This worker starts Spark once and calls the unchanged job
script's `main(argv, spark)` for each run, with the arguments Glue would pass.

    python -m local.spark_worker      # reads one JSON request per line on stdin:
                                      # {"argv": [...], "result": "<file to write the outcome to>"}
                                      # outcome: {"returncode": n, "error": "<the failure in one line>" or null}

Everything the job prints goes to this process's stdout/stderr, which the runtime sends to its log file.
"""

from __future__ import annotations

import json
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any

from transforms import ENTRY_SCRIPT


def failure_line(error: BaseException) -> str:
    """What failed, in one line: for an error from Spark's JVM, the Java exception itself (its Python wrapper only
    says which call failed, and the trace below it runs to hundreds of lines)."""
    java_exception = getattr(error, "java_exception", None)
    text = str(java_exception.toString()) if java_exception is not None else f"{type(error).__name__}: {error}"
    return (text.strip().splitlines() or [type(error).__name__])[0][:500]


def serve(job_main: Any, spark: Any) -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        error = None
        try:
            returncode = job_main(request["argv"], spark=spark)
        except SystemExit as stop:
            returncode = stop.code if isinstance(stop.code, int) else 1
        except Exception as failure:
            # A failed job run must not take the worker down: the next run gets a clean chance, as in Glue.
            traceback.print_exc()
            returncode, error = 1, failure_line(failure)
        finally:
            spark.catalog.clearCache()
            sys.stdout.flush()
            sys.stderr.flush()
        Path(request["result"]).write_text(json.dumps({"returncode": returncode, "error": error}), encoding="utf-8")


def main() -> int:
    job = runpy.run_path(str(ENTRY_SCRIPT), run_name="spotify_transform")
    from transforms.session import build_session

    spark = build_session("local-spark-worker", shuffle_partitions=1, master="local[*]", short_lived=True)
    try:
        serve(job["main"], spark)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
