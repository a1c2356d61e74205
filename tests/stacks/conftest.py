"""Synthesized pipelines shared by every stack test: synthesis (with cdk-nag) is the slow part, done once each.

Two deployments cover the two shapes the app has:
- `wired`: `-c env=dev -c snowflake=true`, a concrete account and region, an alarm email (Flex Glue job);
- `aws_only`: `-c env=prod` without Snowflake, environment-agnostic (standard Glue job with run queuing).

Asset bundling is skipped (`aws:cdk:bundling-stacks = []`): no pip, no network; asset hashes come from sources.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest
from stack_templates import ACCOUNT, ALARM_EMAIL, REGION, Synthesized

from app import build_pipeline
from config import PipelineConfig, load_config
from stacks.context import cdk_json_context


def synthesize(
    outdir: Path, config: PipelineConfig, *, snowflake_enabled: bool, environment: cdk.Environment | None
) -> Synthesized:
    context = cdk_json_context()
    context["aws:cdk:bundling-stacks"] = []
    app = cdk.App(context=context, outdir=str(outdir))
    pipeline = build_pipeline(app, config, snowflake_enabled=snowflake_enabled, environment=environment)
    app.synth()
    return Synthesized(config, pipeline, outdir, snowflake_enabled)


@pytest.fixture(scope="session")
def wired(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    config = load_config("dev", overrides={"monitoring": {"alarm_email": ALARM_EMAIL}})
    environment = cdk.Environment(account=ACCOUNT, region=REGION)
    outdir = tmp_path_factory.mktemp("cdk-wired")
    return synthesize(outdir, config, snowflake_enabled=True, environment=environment)


@pytest.fixture(scope="session")
def aws_only(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    outdir = tmp_path_factory.mktemp("cdk-aws-only")
    return synthesize(outdir, load_config("prod"), snowflake_enabled=False, environment=None)


@pytest.fixture(scope="session", params=["wired", "aws_only"])
def deployment(request: pytest.FixtureRequest) -> Synthesized:
    """Both deployments, for what must hold in each."""
    return request.getfixturevalue(request.param)
