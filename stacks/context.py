"""The deployment's choices, read from CDK context (`-c key=value`) and the CDK environment.

    -c env=dev|prod       which [env.<name>] of config/pipeline.toml to deploy (default: dev)
    -c snowflake=true     optional, a check only: whether Snowflake is wired is the environment's
                          `[snowflake] wired` setting; a value that disagrees with it fails the synth

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

from config import CONFIG_FILE, ConfigError, PipelineConfig

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"
DEFAULT_ENV = "dev"
ENV_CONTEXT_KEY = "env"
SNOWFLAKE_CONTEXT_KEY = "snowflake"

_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0", "")


@dataclass(frozen=True)
class DeploymentChoices:
    env: str
    # What `-c snowflake=...` asserted, if given; the wiring itself comes from the configuration.
    snowflake_asserted: bool | None


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
    asserted = None
    if app.node.try_get_context(SNOWFLAKE_CONTEXT_KEY) is not None:
        asserted = context_flag(app, SNOWFLAKE_CONTEXT_KEY)
    return DeploymentChoices(env=env, snowflake_asserted=asserted)


def check_wiring(choices: DeploymentChoices, config: PipelineConfig) -> None:
    """Fail when `-c snowflake=...` disagrees with the environment's configured wiring (it never overrides it)."""
    wired = config.snowflake.wired
    if choices.snowflake_asserted is None or choices.snowflake_asserted == wired:
        return
    raise ConfigError(
        f"-c {SNOWFLAKE_CONTEXT_KEY}={str(choices.snowflake_asserted).lower()} disagrees with {CONFIG_FILE.name}, "
        f"where environment {config.env!r} has [snowflake] wired = {str(wired).lower()}; drop the -c "
        f"{SNOWFLAKE_CONTEXT_KEY} flag (the wiring is configuration), or change [env.{config.env}.snowflake] wired"
    )


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
