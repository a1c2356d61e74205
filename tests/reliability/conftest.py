"""Fixtures of the reliability tests: the bad day of the fault matrix, run once per session (it is slow) so the
matrix and the secret scan read the same run; and the hypothesis profiles of the fuzz tests."""

from __future__ import annotations

import os

import pytest
import worker_groups
from bad_day import BadDay, run_bad_day
from hypothesis import HealthCheck, Phase, settings

from local.glue_runner import SparkJobRunner


@pytest.fixture(scope="session")
def bad_day(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, spark_jobs: SparkJobRunner
) -> BadDay:
    worker_groups.sign_build(request)
    return run_bad_day(tmp_path_factory.mktemp("bad-day"), spark_jobs)


# Hypothesis profiles for the fuzz tests (each example is a whole job run, seconds of Spark): `ci`, the default in
# `make test`, runs the hand-picked edge cases and one generated run, the same ones every time, and reports a
# failure unshrunk; `long` (HYPOTHESIS_PROFILE=long) explores hundreds of random runs and shrinks what fails.
settings.register_profile(
    "ci",
    max_examples=1,
    deadline=None,
    derandomize=True,
    # A failing example is reported as found: shrinking it costs a job run per step.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
