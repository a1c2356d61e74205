"""`make bench`: every benchmark in one run, then `bench/results/latest.json` and `latest.md` (also printed).

    python -m bench [--sizes 10000 200000] [--catalogs 300 3000] [--seed 42] [--only PART] [--results NAME]

`--only capture` (or another part) runs that part alone and keeps the other parts' numbers of `latest.json`;
`--results large` writes `large.json` and `large.md` instead (`make bench-large`).

Scratch data lives in `bench/results/tmp/` and is deleted at the end. A part that fails is reported in the
results (and the exit status is 1), its logs stay in `bench/results/tmp/`, and the other parts still run.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.machine import describe_machine, load_average
from bench.report import evaluate_targets, render_markdown, write_results
from contracts.raw_zone import ApiMode

RESULTS_DIR = Path(__file__).resolve().parent / "results"
WORK_DIR = RESULTS_DIR / "tmp"
# The order of the extraction table's rows.
API_MODES = (ApiMode.EXTENDED, ApiMode.DEVELOPMENT)
PARTS = ("extraction", "capture", "musicbrainz", "end_to_end", "transform", "history_import")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 200_000], help="playlist items per transform run"
    )
    parser.add_argument("--catalogs", type=int, nargs="+", default=[300, 3_000], help="catalog tracks, extraction")
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated runs (default 42)")
    parser.add_argument("--only", choices=PARTS, help="run one part; the other parts' results stay as they were")
    parser.add_argument("--results", default="latest", help="results file name in bench/results/ (default latest)")
    return parser.parse_args(argv)


def _step(results: dict[str, Any], name: str, measure: Callable[[], Any]) -> None:
    """Run one part; a failure is recorded with its log rather than ending the benchmark."""
    print(f"- {name} ...", flush=True)
    started = time.perf_counter()
    try:
        results[name] = measure()
    except Exception as error:
        log = WORK_DIR / f"{name}-failure.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        results.setdefault("failures", []).append(f"{name}: {type(error).__name__}: {error} (traceback: {log})")
        print(f"  failed: {error}", flush=True)
        return
    print(f"  done in {time.perf_counter() - started:.0f}s", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    from bench.capture import measure_capture
    from bench.end_to_end import measure_end_to_end
    from bench.extraction import measure_extraction
    from bench.history_import import measure_history_import
    from bench.musicbrainz import measure_musicbrainz
    from bench.transform import benchmark_transform

    shutil.rmtree(WORK_DIR, ignore_errors=True)
    WORK_DIR.mkdir(parents=True)
    # The stages' own logs (the extraction's warnings, moto's request lines) go to a file; the output is results.
    logging.basicConfig(filename=WORK_DIR / "bench.log", level=logging.INFO, force=True)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    started = time.perf_counter()
    previous = RESULTS_DIR / f"{args.results}.json"
    results: dict[str, Any] = (
        json.loads(previous.read_text(encoding="utf-8")) if args.only and previous.exists() else {}
    )
    results.pop("failures", None)
    if not args.only:
        results["started_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    parts: dict[str, Callable[[], Any]] = {
        "extraction": lambda: [asdict(measure_extraction(mode, size)) for size in args.catalogs for mode in API_MODES],
        "capture": measure_capture,
        "musicbrainz": measure_musicbrainz,
        "end_to_end": lambda: measure_end_to_end(WORK_DIR),
        "transform": lambda: benchmark_transform(WORK_DIR, args.sizes, args.seed),
        "history_import": lambda: measure_history_import(WORK_DIR, seed=args.seed),
    }
    chosen = [args.only] if args.only else list(PARTS)
    print(f"Benchmarks (`make bench`): {', '.join(p.replace('_', ' ') for p in chosen)}", flush=True)
    if args.only:
        # The header keeps describing the full run; the part run alone says when and under what load.
        results.setdefault("remeasured", {})[args.only] = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "load_average_at_start": load_average(),
        }
    else:
        results["machine"] = describe_machine()
    for name in chosen:
        _step(results, name, parts[name])
    if not results.get("failures"):
        shutil.rmtree(WORK_DIR, ignore_errors=True)  # kept after a failure: its logs say what went wrong

    if not args.only:
        results["duration_seconds"] = time.perf_counter() - started
        results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        results["machine"]["load_average_at_end"] = load_average()
    results["targets"] = evaluate_targets(results)
    json_path, markdown_path = write_results(results, RESULTS_DIR, args.results)
    print()
    print(render_markdown(results))
    for failure in results.get("failures", []):
        print(f"failed: {failure}", file=sys.stderr)
    print(f"written: {json_path} and {markdown_path}")
    return 1 if results.get("failures") else 0


if __name__ == "__main__":
    sys.exit(main())
