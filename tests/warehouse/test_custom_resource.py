"""applier.custom_resource: the CDK provider-framework onEvent handler that applies the scripts on deploy, as
the deploy role an administrator created with snowflake_sql/bootstrap.sql, never as ACCOUNTADMIN.

Secrets Manager is moto; Snowflake is the fake connector, answering DESC/SHOW as Snowflake does and enforcing
ownership and the privileges each statement needs (tests/warehouse/conftest.py).
"""

from __future__ import annotations

import json

import boto3
import pytest

from applier import load_migrations, pipe_channel_attribute
from applier.bootstrap import bootstrap_sql
from applier.custom_resource import handler
from applier.errors import CredentialsError, MigrationError
from contracts.model import TABLES

DEPLOY_USER = "SPOTIFY_DEPLOY_SERVICE"
SECRET = json.dumps({"account": "myorg-myaccount", "user": DEPLOY_USER, "password": "p"})


def create_secret(text: str = SECRET) -> str:
    return boto3.client("secretsmanager").create_secret(Name="spotify-pipeline/dev/snowflake", SecretString=text)["ARN"]


@pytest.fixture
def secret_arn(aws) -> str:
    return create_secret()


def event(request: str, secret_arn: str, variables: dict[str, str], **extra: str) -> dict:
    return {
        "RequestType": request,
        "ResourceProperties": {"ServiceToken": "arn:aws:lambda:...", "SecretArn": secret_arn, "Variables": variables},
        **extra,
    }


def test_create_applies_every_script_as_the_deploy_role_and_returns_what_the_stack_wires(
    fake_snowflake, secret_arn, variables
):
    response = handler(event("Create", secret_arn, variables), None)

    assert response["PhysicalResourceId"] == "snowflake-warehouse-SPOTIFY"
    data = response["Data"]
    assert data["StorageAwsIamUserArn"] == "arn:aws:iam::210987654321:user/abc1-b-self1234"
    assert data["StorageAwsExternalId"] == "MYACCOUNT_SFCRole=2_a123456/s0aBCDEfGHIJklmNoPq="
    assert data["ErrorAwsIamUserArn"] == "arn:aws:iam::210987654321:user/c_myaccount"
    assert data["ErrorAwsExternalId"] == "MYACCOUNT_SFCRole=2_zyx987/tuVWxyz="
    for table in TABLES:
        assert data[pipe_channel_attribute(table.name)] == fake_snowflake.queue_arn
    scripts = load_migrations()
    assert [version for version, _, _ in fake_snowflake.history] == [m.version for m in scripts if not m.repeatable]
    assert [label for label, _ in fake_snowflake.repeatable_history] == [m.label for m in scripts if m.repeatable]
    # Connected as the deploy role, which now owns what it created, and no object belongs to ACCOUNTADMIN
    assert fake_snowflake.connect_arguments["role"] == variables["DEPLOY_ROLE"]
    created = {k: v for k, v in fake_snowflake.owners.items() if not k.startswith(("ROLE SPOTIFY_DEPLOYER", "USER"))}
    assert set(created.values()) == {variables["DEPLOY_ROLE"]}
    assert f"DATABASE {variables['DATABASE']}" in created and f"WAREHOUSE {variables['WAREHOUSE']}" in created


def test_the_bootstrap_grants_exactly_what_the_scripts_need(secret_arn, monkeypatch, local_config, variables) -> None:
    # Given an administrator who ran the bootstrap script without one of its grants
    import snowflake.connector
    from conftest import DEPLOY_PUBLIC_KEY, FakeSnowflake

    full = bootstrap_sql(variables, local_config.snowflake.deploy_user, DEPLOY_PUBLIC_KEY)
    grants = [line for line in full.splitlines() if line.startswith("GRANT CREATE")]
    assert len(grants) == 4  # database, warehouse, role, integration: each one needed, as below
    for missing in grants:
        account = FakeSnowflake()
        account.run_as_admin(full.replace(missing, ""))
        monkeypatch.setattr(snowflake.connector, "connect", account.connect)

        # When the stack deploys, Then the deploy stops at the statement that needed the grant, naming it
        with pytest.raises(MigrationError, match="Insufficient privileges.*" + missing.split()[1]):
            handler(event("Create", secret_arn, variables), None)


def test_the_bootstrap_creates_a_key_pair_service_user_with_the_deploy_role(fake_snowflake, local_config, variables):
    user = fake_snowflake.users[local_config.snowflake.deploy_user]

    assert (
        "TYPE = SERVICE" in user
        and "RSA_PUBLIC_KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAfakefakefake'" in user
    )
    assert "PASSWORD" not in user.upper()
    assert fake_snowflake.user_roles[local_config.snowflake.deploy_user] == {variables["DEPLOY_ROLE"]}
    # No MANAGE GRANTS: the role may create four kinds of object, nothing else on the account
    assert fake_snowflake.account_privileges[variables["DEPLOY_ROLE"]] == {
        "CREATE DATABASE",
        "CREATE WAREHOUSE",
        "CREATE ROLE",
        "CREATE INTEGRATION",
    }


def test_a_secret_naming_an_administrator_role_is_refused(fake_snowflake, aws, variables) -> None:
    arn = create_secret(json.dumps({"account": "a-b", "user": DEPLOY_USER, "password": "p", "role": "accountadmin"}))

    with pytest.raises(CredentialsError, match="never deploys as an administrator.*python -m applier.bootstrap"):
        handler(event("Create", arn, variables), None)
    assert fake_snowflake.statements[-1].startswith("GRANT ROLE")  # the bootstrap's last; the deploy ran nothing


def test_a_user_without_the_deploy_role_cannot_deploy(fake_snowflake, aws, variables) -> None:
    arn = create_secret(json.dumps({"account": "a-b", "user": "SOMEONE_ELSE", "password": "p"}))

    with pytest.raises(CredentialsError, match="cannot connect.*not granted to this user"):
        handler(event("Create", arn, variables), None)


def test_update_after_create_applies_nothing_and_returns_the_same_data(fake_snowflake, secret_arn, variables):
    created = handler(event("Create", secret_arn, variables), None)
    statements_after_create = len(fake_snowflake.statements)

    updated = handler(event("Update", secret_arn, variables, PhysicalResourceId=created["PhysicalResourceId"]), None)

    assert updated == created
    assert not [s for s in fake_snowflake.statements[statements_after_create:] if s.startswith(("CREATE", "ALTER"))]


def test_an_update_with_a_changed_setting_applies_it(fake_snowflake, secret_arn, variables) -> None:
    created = handler(event("Create", secret_arn, variables), None)
    statements_after_create = len(fake_snowflake.statements)

    changed = {**variables, "WAREHOUSE_SIZE": "SMALL", "TARGET_LAG": "30 minutes"}
    handler(event("Update", secret_arn, changed, PhysicalResourceId=created["PhysicalResourceId"]), None)

    run = fake_snowflake.statements[statements_after_create:]
    assert f"ALTER WAREHOUSE IF EXISTS {variables['WAREHOUSE']} SET WAREHOUSE_SIZE = 'SMALL'" in run
    dynamic = [s for s in run if s.startswith("CREATE OR REPLACE DYNAMIC TABLE")]
    assert len(dynamic) == len(TABLES) and all("TARGET_LAG = '30 minutes'" in s for s in dynamic)
    # The scripts before R__40 were not applied again: landing tables and pipes are untouched
    assert not [s for s in run if s.startswith(("CREATE PIPE", "CREATE TABLE", "ALTER TABLE", "ALTER PIPE"))]
    assert [label for label, _ in fake_snowflake.repeatable_history[-3:]] == [
        "R__40_final_tables",
        "R__50_reporting_views",
        "R__60_settings",
    ]


def test_delete_leaves_the_warehouse_alone(fake_snowflake) -> None:
    before = list(fake_snowflake.statements)
    response = handler({"RequestType": "Delete", "PhysicalResourceId": "snowflake-warehouse-SPOTIFY"}, None)

    assert response == {"PhysicalResourceId": "snowflake-warehouse-SPOTIFY"}
    assert fake_snowflake.statements == before


def test_missing_properties_fail_the_deployment_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="ResourceProperties.SecretArn is missing"):
        handler({"RequestType": "Create", "ResourceProperties": {"Variables": {"DATABASE": "X"}}}, None)
