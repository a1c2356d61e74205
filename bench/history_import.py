"""The history import's throughput: the fake listener's 5-year export (dense: every day, the 300-track catalog)
imported by the import's own code into a raw bucket on moto (in process), as the Lambda does after its download.

    python -m bench --only history_import

Rows per second count every row of the export over the whole import: the first pass that checks every file and row,
and the second that writes the pages and the manifest. The ZIP's size and the peak memory of the process say what
the function's ephemeral storage and memory must hold.
"""

from __future__ import annotations

import resource
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from extract.raw_bucket import RawBucket
from history_import.run import STATUS_IMPORTED, import_history
from local.fake_spotify.catalog import Catalog
from local.fake_spotify.history_export import export_streams, history_days, write_export

LAST_DAY = date(2026, 11, 30)
YEARS = 5
RAW_BUCKET = "bench-history-import-raw"


def measure_history_import(work_dir: Path, catalog_size: int = 300, seed: int = 42) -> dict[str, Any]:
    catalog = Catalog(seed, catalog_size)
    first_day = LAST_DAY - timedelta(days=round(365.25 * YEARS) - 1)
    started = time.perf_counter()
    streams = export_streams(catalog, history_days(first_day, LAST_DAY))
    export = write_export(work_dir / "my_spotify_data.zip", catalog, streams)
    generate_seconds = time.perf_counter() - started
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=RAW_BUCKET)
        started = time.perf_counter()
        summary = import_history(RawBucket(RAW_BUCKET), export, "imports/my_spotify_data.zip")
        seconds = time.perf_counter() - started
    if summary["status"] != STATUS_IMPORTED:
        raise RuntimeError(f"the benchmark's import did not import: {summary}")
    return {
        "years": YEARS,
        "first_day": first_day.isoformat(),
        "last_day": LAST_DAY.isoformat(),
        "catalog_size": catalog_size,
        "rows": summary["rows"],
        "zip_mb": export.stat().st_size / 1e6,
        "pages": summary["pages"],
        "part_files": len(summary["files"]),
        "generate_seconds": generate_seconds,
        "import_seconds": seconds,
        "rows_per_second": summary["rows"] / seconds,
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
