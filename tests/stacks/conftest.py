"""Fixtures of the stack tests. The synthesized deployments `wired` and `aws_only` (tests/stack_templates.py) are
session fixtures of tests/conftest.py, shared with the secret scan of tests/reliability: synthesis (with cdk-nag)
is the slow part, done once each."""

from __future__ import annotations

import pytest
from stack_templates import Synthesized


@pytest.fixture(scope="session", params=["wired", "aws_only"])
def deployment(request: pytest.FixtureRequest) -> Synthesized:
    """Both deployments, for what must hold in each."""
    return request.getfixturevalue(request.param)
