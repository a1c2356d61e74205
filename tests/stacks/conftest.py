"""Fixtures of the stack tests. The synthesized deployments `wired` and `aws_only` (tests/stack_templates.py) are
session fixtures of tests/conftest.py, shared with the secret scan of tests/reliability: synthesis (with cdk-nag)
is the slow part, done once each."""

from __future__ import annotations

import pytest
from stack_templates import Synthesized


@pytest.fixture(scope="session", params=["wired", "aws_only"])
def deployment(request: pytest.FixtureRequest, wired: Synthesized, aws_only: Synthesized) -> Synthesized:
    """Both deployments, for what must hold in each. (Named as arguments, not looked up by name: the worker groups
    see a test's fixtures by its arguments, tests/worker_groups.py.)"""
    return {"wired": wired, "aws_only": aws_only}[request.param]
