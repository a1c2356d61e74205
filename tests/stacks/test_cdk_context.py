"""The deployment's choices read from CDK context and the CDK environment (stacks/context.py)."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest

from config import ConfigError
from stacks.context import cdk_json_context, context_flag, deployment_choices, deployment_environment


def app_with(context: dict) -> cdk.App:
    return cdk.App(context=context)


def test_without_context_the_dev_environment_is_deployed_and_nothing_is_asserted_about_snowflake() -> None:
    choices = deployment_choices(app_with({}))
    assert (choices.env, choices.snowflake_asserted) == ("dev", None)


def test_the_cli_context_selects_the_environment_and_may_assert_the_wiring() -> None:
    # Given `-c env=prod -c snowflake=true` (the CLI passes context values as strings)
    choices = deployment_choices(app_with({"env": "prod", "snowflake": "true"}))
    assert (choices.env, choices.snowflake_asserted) == ("prod", True)


@pytest.mark.parametrize(
    ("value", "expected"), [(True, True), ("yes", True), ("1", True), ("false", False), ("", False)]
)
def test_the_snowflake_switch_accepts_the_usual_yes_no_spellings(value: object, expected: bool) -> None:
    assert context_flag(app_with({"snowflake": value}), "snowflake") is expected


def test_a_misspelled_switch_value_is_refused_with_the_accepted_form() -> None:
    with pytest.raises(ConfigError, match=r"snowflake='ture'.*-c snowflake=true"):
        context_flag(app_with({"snowflake": "ture"}), "snowflake")


def test_account_and_region_come_from_the_cdk_environment_variables() -> None:
    environment = deployment_environment({"CDK_DEFAULT_ACCOUNT": "111122223333", "CDK_DEFAULT_REGION": "eu-west-1"})
    assert (environment.account, environment.region) == ("111122223333", "eu-west-1")


def test_without_cdk_environment_variables_the_stacks_are_environment_agnostic() -> None:
    environment = deployment_environment({})
    assert (environment.account, environment.region) == (None, None)


def test_cdk_json_feature_flags_are_read_for_a_direct_python_app_py() -> None:
    # `python app.py` (make synth) has no CLI to pass cdk.json's context, so the app reads it itself.
    flags = cdk_json_context()
    assert flags["@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"] is True
    assert flags["@aws-cdk/aws-iam:minimizePolicies"] is True


def test_a_broken_cdk_json_is_reported_with_the_file_name(tmp_path: Path) -> None:
    broken = tmp_path / "cdk.json"
    broken.write_text('{"app": ', encoding="utf-8")
    with pytest.raises(ConfigError, match="cdk.json is not valid JSON"):
        cdk_json_context(broken)
