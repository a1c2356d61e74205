"""Runs the Glue job script on local Spark the way Glue would, with a staging shim around it.

Local Spark cannot read `s3://` here (hadoop-aws is not installable offline), so this shim, and never the job,
copies the manifest and the files it lists from emulated S3 into a folder that mirrors the raw bucket, runs
`glue_jobs/spotify_transform.py` with the arguments Glue passes (`--JOB_NAME`, `--manifest_uri`,
`--processed_uri`) in a warm Spark process (`local/spark_worker.py`), then puts the job's output into the
processed bucket, where each new `.parquet` object fires its pipe's notification. A rewritten partition replaces
the objects it had before, as Spark's overwrite of an S3 prefix does. A job that fails still leaves in the bucket
the datasets it finished, as a Glue job writing straight to S3 does, so their pipes load them before the retry.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from contracts.manifest import Manifest
from contracts.model import LOADED_TABLES, TABLES_BY_NAME
from contracts.processed_zone import (
    PAGES_QUARANTINE,
    model_partition_prefix,
    quarantine_partition_prefix,
    run_report_key,
)
from contracts.raw_zone import RunLocation
from local.aws import LocalAws
from transforms import ENTRY_SCRIPT

REPO_ROOT = Path(__file__).resolve().parents[1]


class TransformFailed(RuntimeError):
    """The job exited non-zero; the message carries its last error line and the log file."""


@dataclass
class JobRun:
    manifest_key: str
    run_id: str
    ingest_date: str
    seconds: float
    report: dict
    written_keys: list[str] = field(default_factory=list)
    replaced_keys: list[str] = field(default_factory=list)


def _last_error_line(log_file: Path) -> str:
    lines = [line.strip() for line in log_file.read_text(encoding="utf-8", errors="replace").splitlines()]
    for line in reversed(lines):
        if line and not line.startswith(("at ", "...", "File ")):
            return line[:300]
    return "no output"


class SparkJobRunner:
    """The warm Spark process: started on first use, one job run at a time, stopped with the runtime."""

    def __init__(self, log_file: Path, work_dir: Path) -> None:
        self.log_file = log_file
        self.work_dir = work_dir
        self._process: subprocess.Popen | None = None
        self._log: TextIO | None = None
        self.last_error: str | None = None  # why the last job run failed, in one line, when the worker said

    def start(self) -> subprocess.Popen:
        """Start the worker now (it warms up Spark while the extraction runs); idempotent."""
        if self._process is None or self._process.poll() is not None:
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_file.open("a", encoding="utf-8")
            self._process = subprocess.Popen(
                [sys.executable, "-m", "local.spark_worker"],
                stdin=subprocess.PIPE,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                cwd=REPO_ROOT,
                text=True,
            )
        return self._process

    def run(self, argv: list[str]) -> int:
        """Run the job with `argv` (script path first, as Glue calls it); its exit status."""
        process = self.start()
        self.work_dir.mkdir(parents=True, exist_ok=True)
        result = self.work_dir / "job-result.json"
        result.unlink(missing_ok=True)
        assert process.stdin is not None and self._log is not None
        self._log.write(f"\n=== {time.strftime('%H:%M:%S')} {' '.join(argv)}\n")
        self._log.flush()
        process.stdin.write(json.dumps({"argv": argv, "result": str(result)}) + "\n")
        process.stdin.flush()
        self.last_error = None
        while not result.exists():
            if process.poll() is not None:
                self.last_error = f"the Spark worker process ended (exit status {process.returncode})"
                return process.returncode or 1
            time.sleep(0.05)
        outcome = json.loads(result.read_text(encoding="utf-8"))
        self.last_error = outcome.get("error")
        return int(outcome["returncode"])

    def stop(self) -> None:
        if self._process is not None:
            if self._process.stdin:
                self._process.stdin.close()
            try:
                self._process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None


def run_transform_job(
    runner: SparkJobRunner,
    aws: LocalAws,
    raw_bucket: str,
    manifest_key: str,
    processed_bucket: str,
    work_dir: Path,
    job_name: str,
) -> JobRun:
    started = time.perf_counter()
    location = RunLocation.from_key(manifest_key)
    raw_mirror = work_dir / "raw"
    output_dir = work_dir / "processed" / location.run_id
    shutil.rmtree(output_dir, ignore_errors=True)
    output_dir.mkdir(parents=True)

    manifest_path = aws.download(raw_bucket, manifest_key, raw_mirror / manifest_key)
    manifest = Manifest.from_json(manifest_path.read_text(encoding="utf-8"), where=manifest_key)
    for listed in manifest.files:
        aws.download(raw_bucket, listed.key, raw_mirror / listed.key)

    argv = [
        str(ENTRY_SCRIPT),
        "--JOB_NAME",
        job_name,
        "--manifest_uri",
        str(manifest_path),
        "--processed_uri",
        str(output_dir),
    ]
    if runner.run(argv) != 0:
        _publish(aws, processed_bucket, output_dir, location, finished_only=True)
        reason = runner.last_error or _last_error_line(runner.log_file)
        raise TransformFailed(f"the transform of {manifest_key} failed: {reason} (full log: {runner.log_file})")

    written, replaced = _publish(aws, processed_bucket, output_dir, location)
    report_path = output_dir / run_report_key(location.ingest_date.isoformat(), location.run_id)
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
    return JobRun(
        manifest_key=manifest_key,
        run_id=location.run_id,
        ingest_date=location.ingest_date.isoformat(),
        seconds=time.perf_counter() - started,
        report=report,
        written_keys=written,
        replaced_keys=replaced,
    )


def _publish(
    aws: LocalAws, bucket: str, output_dir: Path, location: RunLocation, finished_only: bool = False
) -> tuple[list[str], list[str]]:
    """Put the job's files into the processed bucket; drop what an overwritten partition no longer holds.

    The job's files are its run's partitions (contracts/processed_zone.py) and its run report; `.crc` files are the
    local file system's checksums (Spark writing to S3 produces none). `finished_only` (a failed attempt): only the
    datasets it committed replace their partitions; Spark's `_temporary` staging of the datasets it was still
    writing never reaches S3.
    """
    s3 = aws.client("s3")
    # Every dataset the run may have written before, including those this attempt left empty.
    day, run_id = location.ingest_date.isoformat(), location.run_id
    partitions = [model_partition_prefix(t.name, day, run_id) for t in LOADED_TABLES] + [
        quarantine_partition_prefix(name, day, run_id) for name in (*TABLES_BY_NAME, PAGES_QUARANTINE)
    ]
    outputs = (*partitions, run_report_key(day, run_id))
    files = sorted(
        path
        for path in output_dir.rglob("*")
        if path.is_file()
        and not path.name.endswith(".crc")
        and "_temporary" not in path.relative_to(output_dir).parts
        and path.relative_to(output_dir).as_posix().startswith(outputs)
    )
    written = [p.relative_to(output_dir).as_posix() for p in files]
    if finished_only:
        partitions = [prefix for prefix in partitions if any(key.startswith(prefix) for key in written)]
    kept = set(written)
    stale = [key for prefix in partitions for key in aws.iter_keys(bucket, prefix) if key not in kept]
    for key in stale:
        s3.delete_object(Bucket=bucket, Key=key)
    for path, key in zip(files, written, strict=True):
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
    return written, stale
