"""applier.custom_resource: the CDK provider-framework onEvent handler that applies the migrations on deploy.

Secrets Manager is moto; Snowflake is the fake connector, answering DESC/SHOW as Snowflake does.
"""

from __future__ import annotations

import json

import boto3
import pytest

from applier import load_migrations, pipe_channel_attribute
from applier.custom_resource import handler
from contracts.model import TABLES

SECRET = json.dumps({"account": "myorg-myaccount", "user": "PIPELINE", "password": "p", "role": "ACCOUNTADMIN"})


@pytest.fixture
def secret_arn(aws) -> str:
    return boto3.client("secretsmanager").create_secret(Name="spotify-pipeline/dev/snowflake", SecretString=SECRET)[
        "ARN"
    ]


def event(request: str, secret_arn: str, variables: dict[str, str], **extra: str) -> dict:
    return {
        "RequestType": request,
        "ResourceProperties": {"ServiceToken": "arn:aws:lambda:...", "SecretArn": secret_arn, "Variables": variables},
        **extra,
    }


def test_create_applies_every_migration_and_returns_what_the_stack_wires(fake_snowflake, secret_arn, variables):
    response = handler(event("Create", secret_arn, variables), None)

    assert response["PhysicalResourceId"] == "snowflake-warehouse-SPOTIFY"
    data = response["Data"]
    assert data["StorageAwsIamUserArn"] == "arn:aws:iam::210987654321:user/abc1-b-self1234"
    assert data["StorageAwsExternalId"] == "MYACCOUNT_SFCRole=2_a123456/s0aBCDEfGHIJklmNoPq="
    assert data["ErrorAwsIamUserArn"] == "arn:aws:iam::210987654321:user/c_myaccount"
    assert data["ErrorAwsExternalId"] == "MYACCOUNT_SFCRole=2_zyx987/tuVWxyz="
    for table in TABLES:
        assert data[pipe_channel_attribute(table.name)] == fake_snowflake.queue_arn
    assert [version for version, _, _ in fake_snowflake.history] == [m.version for m in load_migrations()]
    assert fake_snowflake.connect_arguments["role"] == "ACCOUNTADMIN"


def test_update_after_create_applies_nothing_and_returns_the_same_data(fake_snowflake, secret_arn, variables):
    created = handler(event("Create", secret_arn, variables), None)
    statements_after_create = len(fake_snowflake.statements)

    updated = handler(event("Update", secret_arn, variables, PhysicalResourceId=created["PhysicalResourceId"]), None)

    assert updated == created
    assert not [s for s in fake_snowflake.statements[statements_after_create:] if s.startswith("CREATE")]


def test_delete_leaves_the_warehouse_alone(fake_snowflake) -> None:
    response = handler({"RequestType": "Delete", "PhysicalResourceId": "snowflake-warehouse-SPOTIFY"}, None)

    assert response == {"PhysicalResourceId": "snowflake-warehouse-SPOTIFY"}
    assert fake_snowflake.statements == []


def test_missing_properties_fail_the_deployment_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="ResourceProperties.SecretArn is missing"):
        handler({"RequestType": "Create", "ResourceProperties": {"Variables": {"DATABASE": "X"}}}, None)
