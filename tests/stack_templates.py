"""Synthesized pipelines and queries on their templates, shared by the stack tests and the secret scan of
tests/reliability (the `wired` and `aws_only` fixtures are in tests/conftest.py, so that both reuse one synthesis).

Two deployments cover the two shapes the app has:
- `wired`: `-c env=dev` (configured `[snowflake] wired = true`), a concrete account and region, an alarm email
  (Flex Glue job);
- `aws_only`: `-c env=prod` (not wired), environment-agnostic (standard Glue job with run queuing).

Asset bundling is skipped (`aws:cdk:bundling-stacks = []`): no pip, no network; asset hashes come from sources.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

from config import PipelineConfig
from stacks.app import Pipeline, build_pipeline
from stacks.context import cdk_json_context

# The `wired` deployment's environment and alarm email (conftest.py).
ACCOUNT = "111122223333"
REGION = "eu-west-1"
ALARM_EMAIL = "pipeline-ops@example.com"


@dataclass(frozen=True)
class Synthesized:
    config: PipelineConfig
    pipeline: Pipeline
    outdir: Path
    snowflake_enabled: bool

    def template(self, stack: cdk.Stack) -> Template:
        return Template.from_stack(stack)

    def templates(self) -> dict[str, dict[str, Any]]:
        """Every synthesized CloudFormation template, by stack name."""
        return {
            path.name.removesuffix(".template.json"): json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(self.outdir.glob("*.template.json"))
        }


def synthesize(outdir: Path, config: PipelineConfig, *, environment: cdk.Environment | None) -> Synthesized:
    context = cdk_json_context()
    context["aws:cdk:bundling-stacks"] = []
    app = cdk.App(context=context, outdir=str(outdir))
    pipeline = build_pipeline(app, config, environment=environment)
    app.synth()
    return Synthesized(config, pipeline, outdir, config.snowflake.wired)


def logical_id_of(construct: Any) -> str:
    """The logical id of a construct's CloudFormation resource (an L2 construct or the L1 itself)."""
    element = getattr(construct.node, "default_child", None) or construct
    stack = cdk.Stack.of(construct)
    return stack.resolve(stack.get_logical_id(element))


def ref(construct: Any) -> dict[str, str]:
    return {"Ref": logical_id_of(construct)}


def arn_of(construct: Any) -> dict[str, list[str]]:
    return {"Fn::GetAtt": [logical_id_of(construct), "Arn"]}


def producer_value(synthesized: Synthesized, value: Any) -> Any:
    """What a cross-stack reference (`Fn::ImportValue` of an export) points at in the producing stack's template."""
    if not (isinstance(value, dict) and "Fn::ImportValue" in value):
        return value
    export_name = value["Fn::ImportValue"]
    for template in synthesized.templates().values():
        for output in template.get("Outputs", {}).values():
            if output.get("Export", {}).get("Name") == export_name:
                return output["Value"]
    raise AssertionError(f"no stack exports {export_name}")


def only(resources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The one resource of a `find_resources` result (fails if there is not exactly one)."""
    assert len(resources) == 1, f"expected one resource, found {sorted(resources)}"
    return next(iter(resources.values()))


def statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """The statements of an AWS::IAM::Policy / ManagedPolicy resource."""
    return policy["Properties"]["PolicyDocument"]["Statement"]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def token_text(value: Any) -> str:
    """How a CloudFormation intrinsic reads inside a joined string once `joined` has flattened it."""
    return "@" + json.dumps(value, sort_keys=True).replace('"', "'") + "@"


def joined(value: Any) -> str:
    """An `Fn::Join` (e.g. a state machine definition) as one string, intrinsics written with `token_text`."""
    if isinstance(value, str):
        return value
    delimiter, parts = value["Fn::Join"]
    return delimiter.join(part if isinstance(part, str) else token_text(part) for part in parts)


def intrinsic_in(text: str) -> Any:
    """The intrinsic `token_text` wrote into a joined string, back as a value."""
    return json.loads(text.strip("@").replace("'", '"'))
