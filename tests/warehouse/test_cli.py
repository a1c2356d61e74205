"""applier.cli (`python -m applier`): manual runs print what AWS needs, and errors as one line."""

from __future__ import annotations

import json

import boto3
import pytest

from applier.cli import main

ARGUMENTS = [
    "--env",
    "dev",
    "--account",
    "123456789012",
    "--region",
    "us-east-1",
    "--error-topic-arn",
    "arn:aws:sns:us-east-1:123456789012:spotify-pipeline-dev-pipe-errors",
    "--error-role-arn",
    "arn:aws:iam::123456789012:role/spotify-pipeline-dev-pipe-errors",
]


@pytest.fixture
def snowflake_secret(aws) -> None:
    boto3.client("secretsmanager").create_secret(
        Name="spotify-pipeline/dev/snowflake",
        SecretString=json.dumps({"account": "myorg-myaccount", "user": "SPOTIFY_DEPLOY_SERVICE", "password": "p"}),
    )


def test_a_manual_run_applies_and_prints_the_values_for_aws(fake_snowflake, snowflake_secret, capsys) -> None:
    assert main(ARGUMENTS) == 0

    out = capsys.readouterr().out
    assert "applied: V009, V010, V011, R__10_landing_tables, R__20_pipes, R__30_checked_views" in out
    assert "StorageAwsExternalId" in out and "PipeChannelFactPlay " in out
    # The storage integration points at the role and bucket the stacks derive from the config.
    storage = next(s for s in fake_snowflake.statements if s.startswith("CREATE STORAGE INTEGRATION"))
    assert "arn:aws:iam::123456789012:role/spotify-pipeline-dev-snowflake-storage" in storage
    assert "s3://spotify-pipeline-dev-processed-123456789012-us-east-1/model/" in storage


def test_a_dry_run_changes_nothing(fake_snowflake, snowflake_secret, capsys) -> None:
    before = len(fake_snowflake.statements)  # the administrator's bootstrap

    assert main([*ARGUMENTS, "--dry-run"]) == 0

    assert "would apply: V009" in capsys.readouterr().out
    assert not [s for s in fake_snowflake.statements[before:] if s.startswith(("CREATE", "ALTER", "GRANT"))]


def test_a_missing_secret_is_one_line_not_a_traceback(aws, capsys) -> None:
    assert main(ARGUMENTS) == 1

    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        "error: secret 'spotify-pipeline/dev/snowflake' has no value; set it to "
        '{"account": "<orgname-account>", "user": "<user>", "private_key": "<PEM>"} with: '
        "aws secretsmanager create-secret --name spotify-pipeline/dev/snowflake --secret-string file://snowflake.json "
        "(put-secret-value --secret-id spotify-pipeline/dev/snowflake once it exists)"
    )
