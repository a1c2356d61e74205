"""Fixtures shared by every stage's tests. Stage-specific fixtures live in tests/<stage>/conftest.py."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import worker_groups

if TYPE_CHECKING:
    from daily_runs import DailyRuns
    from pyspark.sql import SparkSession
    from stack_templates import Synthesized

    from config import PipelineConfig
    from local.glue_runner import SparkJobRunner

# Tests never reach a real AWS account: fake credentials and a fixed region for every boto3 client,
# set before any test module creates one.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",  # not a secret: moto accepts anything
    AWS_SECURITY_TOKEN="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="us-east-1",
    JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
)
for _variable in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
    os.environ.pop(_variable, None)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """One moto server for the session, on a free loopback port: boto3 reaches it via AWS_ENDPOINT_URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point boto3 at the session's moto server, with every resource reset before the test."""
    import requests

    requests.post(f"{moto_endpoint}/moto-api/reset", timeout=10)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    yield moto_endpoint


@pytest.fixture(scope="session")
def spark(request: pytest.FixtureRequest) -> Iterator[SparkSession]:
    """One local SparkSession for every Spark test, built with the Glue job's own settings (UTC, micros ...):
    local[2], two shuffle partitions, no UI, quiet logs, a quick-start JVM."""
    from transforms.session import build_session

    worker_groups.sign_build(request)
    session = build_session("tests", shuffle_partitions=2, master="local[2]", short_lived=True)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_jobs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkJobRunner]:
    """One warm Spark worker for every local pipeline of the session: each would otherwise start its own JVM."""
    from local.glue_runner import SparkJobRunner

    worker_groups.sign_build(request)
    work = tmp_path_factory.mktemp("spark-jobs")
    runner = SparkJobRunner(work / "spark-worker.log", work)
    yield runner
    runner.stop()


@pytest.fixture(scope="session")
def daily_runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, spark_jobs: SparkJobRunner
) -> DailyRuns:
    """The fault-free daily runs of the local pipeline (tests/daily_runs.py), once per session."""
    from daily_runs import run_daily

    worker_groups.sign_build(request)
    return run_daily(tmp_path_factory.mktemp("daily-runs"), spark_jobs)


@pytest.fixture(scope="session")
def local_config() -> PipelineConfig:
    from config import load_config

    return load_config("local")


@pytest.fixture(scope="session")
def variables(local_config: PipelineConfig) -> dict[str, str]:
    """The SQL's variables as the local runtime renders them (for an example account)."""
    from local.warehouse import local_variables

    return local_variables(local_config, local_config.bucket_name("processed"), "123456789012", "us-east-1")


@pytest.fixture(scope="session")
def wired(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The pipeline as `-c env=dev` synthesizes it (Snowflake wired by its config), for a concrete account and
    region."""
    import aws_cdk as cdk
    from stack_templates import ACCOUNT, ALARM_EMAIL, REGION, synthesize

    from config import load_config

    worker_groups.sign_build(request)
    config = load_config("dev", overrides={"monitoring": {"alarm_email": ALARM_EMAIL}})
    environment = cdk.Environment(account=ACCOUNT, region=REGION)
    outdir = tmp_path_factory.mktemp("cdk-wired")
    assert config.snowflake.wired, "config/pipeline.toml: [env.dev.snowflake] wired is the wired shape"
    return synthesize(outdir, config, environment=environment)


@pytest.fixture(scope="session")
def aws_only(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The pipeline as `-c env=prod` synthesizes it (not wired to Snowflake by its config), environment-agnostic."""
    from stack_templates import synthesize

    from config import load_config

    worker_groups.sign_build(request)
    outdir = tmp_path_factory.mktemp("cdk-aws-only")
    config = load_config("prod")
    assert not config.snowflake.wired, "config/pipeline.toml: [env.prod] is the shape without Snowflake"
    return synthesize(outdir, config, environment=None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--test-order-seed",
        type=int,
        default=None,
        help="run the tests in an order shuffled by this seed (tests/stress.py uses it: no test may rely on order)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    seed = config.getoption("--test-order-seed")
    if seed is not None:
        random.Random(seed).shuffle(items)  # every xdist worker shuffles alike: their collections must match
    # The longest units first (each worker orders alike): the xdist scheduler below hands them out in this order.
    worker_groups.heaviest_first(items)


# -- one build of each shared session fixture per run (tests/worker_groups.py) ----------------------------------
def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        config.stash[worker_groups.GROUPS_DIR] = Path(tempfile.mkdtemp(prefix="pytest-worker-groups-"))


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and worker_groups.GROUPS_DIR in config.stash:
        shutil.rmtree(config.stash[worker_groups.GROUPS_DIR], ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    node.workerinput[worker_groups.WORKERINPUT_KEY] = str(node.config.stash[worker_groups.GROUPS_DIR])


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """On each xdist worker, before it reports its collection: every test's unit, for the controller's scheduler."""
    folder = worker_groups.groups_dir(session.config)
    if folder is not None and hasattr(session.config, "workerinput"):
        worker_groups.write_units(folder, session.items)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """`make test`'s two workers: the tests of one unit (tests/worker_groups.py) go to the same worker."""
    from xdist.scheduler import LoadScopeScheduling

    folder = config.stash[worker_groups.GROUPS_DIR]
    # Units go out in collection order (worker_groups.heaviest_first), not by their number of tests.
    config.option.loadscopereorder = False

    class SharedFixtureScheduling(LoadScopeScheduling):
        # Called only once every worker has collected (and so has written the unit map).
        _units: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._units is None:
                self._units = worker_groups.read_units(folder)
            return self._units.get(nodeid) or nodeid.split("::", 1)[0]

    return SharedFixtureScheduling(config, log)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller fails the run when a shared session fixture was built more than once."""
    folder = worker_groups.groups_dir(session.config)
    if folder is None or hasattr(session.config, "workerinput"):
        return
    twice = worker_groups.built_more_than_once(folder)
    if twice:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        for fixture, workers in twice.items():
            line = (
                f"ERROR: session fixture {fixture!r} was built {len(workers)} times (by {', '.join(workers)}): tests "
                "that use it ran on different workers; a test reaches it in a way tests/worker_groups.py cannot see "
                "(e.g. request.getfixturevalue): name it as the test's or its fixture's argument"
            )
            if reporter is not None:
                reporter.write_sep("=", "shared session fixtures", red=True)
                reporter.write_line(line, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
