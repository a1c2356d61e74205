"""`make import-history FILE=path/to/my_spotify_data.zip`: a listener's history export imported on the emulators.

    python -m local.import_history FILE [--state-dir DIR] [--config FILE]

Wired as in AWS, and as `make run` wires a daily run: the file is uploaded under `imports/` of the raw bucket
(moto); the bucket's EventBridge notification, matched by the very rule pattern the stack deploys
(contracts.events.upload_created_pattern), invokes the history import handler in its own process with the
deployed environment; its manifest starts the transform on local Spark; the pipes load the model files into the
local warehouse. State persists in `.local/` with the daily runs', so `make run` afterwards continues from it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config import CONFIG_FILE, ConfigError, load_config
from contracts.raw_zone import IMPORTS_PREFIX
from history_import import service
from history_import.uploads import ENV_RAW_BUCKET
from local.glue_runner import JobRun
from local.pipeline import REPO_ROOT, ExtractFailed, LocalPipeline

# The function's timeout as the stack deploys it: Lambda's most.
IMPORT_TIMEOUT_SECONDS = 900


@dataclass
class ImportResult:
    imports: list[dict[str, Any]] = field(default_factory=list)  # each invocation's summary
    jobs: list[JobRun] = field(default_factory=list)
    loads: list[Any] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rows_loaded(self) -> int:
        return sum(getattr(load, "rows_loaded", 0) for load in self.loads)


def invoke_import(pipeline: LocalPipeline, event: dict[str, Any]) -> dict[str, Any]:
    """Run the history import handler in its own process, as Lambda does, with the deployed environment."""
    env = {
        **os.environ,
        **pipeline.aws.environment(),
        ENV_RAW_BUCKET: pipeline.raw_bucket,
        "POWERTOOLS_SERVICE_NAME": service.SERVICE,
        "POWERTOOLS_METRICS_NAMESPACE": service.NAMESPACE,
        "AWS_LAMBDA_FUNCTION_NAME": f"{pipeline.config.project}-{pipeline.config.env}-history-import",
    }
    outcome = pipeline.invoke_function(
        service.HANDLER,
        event,
        env,
        IMPORT_TIMEOUT_SECONDS,
        what="history import",
        log_line=f"history import {event['detail']['object']['key']}",
    )
    if not outcome["ok"]:
        raise ExtractFailed(f"the history import failed: {outcome['error']} (full log: {pipeline.log_file})")
    return outcome["result"]


def import_file(pipeline: LocalPipeline, path: Path) -> ImportResult:
    """Upload `path` under imports/, then run what its upload event starts: the import, the transform, the pipes."""
    assert pipeline.events is not None
    result = ImportResult()
    started = time.perf_counter()
    pipeline.aws.client("s3").upload_file(str(path), pipeline.raw_bucket, f"{IMPORTS_PREFIX}{path.name}")
    result.imports = [invoke_import(pipeline, event) for event in pipeline.events.uploads_created()]
    result.seconds["import"] = time.perf_counter() - started
    started = time.perf_counter()
    result.jobs = pipeline.run_transforms()
    result.seconds["transform"] = time.perf_counter() - started
    started = time.perf_counter()
    result.loads = pipeline.run_pipes()
    result.seconds["load"] = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make import-history", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="the export: my_spotify_data.zip or a Streaming_History_Audio_*.json")
    parser.add_argument("--state-dir", type=Path, help="where the emulators keep their state (default .local)")
    parser.add_argument("--config", type=Path, default=CONFIG_FILE, help="configuration file (default: the project's)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not args.file.is_file():
        print(f"error: {args.file} is not a file; give the export's path, e.g. FILE=~/Downloads/my_spotify_data.zip")
        return 2
    try:
        config = load_config("local", config_file=args.config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    state_dir = args.state_dir or REPO_ROOT / config.local.state_dir
    log_file = state_dir / "logs" / f"import-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.log"
    with LocalPipeline(config, state_dir, log_file, first_day=datetime.now(UTC).date()) as pipeline:
        try:
            result = import_file(pipeline, args.file)
        except ExtractFailed as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return _report(result, log_file)


def _report(result: ImportResult, log_file: Path) -> int:
    status = 0
    for summary in result.imports:
        if summary.get("status") == "imported":
            period = summary.get("history_import") or {}
            print(
                f"✓ import     {result.seconds['import']:5.1f}s  {summary['rows']} rows from "
                f"{period.get('files')} file(s), {period.get('first_ts')} to {period.get('last_ts')} "
                f"(run {summary['run_id']})"
            )
        elif summary.get("status") == "already_imported":
            print(f"✓ import     {summary['message']}")
        else:
            print(f"error: {summary.get('error')}", file=sys.stderr)
            status = 1
    if result.jobs:
        quarantined = sum(t.get("quarantined", 0) for job in result.jobs for t in job.report.get("tables", {}).values())
        print(
            f"✓ transform  {result.seconds['transform']:5.1f}s  {len(result.jobs)} job run(s), "
            f"{quarantined} quarantined"
        )
        print(f"✓ load       {result.seconds['load']:5.1f}s  {len(result.loads)} file(s), {result.rows_loaded} rows")
    print(f"logs: {log_file}")
    return status


if __name__ == "__main__":
    sys.exit(main())
