"""The whole CDK app: stack wiring, cdk-nag, cfn-lint, and what must never be in any template."""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sqs as sqs
from cfnlint.api import ManualArgs, lint
from stack_templates import Synthesized, as_list

from config import load_config
from local.fake_spotify.auth import TokenService
from stacks import app as cdk_app
from stacks import bundling
from stacks.context import cdk_json_context, check_wiring, deployment_choices

REPO_ROOT = Path(__file__).resolve().parents[2]

# Actions that have no resource-level permissions in IAM: `Resource: "*"` is the only form they accept.
# (X-Ray tracing, CloudWatch metrics with a namespace condition, Step Functions' log delivery.)
UNSCOPABLE_ACTIONS = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "cloudwatch:PutMetricData",
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}
# cfn-lint warnings about CDK's own output that change nothing in a deployment:
# W3005: CDK adds an explicit DependsOn on a role that a GetAtt already implies.
CFN_LINT_IGNORED = ["W3005"]
# The region of the `wired` deployment and the one an environment-agnostic template is most often deployed to.
CFN_LINT_REGIONS = ["eu-west-1", "us-east-1"]


def policy_statements(templates: dict[str, dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every statement of every identity policy, resource policy and inline role policy, with where it is."""
    found = []
    for stack_name, template in templates.items():
        for logical_id, resource in template["Resources"].items():
            properties = resource.get("Properties", {})
            for key in ("PolicyDocument", "KeyPolicy"):
                if key in properties:
                    for statement in properties[key]["Statement"]:
                        found.append((stack_name, f"{resource['Type']} {logical_id}", statement))
    return found


def test_a_wired_environment_deploys_six_stacks_in_pipeline_order(wired: Synthesized) -> None:
    pipeline = wired.pipeline
    assert [stack.stack_name for stack in (pipeline.storage, pipeline.alerts)] == [
        "spotify-pipeline-dev-storage",
        "spotify-pipeline-dev-alerts",
    ]
    # Each stage deploys after what it uses; monitoring comes last because it watches everything.
    assert set(pipeline.ingest.dependencies) == {pipeline.storage}
    # The transform no longer publishes alerts itself: its failure event does, from the monitoring stack.
    assert set(pipeline.transform.dependencies) == {pipeline.storage}
    assert set(pipeline.warehouse.dependencies) == {pipeline.storage, pipeline.alerts}
    assert set(pipeline.monitoring.dependencies) == {
        pipeline.storage,
        pipeline.alerts,
        pipeline.ingest,
        pipeline.transform,
        pipeline.warehouse,
        pipeline.history_import,
    }
    # The six stages and the history import's stack.
    assert set(pipeline.history_import.dependencies) == {pipeline.storage}
    assert len(wired.templates()) == 7


def test_cdk_nag_reports_no_unacknowledged_finding(deployment: Synthesized) -> None:
    # The fixture's synthesis ran AwsSolutionsChecks (it raises on a finding); its report is empty.
    report = json.loads((deployment.outdir / "validation-report.json").read_text(encoding="utf-8"))
    assert report["pluginReports"] == []


def test_every_acknowledged_finding_carries_a_specific_reason(deployment: Synthesized) -> None:
    app = deployment.pipeline.storage.node.root
    acknowledgements = {
        finding: reason
        for construct in app.node.find_all()
        for entry in construct.node.metadata
        if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for finding, reason in entry.data.items()
    }
    assert acknowledgements
    for finding, reason in acknowledgements.items():
        assert len(reason) >= 40, f"{finding}: give a reason a reviewer can check"
        # A wildcard acknowledgement names one wildcard, never the whole rule.
        if "IAM5" in finding:
            assert "[" in finding, finding


def test_a_new_unacknowledged_finding_fails_synthesis(tmp_path: Path) -> None:
    # Given the pipeline plus a queue without the DLQ or TLS policy cdk-nag asks for
    context = cdk_json_context()
    context["aws:cdk:bundling-stacks"] = []
    app = cdk.App(context=context, outdir=str(tmp_path))
    pipeline = cdk_app.build_pipeline(app, load_config("prod"))
    sqs.Queue(pipeline.monitoring, "UncheckedQueue")
    # When the app is synthesized, Then cdk-nag fails it
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text(encoding="utf-8"))
    rules = {violation["ruleName"] for plugin in report["pluginReports"] for violation in plugin["violations"]}
    assert {"AwsSolutions-SQS3", "AwsSolutions-SQS4"} <= rules


def test_every_template_passes_cfn_lint(deployment: Synthesized) -> None:
    templates = sorted(deployment.outdir.glob("*.template.json"))
    # Seven stacks when wired to Snowflake (the history import's included); without it there is no warehouse stack.
    assert len(templates) == (7 if deployment.snowflake_enabled else 6)
    settings = ManualArgs(ignore_checks=CFN_LINT_IGNORED, regions=CFN_LINT_REGIONS)
    for template in templates:
        matches = lint(template.read_text(encoding="utf-8"), config=settings)
        assert [f"{m.rule.id} {m.message}" for m in matches] == [], template.name


def test_no_template_holds_a_secret_value(deployment: Synthesized) -> None:
    # The credentials a developer's checkout holds: the local runtime's fake Spotify app (derived from its seed).
    # Access tokens exist only while a run works, after synthesis.
    fake_app = TokenService(load_config("local").local.fake_spotify_seed, ttl_seconds=3600, rotate_refresh_token=False)
    for stack_name, template in deployment.templates().items():
        text = json.dumps(template)
        assert "-----BEGIN" not in text, stack_name
        assert fake_app.client_secret not in text and fake_app.refresh_token not in text, stack_name
        for logical_id, resource in template["Resources"].items():
            properties = resource.get("Properties", {})
            assert "SecretString" not in properties, f"{stack_name} {logical_id}"
            assert "GenerateSecretString" not in properties, f"{stack_name} {logical_id}"
            variables = properties.get("Environment", {}).get("Variables", {})
            for name, value in variables.items():
                if "SECRET" in name or "TOKEN" in name:
                    # Only references to Secrets Manager secrets, never a value.
                    assert isinstance(value, dict) and "Ref" in value, f"{stack_name} {name}"


def test_no_policy_allows_every_action_of_a_service(deployment: Synthesized) -> None:
    for stack_name, where, statement in policy_statements(deployment.templates()):
        if where.startswith("AWS::KMS::Key") or statement["Effect"] == "Deny":
            continue  # a key policy's kms:* for the account root is how KMS delegates to IAM; TLS denies are broad
        for action in as_list(statement.get("Action", [])):
            assert action != "*" and not re.fullmatch(r"[a-z0-9-]+:\*", action), f"{stack_name} {where}: {action}"


def test_resource_star_is_only_used_for_actions_that_cannot_be_scoped(deployment: Synthesized) -> None:
    for stack_name, where, statement in policy_statements(deployment.templates()):
        if where.startswith("AWS::KMS::Key") or statement["Effect"] == "Deny":
            continue  # in a key policy, "*" means this key; denies may be broad
        if "*" in as_list(statement.get("Resource", [])):
            assert set(as_list(statement["Action"])) <= UNSCOPABLE_ACTIONS, f"{stack_name} {where}: {statement}"


def test_no_resource_policy_allows_everyone(deployment: Synthesized) -> None:
    for stack_name, where, statement in policy_statements(deployment.templates()):
        if statement["Effect"] == "Allow":
            assert statement.get("Principal") not in ("*", {"AWS": "*"}), f"{stack_name} {where}"


def test_an_environment_agnostic_synth_names_no_account_and_no_region(aws_only: Synthesized) -> None:
    for stack_name, template in aws_only.templates().items():
        text = json.dumps(template)
        assert not re.search(r"\b\d{12}\b", text), stack_name
        assert not re.search(r"\b(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d\b", text), stack_name


def test_an_unknown_environment_stops_with_one_line_naming_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert cdk_app.main(context={"env": "staging"}) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "'staging'" in error and "dev" in error and "prod" in error


def test_a_bundling_failure_stops_with_one_line_saying_what_to_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a package index that cannot serve the pinned wheels
    def unreachable_index(*_args: Any, **_kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess([], 1, "", "ERROR: No matching distribution found for spotipy==2.26.0")

    monkeypatch.setattr(bundling.subprocess, "run", unreachable_index)
    monkeypatch.setattr(bundling._LocalPythonBundling, "failures", [])
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path))
    # When the app bundles the extraction Lambda
    assert cdk_app.main(context={"env": "dev"}) == 2
    # Then one line names pip's complaint and the next step (after CDK's own "Bundling asset ..." line)
    error = capsys.readouterr().err
    assert "Traceback" not in error
    (line,) = [line for line in error.splitlines() if line.startswith("error:")]
    assert "No matching distribution found for spotipy==2.26.0" in line
    assert "package index is reachable" in line


def test_running_app_py_synthesizes_the_pipeline_like_make_synth(tmp_path: Path) -> None:
    # `make synth` runs `.venv/bin/python app.py`; the CLI passes context through CDK_CONTEXT_JSON.
    environment = {
        **os.environ,
        "CDK_OUTDIR": str(tmp_path),
        "CDK_CONTEXT_JSON": json.dumps({"env": "prod", "aws:cdk:bundling-stacks": []}),
    }
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # prod is not wired to Snowflake in config/pipeline.toml: six stacks (five stages and the history import), and
    # the storage stack says what to do.
    assert len(list(tmp_path.glob("spotify-pipeline-prod-*.template.json"))) == 6
    storage = json.loads((tmp_path / "spotify-pipeline-prod-storage.template.json").read_text(encoding="utf-8"))
    assert storage["Outputs"]["SnowflakeStatus"]["Value"].startswith("Snowflake is not wired")


def test_the_shape_of_a_deployment_follows_its_configured_wiring_only() -> None:
    # No argument of build_pipeline can leave out a configured part (there used to be a snowflake switch).
    assert list(inspect.signature(cdk_app.build_pipeline).parameters) == ["app", "config", "environment"]
    assert load_config("dev").snowflake.wired is True
    assert load_config("prod").snowflake.wired is False


@pytest.mark.parametrize(("env", "flag"), [("dev", "false"), ("prod", "true")])
def test_a_snowflake_flag_that_disagrees_with_the_config_fails_the_synth_with_one_line(
    env: str, flag: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given `-c env=dev -c snowflake=false` (the old way to deploy without Snowflake, which unwired dev)
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path))
    # When the app synthesizes, Then it stops before writing any template, with one line
    assert cdk_app.main(context={"env": env, "snowflake": flag}) == 2
    assert list(tmp_path.glob("*.template.json")) == []
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert f"-c snowflake={flag} disagrees" in line
    assert f"[snowflake] wired = {'true' if flag == 'false' else 'false'}" in line
    assert "drop the -c snowflake flag" in line


def test_a_snowflake_flag_that_agrees_with_the_config_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    choices = deployment_choices(cdk.App(context={"env": "dev", "snowflake": "true"}))
    check_wiring(choices, load_config("dev"))


def test_cross_stack_references_are_strong(deployment: Synthesized) -> None:
    # A weak reference (Fn::GetStackOutput) lets a producer drop what a consumer still uses, and a failed update
    # can then end in UPDATE_ROLLBACK_FAILED; exports make CloudFormation refuse such an update up front.
    assert cdk_json_context()["@aws-cdk/core:defaultCrossStackReferences"] == "strong"
    templates = deployment.templates()
    text = json.dumps(templates)
    assert "Fn::GetStackOutput" not in text
    assert "Fn::ImportValue" in text
