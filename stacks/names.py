"""Physical names of what the stacks deploy, derived from the configuration in one place.

A name that another stage or the operator needs (bucket, secret, job, role) comes from `config`; the rest
(stacks, functions, topics) follow `<project>-<env>-<part>` so that two environments never collide.
"""

from __future__ import annotations

from config import PipelineConfig


def resource_name(config: PipelineConfig, part: str) -> str:
    """`spotify-pipeline-dev-<part>`: the prefix of every name the stacks choose themselves."""
    return f"{config.project}-{config.env}-{part}"


def stack_name(config: PipelineConfig, stage: str) -> str:
    return resource_name(config, stage)


def kebab_case(name: str) -> str:
    """`ExtractDeadLetters` -> `extract-dead-letters`: construct ids as parts of physical names."""
    return "".join(f"-{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))
