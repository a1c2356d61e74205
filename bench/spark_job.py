"""One timed Spark job in a process of its own, so each measurement starts from a fresh JVM with its own cores.

    python -m bench.spark_job --job glue|tutorial --master local[2] --manifest <path> --out <dir> --result <json>

`glue` runs the Glue job's entry script (`transforms.job.main`) unchanged on a session built with the job's
own settings; `--profile` runs the same steps table by table instead, to see where the time goes. `tutorial`
runs `baselines.tutorial_job`. The result file holds the seconds to start the session and to run the job.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from contracts.manifest import Manifest

JOBS = ("glue", "tutorial")


def event_log_metrics(directory: Path) -> dict[str, Any]:
    """What Spark's event log says the executors did (the UI's numbers, without the UI): task time, CPU, garbage
    collection, task deserialization, spills and shuffle, summed over every task of the application."""
    totals = {"jobs": 0, "stages": 0, "tasks": 0}
    metrics = {
        "run_seconds": ("Executor Run Time", 1e-3),
        "cpu_seconds": ("Executor CPU Time", 1e-9),
        "gc_seconds": ("JVM GC Time", 1e-3),
        "deserialize_seconds": ("Executor Deserialize Time", 1e-3),
        "spilled_mb": ("Disk Bytes Spilled", 1e-6),
    }
    sums = dict.fromkeys([*metrics, "shuffle_written_mb"], 0.0)
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or path.name.startswith((".", "appstatus")):
            continue
        with path.open(encoding="utf-8") as log:
            for line in log:
                event = json.loads(line)
                kind = event.get("Event")
                if kind == "SparkListenerJobStart":
                    totals["jobs"] += 1
                elif kind == "SparkListenerStageCompleted":
                    totals["stages"] += 1
                elif kind == "SparkListenerTaskEnd":
                    totals["tasks"] += 1
                    task = event.get("Task Metrics") or {}
                    for name, (field, scale) in metrics.items():
                        sums[name] += task.get(field, 0) * scale
                    written = (task.get("Shuffle Write Metrics") or {}).get("Shuffle Bytes Written", 0)
                    sums["shuffle_written_mb"] += written * 1e-6
    return {**totals, **{name: round(value, 1) for name, value in sums.items()}}


# The JVM's threads by what they do, by the name Linux keeps for each (its first 15 characters).
_THREAD_GROUPS = (
    ("executor_tasks", ("Executor task",)),
    ("jit_compilers", ("C1 Compiler", "C2 Compiler")),
    ("garbage_collection", ("GC Thread", "G1 ")),
)


def jvm_cpu_seconds(pid: int) -> dict[str, float]:
    """CPU seconds of the JVM `pid` (Linux only, else empty): `total` counts every thread that ran, the groups of
    `_THREAD_GROUPS` and `other` (the driver: planning, scheduling, py4j) only the threads still alive. The event
    log's executor CPU leaves out what the profile needs to explain a fresh JVM's time: the JIT compiling Spark's
    code and the driver planning."""
    process = Path(f"/proc/{pid}")
    if not process.is_dir():
        return {}
    tick = os.sysconf("SC_CLK_TCK")

    def used(stat: Path) -> float:
        fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime, stime

    seconds = dict.fromkeys([name for name, _ in _THREAD_GROUPS] + ["other"], 0.0)
    for thread in (process / "task").iterdir():
        try:
            name, cpu = (thread / "comm").read_text(encoding="utf-8").strip(), used(thread / "stat")
        except OSError:  # the thread ended meanwhile
            continue
        group = next((g for g, prefixes in _THREAD_GROUPS if name.startswith(prefixes)), "other")
        seconds[group] += cpu
    return {"total": round(used(process / "stat"), 1), **{name: round(value, 1) for name, value in seconds.items()}}


def quiet_session(app_name: str, master: str) -> SparkSession:
    """A plain local session (no UI, no progress bar), as the tutorial job would get from Glue."""
    spark = (
        SparkSession.builder.appName(app_name)
        .master(master)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def glue_job(spark: SparkSession, manifest_path: Path, out_dir: Path) -> dict[str, Any]:
    from transforms.job import main

    argv = ["spotify_transform.py", "--JOB_NAME", "bench", "--manifest_uri", str(manifest_path)]
    status = main([*argv, "--processed_uri", str(out_dir)], spark=spark)
    if status != 0:
        raise RuntimeError(f"the Glue job exited with status {status} on {manifest_path}")
    return {}


def _materialized_what(columns: list[str]) -> str:
    """Which result a materialized frame is: model tables' decisions, or a set of records."""
    from contracts.model import LINEAGE, TABLES

    # The build's decisions: several tables' in one frame, each table's columns in a struct named after it.
    decided = [t.name for t in TABLES if t.name in columns]
    if decided:
        return f"decisions ({', '.join(decided)})"
    lineage = {c.name for c in LINEAGE}
    first = next((c for c in columns if c not in lineage and c != "fetched_at"), columns[0])
    return f"records ({first}, ...)"


def glue_profile(spark: SparkSession, manifest_path: Path, out_dir: Path) -> dict[str, Any]:
    """Where the job's time goes: its steps as the entry script calls them (read and verify, build, write), each
    result the build materializes (timed around `transforms.session.materialize`, where the job has it), each
    table's physical plan (shuffles, size, seconds to plan) and rows, and the size of every cache."""
    import transforms.build as build
    from transforms.inputs import RunInput, read_verified_pages
    from transforms.output import write_model
    from transforms.session import apply_session_settings, interpreted_for, shuffle_partitions_for

    manifest = Manifest.from_json(manifest_path.read_text(encoding="utf-8"), where=str(manifest_path))
    runs = [RunInput.locate(str(manifest_path), manifest)]
    raw_bytes = sum(f.bytes for f in manifest.files)
    apply_session_settings(spark, shuffle_partitions_for(raw_bytes), interpreted=interpreted_for(raw_bytes))
    materialized: list[dict[str, Any]] = []
    materialize = getattr(build, "materialize", None)
    if materialize is not None:

        def timed(frame: Any) -> Any:
            started = time.perf_counter()
            kept = materialize(frame)
            materialized.append({"what": _materialized_what(kept.columns), "seconds": time.perf_counter() - started})
            return kept

        build.materialize = timed
    steps: dict[str, float] = {}
    started = time.perf_counter()
    pages = read_verified_pages(spark, runs)
    steps["read_and_verify"] = time.perf_counter() - started
    started = time.perf_counter()
    model = build.build_model(pages)
    steps["build"] = time.perf_counter() - started
    tables: dict[str, Any] = {}
    for name, frame in model.tables.items():
        started = time.perf_counter()
        plan = frame._jdf.queryExecution().executedPlan().toString()
        plan_seconds = time.perf_counter() - started
        started = time.perf_counter()
        rows = frame.count()
        tables[name] = {
            "plan_seconds": plan_seconds,
            "count_seconds": time.perf_counter() - started,
            "candidates": rows,
            "shuffles": plan.count("Exchange "),
            "plan_chars": len(plan),
        }
    caches = spark.sparkContext._jsc.sc().getRDDStorageInfo()
    cached_mb = sorted((round((info.memSize() + info.diskSize()) / 1e6, 1) for info in caches), reverse=True)
    started = time.perf_counter()
    write_model(model, runs, str(out_dir))
    steps["write"] = time.perf_counter() - started
    model.release()
    return {"profile": {"steps": steps, "materialized": materialized, "tables": tables, "cached_mb": cached_mb}}


def without_raw_copies() -> None:
    """An experiment, for the profile only: the job with the JSON copy of every candidate's object (`raw_record`,
    which only the quarantine reads) replaced by an empty string wherever the object exists, to
    measure what building, shuffling and caching those copies costs. It swaps the `functions` module the record
    and table builders call, in this process only; nothing else changes."""
    import types

    from pyspark.sql import functions

    import transforms.records
    import transforms.tables

    class _Functions(types.ModuleType):
        def __getattr__(self, name: str) -> Any:
            return getattr(functions, name)

        @staticmethod
        def to_json(col: Any, options: Any = None) -> Any:
            column = functions.col(col) if isinstance(col, str) else col
            return functions.when(column.isNotNull(), functions.lit(""))

    stand_in = _Functions(functions.__name__)
    for module in (transforms.records, transforms.tables):
        if getattr(module, "F", None) is not functions:
            raise RuntimeError(f"{module.__name__} no longer calls pyspark's functions as `F`; update this experiment")
        module.F = stand_in


def tutorial_job(spark: SparkSession, manifest_path: Path, out_dir: Path) -> dict[str, Any]:
    from bench.baselines import tutorial_job

    manifest = Manifest.from_json(manifest_path.read_text(encoding="utf-8"), where=str(manifest_path))
    tutorial_job.run(spark, manifest_path.parent, manifest.api_mode, out_dir)
    return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.spark_job", description=__doc__.splitlines()[0])
    parser.add_argument("--job", choices=JOBS, required=True)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--profile", action="store_true", help="glue only: time each table, size each cache")
    parser.add_argument(
        "--without-raw-copies", action="store_true", help="glue only, an experiment: see without_raw_copies()"
    )
    parser.add_argument("--driver-memory", default="1g", help="JVM heap of the local driver (default 1g)")
    parser.add_argument("--event-log", type=Path, help="keep Spark's event log here and sum its task metrics")
    args = parser.parse_args(argv)
    submit = ["--driver-memory", args.driver_memory]
    if args.event_log:
        args.event_log.mkdir(parents=True, exist_ok=True)
        for setting in (
            "spark.eventLog.enabled=true",
            f"spark.eventLog.dir={args.event_log.as_uri()}",
            # One plain JSON Lines file (Spark 4 rolls and compresses by default).
            "spark.eventLog.rolling.enabled=false",
            "spark.eventLog.compress=false",
        ):
            submit += ["--conf", setting]
    # Read when pyspark launches the JVM, which happens at the first session.
    os.environ["PYSPARK_SUBMIT_ARGS"] = " ".join([*submit, "pyspark-shell"])

    if args.without_raw_copies:
        without_raw_copies()
    started = time.perf_counter()
    if args.job == "glue":
        from transforms.session import build_session

        spark = build_session("bench-glue", shuffle_partitions=1, master=args.master)
        run = glue_profile if args.profile else glue_job
    else:
        spark = quiet_session("bench-tutorial", args.master)
        run = tutorial_job
    session_seconds = time.perf_counter() - started
    started = time.perf_counter()
    detail = run(spark, args.manifest, args.out)
    job_seconds = time.perf_counter() - started
    detail["jvm_cpu"] = jvm_cpu_seconds(spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid())
    spark.stop()
    if args.event_log:
        detail["executors"] = event_log_metrics(args.event_log)
    result = {
        "job": args.job,
        "master": args.master,
        "driver_memory": args.driver_memory,
        "session_seconds": session_seconds,
        "job_seconds": job_seconds,
    }
    args.result.write_text(json.dumps({**result, **detail}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
