"""Fixtures of the warehouse tests: the variables, tiny Parquet files typed like Spark's output, a local
warehouse with the migrations applied, and a fake of the Snowflake connector at its boundary."""

from __future__ import annotations

import datetime
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import snowflake.connector.errors
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

QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:sf-snowpipe-AIDAFAKEFAKEFAKE-Q1w2E3r4T5y6"


class FakeSnowflake:
    """An account as the applier sees it through the connector: it records every statement, keeps the history
    table, and answers DESC INTEGRATION and SHOW PIPES with rows in Snowflake's documented shape."""

    queue_arn = QUEUE_ARN  # Snowflake gives every auto-ingest pipe of an account one shared queue

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.tables: set[str] = set()
        self.history: list[tuple[int, str, str]] = []
        self.integrations: dict[str, str] = {}  # name -> "storage" | "notification"
        self.pipes: dict[str, str] = {}  # qualified name -> the COPY it runs
        self.connect_arguments: dict[str, Any] = {}

    def connect(self, **arguments: Any) -> FakeConnection:
        self.connect_arguments = arguments
        return FakeConnection(self)


class FakeConnection:
    def __init__(self, account: FakeSnowflake) -> None:
        self.account = account
        self.closed = False

    def cursor(self) -> FakeCursor:
        return FakeCursor(self.account)

    def close(self) -> None:
        self.closed = True


class FakeCursor:
    def __init__(self, account: FakeSnowflake) -> None:
        self.account = account
        self.description: list[tuple[str, ...]] = []
        self._rows: list[tuple[Any, ...]] = []

    def execute(self, sql: str, params: tuple[Any, ...] | None = None) -> FakeCursor:
        account = self.account
        account.statements.append(sql)
        self.description, self._rows = [], []
        if created := re.match(r"CREATE TABLE IF NOT EXISTS (\S+)", sql):
            account.tables.add(created[1])
        elif created := re.match(r"CREATE (STORAGE|NOTIFICATION) INTEGRATION IF NOT EXISTS (\w+)", sql):
            account.integrations[created[2]] = created[1].lower()
        elif created := re.match(r"CREATE PIPE IF NOT EXISTS (\S+).*?\sAS\s+(COPY INTO .*)$", sql, re.S):
            account.pipes[created[1]] = created[2]
        elif read := re.match(r"SELECT VERSION, SCRIPT, CHECKSUM FROM (\S+)", sql):
            if read[1] not in account.tables:
                raise snowflake.connector.errors.ProgrammingError(
                    msg=f"Object '{read[1]}' does not exist or not authorized.", errno=2003
                )
            self._result(["VERSION", "SCRIPT", "CHECKSUM"], account.history)
        elif (inserted := re.match(r"INSERT INTO (\S+) \(VERSION, SCRIPT, CHECKSUM", sql)) and params:
            assert inserted[1] in account.tables, f"insert into {inserted[1]}, which was never created"
            account.history.append((int(params[0]), str(params[1]), str(params[2])))
        elif described := re.match(r"DESC INTEGRATION (\w+)$", sql):
            self._describe(described[1])
        elif shown := re.match(r"SHOW PIPES IN SCHEMA (\S+)$", sql):
            self._show_pipes(shown[1])
        return self

    def _result(self, names: list[str], rows: list[tuple[Any, ...]]) -> None:
        self.description = [(name, None, None, None, None, None, None) for name in names]
        self._rows = list(rows)

    def _describe(self, name: str) -> None:
        kind = self.account.integrations.get(name)
        if kind is None:
            raise snowflake.connector.errors.ProgrammingError(
                msg=f"Integration '{name}' does not exist or not authorized.", errno=2003
            )
        if kind == "storage":
            properties = [
                ("ENABLED", "Boolean", "true", "false"),
                ("STORAGE_PROVIDER", "String", "S3", ""),
                ("STORAGE_AWS_IAM_USER_ARN", "String", f"arn:aws:iam::{ACCOUNT[::-1]}:user/abc1-b-self1234", ""),
                ("STORAGE_AWS_ROLE_ARN", "String", f"arn:aws:iam::{ACCOUNT}:role/storage", ""),
                ("STORAGE_AWS_EXTERNAL_ID", "String", "MYACCOUNT_SFCRole=2_a123456/s0aBCDEfGHIJklmNoPq=", ""),
                ("COMMENT", "String", "", ""),
            ]
        else:
            properties = [
                ("ENABLED", "Boolean", "true", "false"),
                ("TYPE", "String", "QUEUE", ""),
                ("DIRECTION", "String", "OUTBOUND", ""),
                ("NOTIFICATION_PROVIDER", "String", "AWS_SNS", ""),
                ("SF_AWS_IAM_USER_ARN", "String", f"arn:aws:iam::{ACCOUNT[::-1]}:user/c_myaccount", ""),
                ("SF_AWS_EXTERNAL_ID", "String", "MYACCOUNT_SFCRole=2_zyx987/tuVWxyz=", ""),
            ]
        self._result(["property", "property_type", "property_value", "property_default"], properties)

    def _show_pipes(self, schema: str) -> None:
        columns = [
            "created_on",
            "name",
            "database_name",
            "schema_name",
            "definition",
            "owner",
            "notification_channel",
            "comment",
            "integration",
            "pattern",
            "error_integration",
            "owner_role_type",
            "invalid",
            "invalid_reason",
        ]
        rows = []
        for qualified, definition in self.account.pipes.items():
            database, schema_name, name = qualified.split(".")
            if f"{database}.{schema_name}" != schema:
                continue
            rows.append(
                (
                    datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC),
                    name,
                    database,
                    schema_name,
                    definition,
                    "ACCOUNTADMIN",
                    QUEUE_ARN,
                    "",
                    None,
                    None,
                    "SPOTIFY_PIPE_ERRORS",
                    "ROLE",
                    "false",
                    None,
                )
            )
        self._result(columns, rows)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None


@pytest.fixture
def fake_snowflake(monkeypatch: pytest.MonkeyPatch) -> FakeSnowflake:
    """`snowflake.connector.connect` replaced by a FakeSnowflake account for the test."""
    account = FakeSnowflake()
    monkeypatch.setattr(snowflake.connector, "connect", account.connect)
    return account
