"""applier.custom_resource: the CDK provider-framework onEvent handler that applies the scripts on deploy, as
the deploy role an administrator created with snowflake_sql/bootstrap.sql, never as ACCOUNTADMIN.

Secrets Manager is moto; Snowflake is the fake connector, answering DESC/SHOW as Snowflake does and enforcing
ownership and the privileges each statement needs (tests/warehouse/conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from applier import load_migrations, pipe_channel_attribute
from applier.bootstrap import bootstrap_sql
from applier.custom_resource import handler
from applier.errors import CredentialsError, MigrationError
from contracts.model import LOADED_TABLES

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
    for table in LOADED_TABLES:
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
    from fake_snowflake import DEPLOY_PUBLIC_KEY, FakeSnowflake

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
    assert len(dynamic) == len(LOADED_TABLES) and all("TARGET_LAG = '30 minutes'" in s for s in dynamic)
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


def test_a_warehouse_deployed_as_accountadmin_is_handed_to_the_deploy_role_then_deploys_as_it(
    fake_snowflake, secret_arn, variables, monkeypatch, tmp_path, capsys
) -> None:
    from applier import apply_migrations
    from applier import statements as checker
    from applier.bootstrap import main as bootstrap_main

    # Given a warehouse the released V001-V008 built as ACCOUNTADMIN (V005 said REFRESH_MODE = AUTO, refused now)
    checked_modes = checker._REFRESH_MODES
    monkeypatch.setattr(checker, "_REFRESH_MODES", (*checked_modes, "AUTO"))
    released = load_migrations(Path(__file__).parent / "released_v008")
    apply_migrations(fake_snowflake.connect(), variables, released)
    monkeypatch.setattr(checker, "_REFRESH_MODES", checked_modes)
    # ... which the deploy role cannot change while ACCOUNTADMIN owns it
    with pytest.raises(MigrationError, match="Insufficient privileges"):
        handler(event("Update", secret_arn, variables, PhysicalResourceId="snowflake-warehouse-SPOTIFY"), None)

    # When the administrator runs the bootstrap's hand-over (--existing)
    key = tmp_path / "rsa_key.pub"
    key.write_text("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\nhkiG9w0B\n-----END PUBLIC KEY-----\n", encoding="utf-8")
    assert bootstrap_main(["--env", "dev", "--public-key-file", str(key), "--existing"]) == 0
    fake_snowflake.run_as_admin(capsys.readouterr().out)

    # Then the next deploy, as the deploy role, upgrades it, and every pipe runs again
    response = handler(event("Update", secret_arn, variables, PhysicalResourceId="snowflake-warehouse-SPOTIFY"), None)
    assert response["PhysicalResourceId"] == "snowflake-warehouse-SPOTIFY"
    assert [v for v, _, _ in fake_snowflake.history] == list(range(1, 12))
    assert fake_snowflake.paused == set()
    assert {k: v for k, v in fake_snowflake.owners.items() if k.startswith("PIPE ")} == {
        f"PIPE {name.upper()}": variables["DEPLOY_ROLE"] for name in fake_snowflake.pipes
    }


def test_the_bootstrap_command_refuses_a_private_key_with_what_to_pass(tmp_path, capsys) -> None:
    from applier.bootstrap import main as bootstrap_main

    key = tmp_path / "rsa_key.p8"
    key.write_text("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n", encoding="utf-8")

    assert bootstrap_main(["--env", "dev", "--public-key-file", str(key)]) == 1
    assert "not a PEM public key" in capsys.readouterr().err
