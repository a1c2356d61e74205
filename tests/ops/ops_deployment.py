"""The dev environment "deployed" on the moto server, as the ops tests see it (their fixture `deployed` in
tests/ops/conftest.py builds it), with helpers that write what the pipeline would have written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import boto3

from config import PipelineConfig
from contracts.manifest import STATUS_COMPLETE, Manifest
from contracts.raw_zone import RunLocation

MOTO_ACCOUNT = "123456789012"
MOTO_REGION = "us-east-1"  # tests/conftest.py sets AWS_DEFAULT_REGION to it
# What moto needs to create a state machine; the definition is the deployed one's shape (ops only reads inputs).
DEFINITION = {"StartAt": "LocateManifest", "States": {"LocateManifest": {"Type": "Pass", "End": True}}}


@dataclass(frozen=True)
class DeployedOnMoto:
    config: PipelineConfig
    raw_bucket: str
    processed_bucket: str
    state_machine_arn: str

    def write_manifest(self, ingest_date: str, run_id: str, status: str = STATUS_COMPLETE) -> str:
        location = RunLocation(date.fromisoformat(ingest_date), run_id)
        manifest = Manifest(
            run_id=run_id,
            ingest_date=ingest_date,
            started_at=f"{ingest_date}T06:15:00Z",
            finished_at=f"{ingest_date}T06:16:00Z",
            status=status,
            api_mode="development",
        )
        boto3.client("s3").put_object(Bucket=self.raw_bucket, Key=location.manifest_key, Body=manifest.to_json())
        return f"s3://{self.raw_bucket}/{location.manifest_key}"

    def executions(self) -> list[dict[str, Any]]:
        sfn = boto3.client("stepfunctions")
        summaries = sfn.list_executions(stateMachineArn=self.state_machine_arn)["executions"]
        return [sfn.describe_execution(executionArn=s["executionArn"]) for s in summaries]
