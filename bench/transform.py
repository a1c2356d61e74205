"""The transform benchmark: the Glue job on local Spark against its two peers, on the same generated runs.

At each size: a development-mode run is generated (`bench.generate`), then transformed by the Glue job
(`local[*]`), by the tutorial-style job (`baselines/tutorial_job.py`) and by DuckDB (`baselines/duckdb_transform.py`),
each Spark job in a fresh process with the same driver memory. Throughput is playlist items per second of job time
(session start-up is reported apart: Glue starts the session before the script runs), with the executors' CPU
seconds from Spark's event log beside it (less sensitive to other work on the machine). At the largest size the Glue
job also runs on one core (`local[1]`) for the scaling from one core to all. The daily-size output is checked for
one file per table per partition, and DuckDB's row counts are compared with the job's, table by table.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from bench.baselines import duckdb_transform
from bench.generate import GeneratedRun, generate_run
from contracts.processed_zone import MODEL_FILE_SUFFIX, MODEL_PREFIX, run_report_key

REPO_ROOT = Path(__file__).resolve().parents[1]
# The local default (1g) is too small for the job at 200k items; Glue's G.1X workers have 16 GB.
DRIVER_MEMORY = "4g"


class BenchmarkFailed(RuntimeError):
    """A measured job failed; the message names it and the log to read."""


@dataclass(frozen=True)
class JobTiming:
    session_seconds: float
    job_seconds: float
    items_per_second: float
    detail: dict[str, Any]


def run_spark_job(
    job: str, run: GeneratedRun, out_dir: Path, master: str, log_dir: Path, *extra: str, label: str = ""
) -> dict[str, Any]:
    """One Spark job (`bench.spark_job`) in a process of its own, `extra` its further options; returns its
    timings and the executors' totals from its event log. Its log: `<log_dir>/<job>-<items>-<cores>-cores[-<label>]`."""
    shutil.rmtree(out_dir, ignore_errors=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    cores = master.removeprefix("local[").removesuffix("]").replace("*", "all")
    name = f"{job}-{run.playlist_items}-{cores}-cores" + (f"-{label}" if label else "")
    result_file, log_file = log_dir / f"{name}.json", log_dir / f"{name}.log"
    command = [sys.executable, "-m", "bench.spark_job", "--job", job, "--master", master]
    command += ["--manifest", str(run.manifest_path), "--out", str(out_dir), "--result", str(result_file)]
    command += ["--driver-memory", DRIVER_MEMORY, "--event-log", str(log_dir / f"{name}-events"), *extra]
    env = dict(os.environ)
    with log_file.open("w", encoding="utf-8") as log:
        finished = subprocess.run(command, env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    if finished.returncode != 0:
        raise BenchmarkFailed(f"the {job} job failed on {run.playlist_items:,} items ({master}); see {log_file}")
    return json.loads(result_file.read_text(encoding="utf-8"))


def _timing(result: dict[str, Any], items: int) -> JobTiming:
    detail = {k: v for k, v in result.items() if k not in ("session_seconds", "job_seconds")}
    return JobTiming(result["session_seconds"], result["job_seconds"], items / result["job_seconds"], detail)


# Every engine runs each measurement this many times; the tables show the median run and the spread.
REPEATS = 3


def _median_of(runs: list[JobTiming]) -> JobTiming:
    """The median run (by job time), with every run's job time in `detail["runs_seconds"]`."""
    ordered = sorted(runs, key=lambda run: run.job_seconds)
    median = ordered[len(ordered) // 2]
    return replace(median, detail={**median.detail, "runs_seconds": [run.job_seconds for run in runs]})


def _repeated_spark_job(job: str, run: GeneratedRun, out_dir: Path, master: str, log_dir: Path) -> JobTiming:
    items = run.playlist_items
    return _median_of([_timing(run_spark_job(job, run, out_dir, master, log_dir), items) for _ in range(REPEATS)])


def _repeated_duckdb(run: GeneratedRun, out_dir: Path, threads: int) -> tuple[float, list[float], Any]:
    """DuckDB's median seconds, every run's seconds, and the last run (its output rows)."""
    runs = []
    for _ in range(REPEATS):
        shutil.rmtree(out_dir, ignore_errors=True)
        runs.append(duckdb_transform.run(run.manifest_path, out_dir, threads=threads))
    seconds = sorted(r.seconds for r in runs)
    return seconds[len(seconds) // 2], [r.seconds for r in runs], runs[-1]


def files_per_partition(processed_root: Path) -> dict[str, int]:
    """Per model table, the most Parquet files any one of its partitions holds."""
    files: dict[str, dict[Path, int]] = defaultdict(lambda: defaultdict(int))
    for path in (processed_root / MODEL_PREFIX).rglob(f"*{MODEL_FILE_SUFFIX}"):
        table = path.relative_to(processed_root / MODEL_PREFIX).parts[0]
        files[table][path.parent] += 1
    return {table: max(partitions.values()) for table, partitions in sorted(files.items())}


def _job_output_rows(run: GeneratedRun, processed_root: Path) -> dict[str, int]:
    report = json.loads((processed_root / run_report_key(run.ingest_date, run.run_id)).read_text(encoding="utf-8"))
    return {name: counts["output"] for name, counts in report["tables"].items()}


def _measure_size(work_dir: Path, run: GeneratedRun, cores: int) -> dict[str, Any]:
    """Transform one generated run with all three engines."""
    items, logs = run.playlist_items, work_dir / "logs"
    ours_dir, tutorial_dir, duckdb_dir = (work_dir / f"{name}-{items}" for name in ("glue", "tutorial", "duckdb"))
    ours = _repeated_spark_job("glue", run, ours_dir, "local[*]", logs)
    tutorial = _repeated_spark_job("tutorial", run, tutorial_dir, "local[*]", logs)
    duckdb_seconds, duckdb_runs, duckdb = _repeated_duckdb(run, duckdb_dir, cores)
    ours_rows = _job_output_rows(run, ours_dir)
    result = {
        "playlist_items": items,
        "generated": {
            "pages": sum(run.pages.values()),
            "raw_mb": round(run.raw_bytes / 1e6, 1),
            "json_mb": round(run.json_bytes / 1e6, 1),
            "records": run.records,
            "seconds": round(run.seconds, 1),
        },
        "glue_job": asdict(ours),
        "tutorial_job": asdict(tutorial),
        "duckdb": {
            "job_seconds": duckdb_seconds,
            "items_per_second": items / duckdb_seconds,
            "threads": cores,
            "runs_seconds": duckdb_runs,
        },
        "speedup_vs_tutorial": ours.items_per_second / tutorial.items_per_second,
        "slowdown_vs_duckdb": ours.job_seconds / duckdb_seconds,
        "output_rows": {"glue_job": ours_rows, "duckdb": duckdb.output_rows},
        "output_rows_agree": ours_rows == duckdb.output_rows,
        "files_per_partition": files_per_partition(ours_dir),
    }
    for directory in (ours_dir, tutorial_dir, duckdb_dir):
        shutil.rmtree(directory, ignore_errors=True)
    return result


def _measure_scaling(work_dir: Path, run: GeneratedRun, all_cores: dict[str, Any], cores: int) -> dict[str, Any]:
    """The Glue job (and DuckDB) on one core, against their runs on every core at the same size."""
    items = run.playlist_items
    one_dir = work_dir / f"glue-{items}-one-core"
    one = _repeated_spark_job("glue", run, one_dir, "local[1]", work_dir / "logs")
    duckdb_one_seconds, _, _ = _repeated_duckdb(run, work_dir / f"duckdb-{items}-one-core", 1)
    shutil.rmtree(one_dir, ignore_errors=True)
    shutil.rmtree(work_dir / f"duckdb-{items}-one-core", ignore_errors=True)
    return {
        "playlist_items": items,
        "cores": cores,
        "glue_job": {
            "one_core_seconds": one.job_seconds,
            "all_cores_seconds": all_cores["glue_job"]["job_seconds"],
            "speedup": one.job_seconds / all_cores["glue_job"]["job_seconds"],
        },
        "duckdb": {
            "one_core_seconds": duckdb_one_seconds,
            "all_cores_seconds": all_cores["duckdb"]["job_seconds"],
            "speedup": duckdb_one_seconds / all_cores["duckdb"]["job_seconds"],
        },
    }


def benchmark_transform(work_dir: Path, sizes: list[int], seed: int) -> dict[str, Any]:
    """Every size with every engine, then the scaling at the largest size; the generated runs are deleted."""
    cores = os.cpu_count() or 1
    by_size, runs = [], {}
    for items in sorted(sizes):
        runs[items] = generate_run(work_dir / f"raw-{items}", items, seed=seed)
        by_size.append(_measure_size(work_dir, runs[items], cores))
    scaling = _measure_scaling(work_dir, runs[max(sizes)], by_size[-1], cores)
    for items in sizes:
        shutil.rmtree(work_dir / f"raw-{items}", ignore_errors=True)
    return {"driver_memory": DRIVER_MEMORY, "sizes": by_size, "scaling": scaling}
