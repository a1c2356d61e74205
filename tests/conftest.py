"""Fixtures shared by every stage's tests. Stage-specific fixtures live in tests/<stage>/conftest.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

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
def spark() -> Iterator[SparkSession]:
    """One local SparkSession for every Spark test, built with the Glue job's own settings (UTC, micros ...):
    local[2], two shuffle partitions, no UI, quiet logs, a quick-start JVM."""
    from transforms.session import build_session

    session = build_session("tests", shuffle_partitions=2, master="local[2]", short_lived=True)
    yield session
    session.stop()
