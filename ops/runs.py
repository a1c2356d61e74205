"""What the pipeline did for each manifest: the manifests of a range of days in the raw bucket, the transform
executions started for each (matched by the manifest in their input), and the Glue runs (by `--manifest_uri`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from contracts.manifest import Manifest, ManifestError
from contracts.raw_zone import MANIFEST_NAME, RunLocation, ingest_date_prefix
from ops.deployment import Deployment, aws_reason
from ops.errors import OpsError


@dataclass(frozen=True)
class ManifestRun:
    """One manifest in the raw bucket: the run it closes and what it says about it."""

    location: RunLocation
    bucket: str
    status: str  # complete | partial | unreadable (the manifest does not parse)
    files: int
    written_at: datetime

    @property
    def key(self) -> str:
        return self.location.manifest_key

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True)
class Execution:
    arn: str
    name: str
    status: str  # RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED | PENDING_REDRIVE
    started_at: datetime
    manifest_uri: str | None


@dataclass(frozen=True)
class GlueRun:
    run_id: str
    state: str
    started_at: datetime
    manifest_uri: str | None
    error: str


def days_between(first: date, last: date) -> list[date]:
    if last < first:
        raise OpsError(f"--from {first} is after --to {last}; give the earlier day first")
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise OpsError(f"{option} {text!r} is not a day; write it as YYYY-MM-DD (e.g. 2026-12-01)") from None


def manifests_of(deployment: Deployment, days: list[date]) -> list[ManifestRun]:
    """Every manifest written on `days` (ingest dates), oldest run first."""
    s3 = deployment.client("s3")
    found = []
    for day in days:
        for item in list_objects(s3, deployment.raw_bucket, ingest_date_prefix(day)):
            if item["Key"].endswith("/" + MANIFEST_NAME):
                found.append(_read_manifest(s3, deployment.raw_bucket, item))
    return sorted(found, key=lambda run: (run.location.ingest_date, run.location.run_id))


def executions_since(deployment: Deployment, since: datetime) -> list[Execution]:
    """The transform executions started at or after `since`, newest first, each with the manifest it ran."""
    sfn = deployment.client("stepfunctions")
    executions = []
    try:
        for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=deployment.state_machine_arn):
            for summary in page["executions"]:
                if summary["startDate"] < since:
                    continue
                described = sfn.describe_execution(executionArn=summary["executionArn"])
                executions.append(
                    Execution(
                        arn=summary["executionArn"],
                        name=summary["name"],
                        status=described["status"],
                        started_at=summary["startDate"],
                        manifest_uri=manifest_uri_of_input(described.get("input")),
                    )
                )
    except ClientError as error:
        raise OpsError(f"cannot list the transform executions ({aws_reason(error)})") from None
    return sorted(executions, key=lambda execution: execution.started_at, reverse=True)


def glue_runs(deployment: Deployment) -> list[GlueRun]:
    """The transform job's runs Glue still lists, newest first."""
    glue = deployment.client("glue")
    runs = []
    try:
        for page in glue.get_paginator("get_job_runs").paginate(JobName=deployment.glue_job_name):
            for run in page["JobRuns"]:
                runs.append(
                    GlueRun(
                        run_id=run["Id"],
                        state=run["JobRunState"],
                        started_at=run["StartedOn"],
                        manifest_uri=(run.get("Arguments") or {}).get("--manifest_uri"),
                        error=run.get("ErrorMessage", ""),
                    )
                )
    except ClientError as error:
        raise OpsError(f"cannot list the Glue job's runs ({aws_reason(error)})") from None
    return sorted(runs, key=lambda run: run.started_at, reverse=True)


def manifest_uri_of_input(execution_input: str | None) -> str | None:
    """The manifest an execution ran: its input is the manifest's object-created event (or a replay of it)."""
    try:
        detail = json.loads(execution_input or "{}").get("detail", {})
        return f"s3://{detail['bucket']['name']}/{detail['object']['key']}"
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def list_objects(s3: Any, bucket: str, prefix: str) -> list[dict[str, Any]]:
    try:
        return [
            item
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
            for item in page.get("Contents", [])
        ]
    except ClientError as error:
        raise OpsError(f"cannot list s3://{bucket}/{prefix} ({aws_reason(error)})") from None


def _read_manifest(s3: Any, bucket: str, item: dict[str, Any]) -> ManifestRun:
    key = item["Key"]
    location = RunLocation.from_key(key)
    text = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
    try:
        manifest = Manifest.from_json(text, where=f"s3://{bucket}/{key}")
        status, files = manifest.status, len(manifest.files)
    except ManifestError:
        status, files = "unreadable", 0
    return ManifestRun(location=location, bucket=bucket, status=status, files=files, written_at=item["LastModified"])
