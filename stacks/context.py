"""The deployment's choices, read from CDK context (`-c key=value`) and the CDK environment.

    -c env=dev|prod       which [env.<name>] of config/pipeline.toml to deploy (default: dev)
    -c snowflake=true     wire Snowflake (the Snowflake secret must hold its credentials first)

Account and region come from the CDK environment (`CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION`, set by the
CLI from the AWS profile); without them the stacks are environment-agnostic. Nothing here calls AWS.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import App, Environment

from config import ConfigError

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"
DEFAULT_ENV = "dev"
ENV_CONTEXT_KEY = "env"
SNOWFLAKE_CONTEXT_KEY = "snowflake"

_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0", "")


@dataclass(frozen=True)
class DeploymentChoices:
    env: str
    snowflake_enabled: bool


def cdk_json_context(cdk_json: Path = CDK_JSON) -> dict[str, Any]:
    """The `context` of cdk.json (feature flags): the CLI passes it itself, `python app.py` needs it read."""
    try:
        return dict(json.loads(cdk_json.read_text(encoding="utf-8")).get("context", {}))
    except FileNotFoundError:
        raise ConfigError(f"{cdk_json} is missing; restore it from git") from None
    except json.JSONDecodeError as error:
        raise ConfigError(f"{cdk_json.name} is not valid JSON ({error}); fix the line it names") from None


def deployment_choices(app: App) -> DeploymentChoices:
    env = app.node.try_get_context(ENV_CONTEXT_KEY) or DEFAULT_ENV
    if not isinstance(env, str):
        raise ConfigError(f"context {ENV_CONTEXT_KEY}={env!r} is not an environment name; use -c env=dev")
    return DeploymentChoices(env=env, snowflake_enabled=context_flag(app, SNOWFLAKE_CONTEXT_KEY))


def context_flag(app: App, key: str) -> bool:
    value = app.node.try_get_context(key)
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"context {key}={value!r} is not a yes/no value; use -c {key}=true or leave it out")


def deployment_environment(environ: Mapping[str, str] | None = None) -> Environment:
    env = os.environ if environ is None else environ
    return Environment(account=env.get("CDK_DEFAULT_ACCOUNT") or None, region=env.get("CDK_DEFAULT_REGION") or None)
