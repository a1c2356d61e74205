"""`python -m ops replay` against the moto server: a new execution per manifest of the days, with the input the
state machine reads (tests/stacks/test_transform_stack.py checks that input against the definition), and never
a second one for a manifest that is running or done."""

from __future__ import annotations

import json
from datetime import date

import boto3
import pytest
from ops_deployment import DeployedOnMoto

from ops.__main__ import main
from ops.deployment import locate
from ops.replay import replay


def test_replay_starts_one_execution_per_manifest_of_the_days_with_its_event_as_input(
    deployed: DeployedOnMoto, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given manifests on three days (two runs on the first), and one outside the range
    uris = [
        deployed.write_manifest("2026-12-01", "20261201T061500Z-aaaaaaaa"),
        deployed.write_manifest("2026-12-01", "20261201T091500Z-bbbbbbbb"),
        deployed.write_manifest("2026-12-02", "20261202T061500Z-cccccccc"),
    ]
    deployed.write_manifest("2026-12-03", "20261203T061500Z-dddddddd")
    # When the operator replays the first two days
    assert main(["replay", "--env", "dev", "--from", "2026-12-01", "--to", "2026-12-02"]) == 0
    # Then one execution per manifest of those days, each with its manifest's object-created event
    executions = deployed.executions()
    assert len(executions) == 3
    inputs = [json.loads(execution["input"])["detail"] for execution in executions]
    assert sorted(f"s3://{d['bucket']['name']}/{d['object']['key']}" for d in inputs) == uris
    assert all(
        execution["name"].startswith("replay-20261201T") or execution["name"].startswith("replay-20261202T")
        for execution in executions
    )
    assert "3 execution(s) started" in capsys.readouterr().out


def test_replaying_again_starts_nothing_for_a_running_manifest_and_reruns_a_stopped_one(
    deployed: DeployedOnMoto,
) -> None:
    deployed.write_manifest("2026-12-01", "20261201T061500Z-aaaaaaaa")
    deployed.write_manifest("2026-12-01", "20261201T091500Z-bbbbbbbb")
    deployment = locate("dev")
    day = date(2026, 12, 1)
    first = replay(deployment, day, day)
    assert [d.action for d in first] == ["started", "started"]
    # A second replay while both run: idempotent, nothing new
    second = replay(deployment, day, day)
    assert [d.action for d in second] == ["skip", "skip"]
    assert all(d.reason.startswith("running") for d in second)
    assert len(deployed.executions()) == 2
    # One of them ends without success (stopped: ABORTED), so the next replay runs that manifest again only
    boto3.client("stepfunctions").stop_execution(executionArn=first[0].execution_arn)
    third = replay(deployment, day, day)
    assert [d.action for d in third] == ["started", "skip"]
    assert third[0].manifest.uri == first[0].manifest.uri
    assert len(deployed.executions()) == 3


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "2026-12-05", "--to", "2026-12-05"], "no manifest in s3://"),
        (["--from", "2026-12-5x", "--to", "2026-12-06"], "--from '2026-12-5x' is not a day; write it as YYYY-MM-DD"),
        (["--from", "2026-12-06", "--to", "2026-12-01"], "--from 2026-12-06 is after --to 2026-12-01"),
    ],
)
def test_a_day_without_manifests_or_a_wrong_date_is_one_line(
    deployed: DeployedOnMoto, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(["replay", "--env", "dev", *arguments]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: ") and message in line
    assert deployed.executions() == []
