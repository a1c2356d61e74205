"""`python -m bench.profile`: where the Glue job's time and memory go, for when it misses a transform target.

    python -m bench.profile [--sizes 10000 200000] [--seed 42]

The Spark UI is off, so the profile reads what the UI would show from elsewhere. On generated development-mode
runs, at each size: the job step by step and table by table (`bench.spark_job --profile`: seconds to plan and to
run each table, the shuffles and size of its physical plan, the size of every cache, the writes) with Spark's
event log summed over every task (task time, CPU, garbage collection, spills, shuffle), and the tutorial-style job
with its event log for comparison. At the largest size also: the job with the experiment `--without-raw-copies`
(the JSON copy of each candidate's object replaced by an empty string) to measure what those copies cost, and the
plain job at the local default heap of 1g, to see whether it fits. Writes `bench/results/profile.json` and
`profile.md`; scratch data in `bench/results/tmp/profile/` is deleted after.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from bench.generate import DEFAULT_SEED, GeneratedRun, generate_run
from bench.machine import load_average
from bench.report import markdown_table
from bench.transform import DRIVER_MEMORY, BenchmarkFailed, run_spark_job

RESULTS_DIR = Path(__file__).resolve().parent / "results"
WORK_DIR = RESULTS_DIR / "tmp" / "profile"


def _profiled(job: str, run: GeneratedRun, label: str, *extra: str) -> dict[str, Any]:
    return run_spark_job(job, run, WORK_DIR / "out", "local[*]", WORK_DIR / "logs", *extra, label=label)


def _default_heap(run: GeneratedRun) -> str:
    """Whether the plain job fits in the heap a local session gets by default."""
    try:
        plain = run_spark_job(
            "glue", run, WORK_DIR / "out", "local[*]", WORK_DIR / "logs", "--driver-memory", "1g", label="default-heap"
        )
    except BenchmarkFailed:
        log = next((WORK_DIR / "logs").glob("*-default-heap.log")).read_text(encoding="utf-8", errors="replace")
        return "failed: java.lang.OutOfMemoryError" if "OutOfMemoryError" in log else "failed (see its Spark log)"
    return f"ran in {plain['job_seconds']:.1f}s"


def profile_size(items: int, seed: int, largest: bool) -> dict[str, Any]:
    run = generate_run(WORK_DIR / f"raw-{items}", items, seed=seed)
    print(f"profiling at {run.playlist_items:,} items ...", flush=True)
    result: dict[str, Any] = {
        "playlist_items": run.playlist_items,
        "raw_mb": round(run.raw_bytes / 1e6, 1),
        "json_mb": round(run.json_bytes / 1e6, 1),
        "glue_job": _profiled("glue", run, "profile", "--profile"),
        "tutorial_job": _profiled("tutorial", run, "events"),
    }
    if largest:
        result["without_raw_copies"] = _profiled("glue", run, "without-raw-copies", "--profile", "--without-raw-copies")
        result["default_heap"] = _default_heap(run)
    shutil.rmtree(WORK_DIR / f"raw-{items}", ignore_errors=True)
    return result


def _executor_rows(runs: dict[str, dict[str, Any]]) -> list[list[str]]:
    rows = []
    for label, run in runs.items():
        executors = run["executors"]
        rows.append(
            [
                label,
                f"{run['job_seconds']:.1f}",
                f"{executors['jobs']} / {executors['stages']} / {executors['tasks']}",
                f"{executors['run_seconds']:.1f}",
                f"{executors['cpu_seconds']:.1f}",
                f"{executors['gc_seconds']:.1f}",
                f"{executors['deserialize_seconds']:.1f}",
                f"{executors['spilled_mb']:.0f}",
                f"{executors['shuffle_written_mb']:.0f}",
            ]
        )
    return rows


def _jvm_cpu_lines(runs: dict[str, dict[str, Any]]) -> list[str]:
    """Where each run's JVM spent its CPU, by thread (`bench.spark_job.jvm_cpu_seconds`; Linux only)."""
    measured = {label: run["jvm_cpu"] for label, run in runs.items() if run.get("jvm_cpu")}
    if not measured:
        return []
    groups = ("executor_tasks", "jit_compilers", "garbage_collection", "other")
    return [
        "The JVM's CPU seconds, by thread (the total counts every thread; the groups, the threads alive at the end:",
        "the JIT compilers compile Spark's own code and the classes it generates, `other` is mostly the driver):",
        "",
        *markdown_table(
            ["Run", "JVM CPU s", "Executor tasks", "JIT compilers", "Garbage collection", "Other"],
            [[label, f"{cpu['total']:.1f}", *(f"{cpu[g]:.1f}" for g in groups)] for label, cpu in measured.items()],
        ),
        "",
    ]


def _size_markdown(size: dict[str, Any]) -> list[str]:
    job = size["glue_job"]
    runs = {"Glue job": job, "Tutorial-style job": size["tutorial_job"]}
    lean = size.get("without_raw_copies")
    if lean:
        runs["Glue job without raw copies"] = lean
    lines = [
        f"## {size['playlist_items']:,} playlist items ({size['raw_mb']} MB gzip, {size['json_mb']} MB JSON)",
        "",
        "Spark's event log, summed over every task (task seconds: up to one per second per core):",
        "",
        *markdown_table(
            [
                "Run",
                "Job s",
                "Jobs / stages / tasks",
                "Task s",
                "CPU s",
                "GC s",
                "Deserialize s",
                "Spill MB",
                "Shuffle MB",
            ],
            _executor_rows(runs),
        ),
        "",
        *_jvm_cpu_lines(runs),
        "The Glue job step by step (`--profile`), and each result its build materializes, in order:",
        "",
    ]
    columns = ["Step or result", "Seconds"] + (["Without raw copies"] if lean else [])
    rows = []
    for part in ("steps", "materialized"):
        entries = job["profile"][part]
        named = entries.items() if part == "steps" else [(e["what"], e["seconds"]) for e in entries]
        others = lean["profile"][part] if lean else None
        for index, (name, seconds) in enumerate(named):
            row = [name if part == "steps" else f"- {name}", f"{seconds:.1f}"]
            if others is not None:
                other = others[name] if part == "steps" else others[index]["seconds"]
                row.append(f"{other:.1f}")
            rows.append(row)
    lines += [*markdown_table(columns, rows), ""]
    lines += [
        "Each table's physical plan (shuffles and size counted in its text) and candidate rows:",
        "",
        *markdown_table(
            ["Table", "Candidates", "Plan s", "Shuffles in plan", "Plan characters"],
            [
                [
                    name,
                    f"{table['candidates']:,}",
                    f"{table['plan_seconds']:.2f}",
                    str(table["shuffles"]),
                    f"{table['plan_chars']:,}",
                ]
                for name, table in job["profile"]["tables"].items()
            ],
        ),
        "",
    ]
    caches = job["profile"]["cached_mb"]
    lines.append(f"Caches: {len(caches)}, {sum(caches):,.0f} MB in all (largest {caches[:4]} MB)")
    if lean:
        lines[-1] += f"; without raw copies {sum(lean['profile']['cached_mb']):,.0f} MB."
        lines += ["", f"The plain job with the local default heap (1g): {size['default_heap']}."]
    return [*lines, ""]


def render_profile(profile: dict[str, Any]) -> str:
    lines = [
        "# Profile of the Glue job",
        "",
        f"`python -m bench.profile`, local[*], driver memory {DRIVER_MEMORY}; load average at the start "
        f"{profile['load_average_at_start']}, at the end {profile['load_average_at_end']}.",
        "",
    ]
    for size in profile["sizes"]:
        lines += _size_markdown(size)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 200_000], help="playlist items per run")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    profile: dict[str, Any] = {"load_average_at_start": load_average()}
    sizes = sorted(args.sizes)
    profile["sizes"] = [profile_size(items, args.seed, items == sizes[-1]) for items in sizes]
    profile["load_average_at_end"] = load_average()
    (RESULTS_DIR / "profile.json").write_text(json.dumps(profile, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    markdown = render_profile(profile)
    (RESULTS_DIR / "profile.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
