"""`python -m ops status` against the moto server: one table of manifests, executions and Glue runs, a row for
each day without a manifest, and the freshness of each stage; and the one-line errors of every command."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from ops_deployment import DeployedOnMoto

from ops.__main__ import main
from ops.backfill import deployed_variables, pipes_of_migrations
from ops.deployment import locate
from ops.replay import replay_execution_input
from ops.status import status

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_status_shows_each_manifest_with_its_execution_and_glue_run_and_each_gap(deployed: DeployedOnMoto) -> None:
    # Given three days: a complete run that was transformed, a day with no manifest, and a partial run today
    done = deployed.write_manifest("2026-12-01", "20261201T061500Z-aaaaaaaa")
    deployed.write_manifest("2026-12-03", "20261203T061500Z-cccccccc", status="partial")
    boto3.client("stepfunctions").start_execution(
        stateMachineArn=deployed.state_machine_arn,
        name="from-the-event",
        input=json.dumps(replay_execution_input(done)),
    )
    boto3.client("glue").start_job_run(JobName=deployed.config.glue_job_name, Arguments={"--manifest_uri": done})
    deployment = locate("dev")
    # When the operator asks for the last three days (without the warehouse)
    report = status(deployment, 3, None, pipes_of_migrations(deployed_variables(deployment)), "--no-warehouse", NOW)
    rows = {(row[0], row[1]): row for row in report.rows}
    # Then each manifest has its execution and Glue run, and the day without one is a row of its own
    first = rows[("2026-12-01", "20261201T061500Z-aaaaaaaa")]
    assert first[2] == "complete (0 files)"
    assert first[3].startswith("RUNNING")
    assert first[4].split()[0] in ("STARTING", "RUNNING", "SUCCEEDED")
    assert first[5] == "n/a"
    assert rows[("2026-12-02", "-")][2] == "MISSING (no manifest)"
    today = rows[("2026-12-03", "20261203T061500Z-cccccccc")]
    assert (today[2], today[3], today[4]) == ("partial (0 files)", "none", "none")
    text = report.render()
    assert text.splitlines()[0].split() == ["day", "run", "manifest", "execution", "glue", "run", "loaded"]
    # and the freshness of each stage against the 26-hour window: no transform succeeded, so it is stale
    assert "freshness (window 26 h):" in text
    assert "last successful transform: none in the days shown - STALE" in text
    assert "last complete manifest: " in text
    assert "last loaded model file: not checked (--no-warehouse)" in text


def test_the_cli_prints_the_table(deployed: DeployedOnMoto, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--env", "dev", "--days", "2", "--no-warehouse"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("day ")
    assert out.count("MISSING (no manifest)") == 2


def test_missing_credentials_are_one_line(
    deployed: DeployedOnMoto, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert main(["status", "--env", "dev"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: no AWS credentials found; set AWS_PROFILE")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ("prod", "environment 'prod' is not deployed in account 123456789012, region us-east-1"),
        ("staging", "environment 'staging' is not in pipeline.toml; use one of"),
        ("local", "environment 'local' is the laptop runtime (make run)"),
    ],
)
@pytest.mark.parametrize(
    "command", [["status"], ["replay", "--from", "2026-12-01", "--to", "2026-12-01"], ["backfill"]]
)
def test_a_wrong_environment_is_one_line(
    deployed: DeployedOnMoto, capsys: pytest.CaptureFixture[str], env: str, message: str, command: list[str]
) -> None:
    assert main([command[0], "--env", env, *command[1:]]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: ") and message in line
