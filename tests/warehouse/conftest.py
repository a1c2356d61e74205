"""Fixtures of the warehouse tests: the variables, tiny Parquet files typed like Spark's output, a local
warehouse with the migrations applied, and a fake of the Snowflake connector at its boundary."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import snowflake.connector.errors
from fake_snowflake import DEPLOY_PUBLIC_KEY, FakeSnowflake
from model_files import write_model_file

from config import PipelineConfig

ACCOUNT = "123456789012"

ModelFileWriter = Callable[..., str]


@pytest.fixture(scope="session")
def applied_warehouse(
    tmp_path_factory: pytest.TempPathFactory, local_config: PipelineConfig, variables: dict[str, str]
) -> Path:
    """A warehouse folder with every migration applied once per session; tests work on copies of it."""
    from local.warehouse import LocalWarehouse

    root = tmp_path_factory.mktemp("applied-warehouse")
    with LocalWarehouse(root / "db", root / "s3", local_config, variables) as warehouse:
        warehouse.apply()
    return root / "db"


@pytest.fixture
def warehouse_dirs(tmp_path: Path, applied_warehouse: Path) -> tuple[Path, Path]:
    """(db_dir, stage_root) of a fresh copy of the applied warehouse."""
    shutil.copytree(applied_warehouse, tmp_path / "db")
    return tmp_path / "db", tmp_path / "s3"


@pytest.fixture
def warehouse(
    warehouse_dirs: tuple[Path, Path], local_config: PipelineConfig, variables: dict[str, str]
) -> Iterator[Any]:
    from local.warehouse import LocalWarehouse

    db_dir, stage_root = warehouse_dirs
    with LocalWarehouse(db_dir, stage_root, local_config, variables) as opened:
        yield opened


@pytest.fixture
def model_file(warehouse_dirs: tuple[Path, Path]) -> ModelFileWriter:
    """`model_file(table, ingest_date, run_id, rows, part="0") -> key`, written under the warehouse's stage."""
    stage_root = warehouse_dirs[1]

    def write(table: str, ingest_date: str, run_id: str, rows: list[dict[str, Any]], part: str = "0") -> str:
        return write_model_file(stage_root, table, ingest_date, run_id, rows, part)

    return write


# -- A fake of snowflake-connector at its boundary --------------------------------------------------------------


@pytest.fixture
def fake_snowflake(
    monkeypatch: pytest.MonkeyPatch, local_config: PipelineConfig, variables: dict[str, str]
) -> FakeSnowflake:
    """`snowflake.connector.connect` replaced by a FakeSnowflake account on which an administrator has run the
    project's bootstrap script (the deploy role and its service user)."""
    from applier.bootstrap import bootstrap_sql

    account = FakeSnowflake()
    account.run_as_admin(bootstrap_sql(variables, local_config.snowflake.deploy_user, DEPLOY_PUBLIC_KEY))
    monkeypatch.setattr(snowflake.connector, "connect", account.connect)
    return account
