"""`python -m ops preflight` (the first step of `make deploy`): each missing prerequisite in one line.

moto does not implement Lambda's GetAccountSettings, so the Lambda client answers through botocore's Stubber
with the documented response shape; CloudFormation and Secrets Manager are moto's."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from ops_deployment import DeployedOnMoto

from ops.__main__ import main
from ops.deployment import Deployment

SNOWFLAKE_SECRET = {"account": "org-acct", "user": "deployer", "password": "not-a-real-one"}


@pytest.fixture
def account_quota(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], None]]:
    """`account_quota(n)`: the Lambda concurrency quota GetAccountSettings reports."""
    quota: dict[str, int] = {}
    real_client = Deployment.client

    def client(self: Deployment, service: str) -> Any:
        made = real_client(self, service)
        if service != "lambda":
            return made
        stubber = Stubber(made)
        stubber.add_response(
            "get_account_settings",
            {
                "AccountLimit": {
                    "ConcurrentExecutions": quota["value"],
                    "UnreservedConcurrentExecutions": quota["value"],
                },
                "AccountUsage": {"FunctionCount": 0},
            },
        )
        stubber.activate()
        return made

    monkeypatch.setattr(Deployment, "client", client)
    yield lambda value: quota.update(value=value)


def bootstrap() -> None:
    boto3.client("cloudformation").create_stack(
        StackName="CDKToolkit",
        TemplateBody=json.dumps({"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}),
    )


def test_an_account_ready_for_a_wired_deploy_passes(
    aws: str, account_quota: Callable[[int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    account_quota(1000)
    bootstrap()
    boto3.client("secretsmanager").create_secret(
        Name="spotify-pipeline/dev/snowflake", SecretString=json.dumps(SNOWFLAKE_SECRET)
    )
    assert main(["preflight", "--env", "dev"]) == 0
    assert "ready to deploy dev (wired to Snowflake) to account 123456789012, us-east-1" in capsys.readouterr().out


def test_each_missing_prerequisite_is_one_line_with_its_fix(
    aws: str, account_quota: Callable[[int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a new account: quota 10, not bootstrapped, no Snowflake secret
    account_quota(10)
    assert main(["preflight", "--env", "dev"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("error: ") for line in lines)
    assert "quota is 10" in lines[0] and "at least 101" in lines[0]
    assert "npx aws-cdk@2 bootstrap aws://123456789012/us-east-1" in lines[1]
    assert "secret 'spotify-pipeline/dev/snowflake' has no value" in lines[2]
    assert "aws secretsmanager create-secret --name spotify-pipeline/dev/snowflake" in lines[2]


def test_a_quota_of_exactly_101_is_enough_and_100_is_not(
    aws: str, account_quota: Callable[[int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    bootstrap()
    account_quota(100)
    assert main(["preflight", "--env", "prod"]) == 2
    assert "quota is 100" in capsys.readouterr().err
    account_quota(101)
    # prod is not wired: no Snowflake secret needed
    assert main(["preflight", "--env", "prod"]) == 0
    assert "(not wired to Snowflake)" in capsys.readouterr().out


def test_an_empty_snowflake_secret_is_named(
    deployed: DeployedOnMoto, account_quota: Callable[[int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    account_quota(1000)
    bootstrap()
    boto3.client("secretsmanager").create_secret(Name="spotify-pipeline/dev/snowflake", SecretString="{}")
    assert main(["preflight", "--env", "dev"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "secret 'spotify-pipeline/dev/snowflake' has no 'account'" in line
