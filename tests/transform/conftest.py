"""Fixtures of the transform tests; the builders they use live in transform_fixtures.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from transform_fixtures import Processed, RawRun, development_run, extended_run

from transforms.job import main


@pytest.fixture
def raw_run(tmp_path: Path) -> RawRun:
    """An empty development-mode run in a fresh raw directory; add pages, then `write()`."""
    return RawRun(tmp_path / "raw", "2026-11-24", "20261124T061500Z-0a1b2c3d")


@dataclass(frozen=True)
class Backfill:
    """Two runs (development and extended mode) transformed by the entry script in one job."""

    development: RawRun
    extended: RawRun
    processed: Processed
    exit_status: int
    arguments: list[str]


@pytest.fixture(scope="session")
def backfill(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Backfill:
    root = tmp_path_factory.mktemp("backfill")
    development, extended = development_run(root / "raw"), extended_run(root / "raw")
    manifests = f"{development.write()},{extended.write()}"
    arguments = ["spotify_transform.py", "--JOB_NAME", "test", "--manifest_uri", manifests]
    arguments += ["--processed_uri", str(root / "processed")]
    exit_status = main(arguments, spark=spark)
    return Backfill(development, extended, Processed(root / "processed"), exit_status, arguments)
