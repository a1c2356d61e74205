"""`python -m ops backfill`: processed files in the (moto) bucket that no pipe loaded reach the local warehouse
once: ALTER PIPE ... REFRESH for files of the last 7 days, the pipe's own COPY with FILES = (...) for older ones.

The local warehouse runs a pipe as its own COPY for one named file (local/warehouse.py): exactly what REFRESH
(for a file the pipe never loaded) and COPY ... FILES do in Snowflake, where this module's SQL runs instead.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import sqlglot
from model_files import write_model_file
from ops_deployment import DeployedOnMoto

from config import PipelineConfig
from ops.backfill import COPY, REFRESH, BackfillStep, SnowflakeTarget, backfill, model_files, pipes_of_migrations
from ops.deployment import locate
from ops.errors import OpsError
from ops.status import status

DAY, RUN = "2026-12-01", "20261201T061500Z-aaaaaaaa"
LATE_RUN = "20261201T091500Z-bbbbbbbb"


class LocalTarget:
    """The local warehouse as backfill's LoadTarget: the same loaded-files query, pipes emulated per file."""

    def __init__(self, warehouse: Any) -> None:
        self.warehouse = warehouse
        self.ran: list[BackfillStep] = []

    def loaded_files(self, landing_table: str) -> set[str]:
        return {row[0] for row in self.warehouse.query(f"SELECT DISTINCT loaded_file FROM {landing_table}")}

    def pipe_status(self, pipe_name: str) -> str | None:
        return None  # fakesnow has no SYSTEM$PIPE_STATUS

    def run(self, step: BackfillStep) -> None:
        self.ran.append(step)
        for file in step.files:
            self.warehouse.ingest(file.table, file.key)


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory, local_config: PipelineConfig, variables: dict[str, str]) -> Path:
    """A warehouse with the migrations applied once for the module; each test opens a copy."""
    from local.warehouse import LocalWarehouse

    root = tmp_path_factory.mktemp("ops-warehouse")
    with LocalWarehouse(root / "db", root / "s3", local_config, variables) as warehouse:
        warehouse.apply()
    return root / "db"


@pytest.fixture
def warehouse(tmp_path: Path, applied: Path, local_config: PipelineConfig, variables: dict[str, str]) -> Iterator[Any]:
    from local.warehouse import LocalWarehouse

    shutil.copytree(applied, tmp_path / "db")
    with LocalWarehouse(tmp_path / "db", tmp_path / "s3", local_config, variables) as opened:
        yield opened


def processed_file(deployed: DeployedOnMoto, stage_root: Path, table: str, run: str, rows: list[dict]) -> str:
    """A model file as the Glue job writes it: in the processed bucket, and in the local stage's copy of it."""
    key = write_model_file(stage_root, table, DAY, run, rows)
    boto3.client("s3").put_object(Bucket=deployed.processed_bucket, Key=key, Body=(stage_root / key).read_bytes())
    return key


def tracks(warehouse: Any) -> list[tuple]:
    return warehouse.query("SELECT track_id, loaded_file FROM SPOTIFY.LANDING.DIM_TRACK ORDER BY track_id")


@pytest.mark.parametrize(("age", "mode"), [(timedelta(days=1), REFRESH), (timedelta(days=9), COPY)])
def test_files_the_pipes_never_saw_are_loaded_once(
    deployed: DeployedOnMoto, warehouse: Any, variables: dict[str, str], age: timedelta, mode: str
) -> None:
    stage_root = warehouse.stage_root
    # Given a run whose dim_track file the pipe loaded, and a later run's file no pipe heard of
    loaded = processed_file(deployed, stage_root, "dim_track", RUN, [{"track_id": "t1", "track_name": "One"}])
    warehouse.ingest("dim_track", loaded)
    missed = processed_file(deployed, stage_root, "dim_track", LATE_RUN, [{"track_id": "t2", "track_name": "Two"}])
    deployment = locate("dev")
    pipes = pipes_of_migrations(variables)
    files = model_files(deployment, None, None)
    now = max(file.written_at for file in files) + age
    target = LocalTarget(warehouse)
    # When the operator backfills
    steps = backfill(target, files, pipes, now)
    # Then exactly the missed file is loaded, by REFRESH within 7 days and by COPY ... FILES beyond
    (step,) = steps
    assert (step.mode, [f.key for f in step.files]) == (mode, [missed])
    if mode == REFRESH:
        assert (
            step.sql
            == f"ALTER PIPE SPOTIFY.LANDING.DIM_TRACK_PIPE REFRESH PREFIX = 'snapshot_date={DAY}/run_id={LATE_RUN}/'"
        )
    else:
        copy = sqlglot.parse_one(step.sql, read="snowflake")
        assert copy.key == "copy"
        assert f"FILES = ('snapshot_date={DAY}/run_id={LATE_RUN}/part-0.parquet')" in step.sql
        # the pipe's own statement: same target, lineage and error handling
        assert step.sql.startswith("COPY INTO SPOTIFY.LANDING.DIM_TRACK (")
        assert "METADATA$FILENAME" in step.sql and "ON_ERROR = SKIP_FILE" in step.sql
    assert tracks(warehouse) == [
        ("t1", f"dim_track/snapshot_date={DAY}/run_id={RUN}/part-0.parquet"),
        ("t2", f"dim_track/snapshot_date={DAY}/run_id={LATE_RUN}/part-0.parquet"),
    ]
    # And a second backfill finds nothing left to load
    assert backfill(target, model_files(deployment, None, None), pipes, now) == []
    assert len(tracks(warehouse)) == 2


def test_a_dry_run_prints_the_plan_and_loads_nothing(
    deployed: DeployedOnMoto, warehouse: Any, variables: dict[str, str]
) -> None:
    processed_file(deployed, warehouse.stage_root, "fact_play", RUN, [{"played_at": None, "track_id": "t1"}])
    files = model_files(locate("dev"), None, None)
    target = LocalTarget(warehouse)
    steps = backfill(target, files, pipes_of_migrations(variables), dry_run=True)
    assert [step.table for step in steps] == ["fact_play"]
    assert target.ran == []


def test_the_date_range_limits_the_files(deployed: DeployedOnMoto, warehouse: Any) -> None:
    processed_file(deployed, warehouse.stage_root, "dim_track", RUN, [{"track_id": "t1"}])
    deployment = locate("dev")
    assert len(model_files(deployment, date(2026, 12, 1), date(2026, 12, 1))) == 1
    assert model_files(deployment, date(2026, 12, 2), None) == []


def test_status_counts_the_files_the_pipes_loaded_per_run(
    deployed: DeployedOnMoto, warehouse: Any, variables: dict[str, str]
) -> None:
    deployed.write_manifest(DAY, RUN)
    loaded = processed_file(deployed, warehouse.stage_root, "dim_track", RUN, [{"track_id": "t1"}])
    processed_file(deployed, warehouse.stage_root, "dim_album", RUN, [{"album_id": "al1"}])
    warehouse.ingest("dim_track", loaded)
    deployment = locate("dev")
    now = max(file.written_at for file in model_files(deployment, None, None)) + timedelta(hours=1)
    days = (now.date() - date.fromisoformat(DAY)).days + 1
    report = status(deployment, days, LocalTarget(warehouse), pipes_of_migrations(variables), now=now)
    (row,) = [row for row in report.rows if row[1] == RUN]
    # One of the run's two model files reached the warehouse: the gap shows, and backfill would load the other.
    assert row[5] == "1/2 files"
    assert "last loaded model file: " in report.render()


def test_the_snowflake_target_reads_what_was_loaded_and_a_refused_statement_is_one_line(
    deployed: DeployedOnMoto, warehouse: Any, variables: dict[str, str]
) -> None:
    # The deployed target runs its SQL on the connector's connection (here fakesnow's, behind the local warehouse).
    key = processed_file(deployed, warehouse.stage_root, "dim_track", RUN, [{"track_id": "t1"}])
    warehouse.ingest("dim_track", key)
    target = SnowflakeTarget(warehouse._connection)
    pipes = pipes_of_migrations(variables)
    assert target.loaded_files(pipes["dim_track"].table) == {key.removeprefix("model/")}
    # fakesnow has no SYSTEM$PIPE_STATUS: status shows the pipe as unreadable instead of failing
    assert target.pipe_status(pipes["dim_track"].name).startswith("unreadable (Snowflake refused")
    with pytest.raises(OpsError, match=r"^Snowflake refused `ALTER PIPE .*\); check the secret's role"):
        target.run(BackfillStep("dim_track", REFRESH, (), f"ALTER PIPE {pipes['dim_track'].name} REFRESH"))
