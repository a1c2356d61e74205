"""The end-to-end benchmark: one daily run of `make run` (default catalog) in a fresh state directory, by stage.

It drives `local.pipeline.LocalPipeline`, the very runtime `make run` drives: the emulators' set-up is timed
apart, then the day's stages (extract, transform, load) each with the pipeline's own timings. The processed
output of the day is checked for one file per table per partition. Then the next day runs on the warm Spark worker.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.transform import files_per_partition
from config import load_config

DAY = date(2026, 11, 24)


def measure_end_to_end(work_dir: Path, day: date = DAY) -> dict[str, Any]:
    from local.pipeline import LocalPipeline

    config = load_config("local")
    state_dir = work_dir / "end-to-end"
    started = time.perf_counter()
    with LocalPipeline(config, state_dir, state_dir / "logs" / "bench.log", first_day=day) as pipeline:
        setup_seconds = pipeline.startup_seconds
        result = pipeline.run_day(day)
        processed_dir = pipeline.aws.bucket_dir(pipeline.processed_bucket)
        files = files_per_partition(processed_dir)
        # The next day on the warm Spark worker: what each further day of `make run DAYS=n` waits for.
        next_day = pipeline.run_day(day + timedelta(days=1))
    stages = [{"stage": s.name, "seconds": s.seconds, "detail": s.detail} for s in result.stages]
    return {
        "day": day.isoformat(),
        "catalog_size": config.local.fake_spotify_size,
        "api_mode": config.extract.api_mode,
        "setup_seconds": setup_seconds,
        "stages": stages,
        "day_seconds": sum(s["seconds"] for s in stages),
        "wall_seconds": time.perf_counter() - started,
        "rows_loaded": result.rows_loaded,
        "files_per_partition": files,
        "next_day": {
            "day": (day + timedelta(days=1)).isoformat(),
            "job_seconds": sum(job.seconds for job in next_day.jobs),
            "transform_seconds": sum(s.seconds for s in next_day.stages if s.name == "transform"),
            "day_seconds": sum(s.seconds for s in next_day.stages),
        },
    }
