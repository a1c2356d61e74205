"""Fixtures of the ops tests: the dev environment "deployed" on the moto server (its buckets, state machine and
Glue job, named as the stacks name them), and helpers that write what the pipeline would have written."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import boto3
import pytest

from config import PipelineConfig, load_config
from contracts.manifest import STATUS_COMPLETE, Manifest
from contracts.raw_zone import RunLocation
from stacks.names import resource_name

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


@pytest.fixture
def deployed(aws: str) -> DeployedOnMoto:
    """dev's names in moto's account and region, as `make deploy ENV=dev` would have created them."""
    config = load_config("dev")
    s3 = boto3.client("s3")
    raw, processed = (config.bucket_name(purpose, MOTO_ACCOUNT, MOTO_REGION) for purpose in ("raw", "processed"))
    for bucket in (raw, processed):
        s3.create_bucket(Bucket=bucket)
    iam = boto3.client("iam")
    role = iam.create_role(
        RoleName="transform-state-machine",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    machine = boto3.client("stepfunctions").create_state_machine(
        name=resource_name(config, "transform"), definition=json.dumps(DEFINITION), roleArn=role
    )["stateMachineArn"]
    boto3.client("glue").create_job(
        Name=config.glue_job_name, Role=role, Command={"Name": "glueetl", "ScriptLocation": "s3://x/job.py"}
    )
    return DeployedOnMoto(config, raw, processed, machine)


ManifestWriter = Callable[..., str]
