"""Fixtures of the ops tests: the dev environment "deployed" on the moto server (tests/ops/ops_deployment.py)."""

from __future__ import annotations

import json
from collections.abc import Callable

import boto3
import pytest
from ops_deployment import DEFINITION, MOTO_ACCOUNT, MOTO_REGION, DeployedOnMoto

from config import load_config
from stacks.names import resource_name


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
