"""Runs the Glue job script on local Spark the way Glue would, with a staging shim around it.

Local Spark cannot read `s3://` here (hadoop-aws is not installable offline), so this shim, and never the job,
copies the manifest and the files it lists from emulated S3 into a folder that mirrors the raw bucket, runs
`glue_jobs/spotify_transform.py` with the arguments Glue passes (`--JOB_NAME`, `--manifest_uri`,
`--processed_uri`), then puts the job's output into the processed bucket, where each new `.parquet` object
fires its pipe's notification. A rewritten partition replaces the objects it had before, as Spark's overwrite
of an S3 prefix does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from contracts.manifest import Manifest
from contracts.processed_zone import MODEL_PREFIX, QUARANTINE_PREFIX, run_report_key
from contracts.raw_zone import RunLocation
from local.aws import LocalAws

REPO_ROOT = Path(__file__).resolve().parents[1]
JOB_SCRIPT = REPO_ROOT / "glue_jobs" / "spotify_transform.py"


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


def run_transform_job(
    aws: LocalAws,
    raw_bucket: str,
    manifest_key: str,
    processed_bucket: str,
    work_dir: Path,
    log_file: Path,
    job_name: str,
    extra_env: dict[str, str] | None = None,
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

    env = {
        **os.environ,
        **aws.environment(),
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "glue_jobs")]),
        "PYSPARK_PYTHON": sys.executable,
        **(extra_env or {}),
    }
    command = [
        sys.executable,
        str(JOB_SCRIPT),
        "--JOB_NAME",
        job_name,
        "--manifest_uri",
        str(manifest_path),
        "--processed_uri",
        str(output_dir),
    ]
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a", encoding="utf-8") as log:
        log.write(f"\n=== {time.strftime('%H:%M:%S')} {' '.join(command)}\n")
        log.flush()
        result = subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    if result.returncode != 0:
        raise TransformFailed(
            f"the transform of {manifest_key} failed: {_last_error_line(log_file)} (full log: {log_file})"
        )

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


def _publish(aws: LocalAws, bucket: str, output_dir: Path, location: RunLocation) -> tuple[list[str], list[str]]:
    """Put the job's files into the processed bucket; drop what an overwritten partition no longer holds.

    `.crc` files are the local file system's checksums; Spark writing to S3 produces none.
    """
    s3 = aws.client("s3")
    files = sorted(p for p in output_dir.rglob("*") if p.is_file() and not p.name.endswith(".crc"))
    written = [p.relative_to(output_dir).as_posix() for p in files]
    partition = f"snapshot_date={location.ingest_date.isoformat()}/run_id={location.run_id}/"
    partitions = {key.split(partition)[0] + partition for key in written if partition in key}
    stale = [
        key
        for prefix in sorted(partitions)
        if prefix.startswith((MODEL_PREFIX + "/", QUARANTINE_PREFIX + "/"))
        for key in aws.iter_keys(bucket, prefix)
        if key not in set(written)
    ]
    for key in stale:
        s3.delete_object(Bucket=bucket, Key=key)
    for path, key in zip(files, written, strict=True):
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
    return written, stale
