"""Which tests `make test` sends to the same pytest-xdist worker (tests/conftest.py's scheduler).

Tests that share an expensive session fixture run on one worker, so each fixture is still built once per run of
the suite: the local pipeline's runs on one warm Spark worker, the in-process SparkSession, the synthesized CDK app.
The scheduler sees only test ids, not fixtures, so the groups are paths; tests/test_worker_groups.py checks that
every test using one of the fixtures is in its group. (xdist's own `--dist loadgroup` marks are ignored under
pytest 9.)
"""

from __future__ import annotations

from collections.abc import Iterable

# Group name: the session fixtures it shares, and the test files (or folders) that use them. The first group whose
# fixtures a test uses is its group.
GROUPS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "local-pipeline": (
        frozenset({"daily_runs", "bad_day", "spark_jobs"}),
        (
            "tests/local/test_local_pipeline.py",
            "tests/reliability/test_fault_matrix.py",
            "tests/reliability/test_no_secret_leaks.py",
            "tests/local/test_play_reconciliation.py",
        ),
    ),
    "spark": (
        frozenset({"spark"}),
        ("tests/transform/", "tests/bench/test_generate.py", "tests/reliability/test_transform_fuzz.py"),
    ),
    "cdk-app": (frozenset({"wired", "aws_only", "synthesized"}), ("tests/stacks/", "tests/local/test_emulated_aws.py")),
}


def scope_of(nodeid: str) -> str:
    """The unit the scheduler hands to one worker: the test's group, or else its file."""
    path = nodeid.split("::", 1)[0]
    return next((name for name, (_, paths) in GROUPS.items() if path.startswith(paths)), path)


def group_needed(fixture_names: Iterable[str]) -> str | None:
    """The group a test belongs in by the session fixtures it uses, if any."""
    used = set(fixture_names)
    return next((name for name, (fixtures, _) in GROUPS.items() if used & fixtures), None)
