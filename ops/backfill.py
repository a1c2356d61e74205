"""`ops backfill`: load the processed model files the pipes never saw (written before Snowflake was wired, while
the bucket's notifications were missing, or by a pipe that was paused or recreated).

A file counts as loaded when its landing table holds rows from it (`loaded_file`, the stage path Snowpipe and
COPY record as METADATA$FILENAME), so the comparison holds beyond Snowpipe's 14 days of load history. For each
file missing:
- written within Snowpipe's window (`ALTER PIPE ... REFRESH` queues files staged in the last 7 days only):
  `ALTER PIPE <pipe> REFRESH PREFIX = '<partition>/'`; the pipe skips what its history already holds;
- older: the pipe's own COPY statement with `FILES = (...)` (at most 1,000 names per statement), so the rows land
  exactly as the pipe would have loaded them. The final tables fold landing rows by natural key, so a file loaded
  twice never adds a row.

The SQL comes from the pipes in `snowflake_sql/migrations` (through the applier's statement parser, never a second
copy) and runs through the applier's connection (the environment's Snowflake secret).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from sqlglot import exp

from applier import load_migrations, statements_of, warehouse_variables
from applier import statements as kinds
from contracts.processed_zone import MODEL_FILE_SUFFIX, MODEL_PREFIX, table_of_model_key
from ops.deployment import Deployment
from ops.errors import OpsError
from ops.runs import list_objects

# ALTER PIPE ... REFRESH only queues files staged within the last 7 days; an hour of margin for the clock and
# for the time between planning and running.
REFRESH_WINDOW = timedelta(days=7) - timedelta(hours=1)
MAX_FILES_PER_COPY = 1000
REFRESH = "refresh"
COPY = "copy"


@dataclass(frozen=True)
class ModelFile:
    key: str  # in the processed bucket: model/<table>/snapshot_date=.../run_id=.../part-*.parquet
    written_at: datetime

    @property
    def table(self) -> str:
        return table_of_model_key(self.key)

    @property
    def stage_path(self) -> str:
        """The path the stage (on model/) gives the file: what METADATA$FILENAME, so `loaded_file`, holds."""
        return self.key.removeprefix(f"{MODEL_PREFIX}/")

    @property
    def pipe_path(self) -> str:
        """The path below the pipe's own location (model/<table>/): what REFRESH PREFIX and FILES take."""
        return self.stage_path.removeprefix(f"{self.table}/")

    @property
    def snapshot_date(self) -> date | None:
        for part in self.key.split("/"):
            if part.startswith("snapshot_date="):
                return date.fromisoformat(part.removeprefix("snapshot_date="))
        return None


@dataclass(frozen=True)
class Pipe:
    name: str
    table: str  # the landing table, qualified
    copy: exp.Copy


@dataclass(frozen=True)
class BackfillStep:
    table: str  # the model table (dim_track, ...)
    mode: str  # REFRESH | COPY
    files: tuple[ModelFile, ...]
    sql: str


class LoadTarget(Protocol):
    """Where backfill reads what was loaded and runs its steps (Snowflake, or the local warehouse in tests)."""

    def loaded_files(self, landing_table: str) -> set[str]: ...

    def pipe_status(self, pipe_name: str) -> str | None: ...

    def run(self, step: BackfillStep) -> None: ...


def pipes_of_migrations(variables: dict[str, str]) -> dict[str, Pipe]:
    """Each model table's pipe, from the migrations as the applier renders and parses them."""
    pipes = {}
    for migration in load_migrations():
        for statement in statements_of(migration, variables):
            if statement.kind != kinds.PIPE or statement.copy is None:
                continue
            target = statement.copy.this
            table = target.this if isinstance(target, exp.Schema) else target
            pipes[table.name.lower()] = Pipe(statement.name, table.sql("snowflake"), statement.copy)
    return pipes


def model_files(deployment: Deployment, first: date | None, last: date | None) -> list[ModelFile]:
    files = [
        ModelFile(item["Key"], item["LastModified"])
        for item in list_objects(deployment.client("s3"), deployment.processed_bucket, f"{MODEL_PREFIX}/")
        if item["Key"].endswith(MODEL_FILE_SUFFIX)
    ]
    return [f for f in files if _within(f.snapshot_date, first, last)]


def plan_backfill(
    files: list[ModelFile], pipes: dict[str, Pipe], loaded: dict[str, set[str]], now: datetime
) -> list[BackfillStep]:
    """The steps that load every file of `files` whose stage path is not among its table's loaded files."""
    recent: dict[tuple[str, str], list[ModelFile]] = defaultdict(list)
    old: dict[str, list[ModelFile]] = defaultdict(list)
    for file in sorted(files, key=lambda f: f.key):
        if file.table not in pipes:
            raise OpsError(
                f"{file.key}: no pipe loads table {file.table}; the migrations define pipes for "
                f"{', '.join(sorted(pipes))}"
            )
        if file.stage_path in loaded.get(file.table, set()):
            continue
        if now - file.written_at <= REFRESH_WINDOW:
            partition = file.pipe_path.rsplit("/", 1)[0] + "/"
            recent[(file.table, partition)].append(file)
        else:
            old[file.table].append(file)
    steps = []
    for (table, partition), group in sorted(recent.items()):
        steps.append(
            BackfillStep(table, REFRESH, tuple(group), f"ALTER PIPE {pipes[table].name} REFRESH PREFIX = '{partition}'")
        )
    for table, group in sorted(old.items()):
        for start in range(0, len(group), MAX_FILES_PER_COPY):
            batch = tuple(group[start : start + MAX_FILES_PER_COPY])
            steps.append(BackfillStep(table, COPY, batch, copy_files_sql(pipes[table], [f.pipe_path for f in batch])))
    return steps


def copy_files_sql(pipe: Pipe, pipe_paths: list[str]) -> str:
    """The pipe's COPY statement, limited to `pipe_paths` (relative to its location) with FILES = (...)."""
    copy = pipe.copy.copy()
    names = [exp.Literal.string(path) for path in pipe_paths]
    files = exp.CopyParameter(this=exp.Var(this="FILES"), expression=exp.Tuple(expressions=names))
    copy.set("params", [files, *(copy.args.get("params") or [])])
    return copy.sql("snowflake")


def backfill(
    target: LoadTarget,
    files: list[ModelFile],
    pipes: dict[str, Pipe],
    now: datetime | None = None,
    *,
    dry_run: bool = False,
) -> list[BackfillStep]:
    loaded = {table: target.loaded_files(pipe.table) for table, pipe in pipes.items()}
    steps = plan_backfill(files, pipes, loaded, now or datetime.now(UTC))
    if not dry_run:
        for step in steps:
            target.run(step)
    return steps


def deployed_variables(deployment: Deployment) -> dict[str, str]:
    """The migrations' variables for the deployment, as the warehouse stack renders them."""
    config, account = deployment.config, deployment.account
    iam = f"arn:{deployment.partition}:iam::{account}:role"
    return warehouse_variables(
        config,
        deployment.processed_bucket,
        f"{iam}/{config.storage_role_name}",
        f"arn:{deployment.partition}:sns:{deployment.region}:{account}:{config.project}-{config.env}-snowpipe-errors",
        f"{iam}/{config.project}-{config.env}-snowflake-errors",
    )


class SnowflakeTarget:
    """The deployed warehouse, through the applier's connection code and the environment's Snowflake secret."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def loaded_files(self, landing_table: str) -> set[str]:
        return {row[0] for row in self._execute(f"SELECT DISTINCT loaded_file FROM {landing_table}").fetchall()}

    def pipe_status(self, pipe_name: str) -> str | None:
        """`executionState, N pending, last ingested <time>` from SYSTEM$PIPE_STATUS."""
        import json

        try:
            state = json.loads(self._execute(f"SELECT SYSTEM$PIPE_STATUS('{pipe_name}')").fetchone()[0])
        except OpsError as error:
            return f"unreadable ({error})"
        return (
            f"{state.get('executionState', '?')}, {state.get('pendingFileCount', 0)} pending, "
            f"last ingested {state.get('lastIngestedTimestamp', 'never')}"
        )

    def run(self, step: BackfillStep) -> None:
        self._execute(step.sql)

    def close(self) -> None:
        self._connection.close()

    def _execute(self, sql: str) -> Any:
        import snowflake.connector.errors

        cursor = self._connection.cursor()
        try:
            cursor.execute(sql)
        except snowflake.connector.errors.Error as error:
            reason = str(error.msg or error).strip().splitlines()[0]
            raise OpsError(
                f"Snowflake refused `{sql[:80]}` ({reason}); check the secret's role and the pipes"
            ) from None
        return cursor


def connect_to_snowflake(deployment: Deployment, variables: dict[str, str]) -> SnowflakeTarget:
    from applier.connection import connect, credentials_from_secret, read_secret
    from applier.errors import WarehouseError

    secret = deployment.config.secret_name("snowflake")
    try:
        return SnowflakeTarget(connect(credentials_from_secret(read_secret(secret), secret), variables))
    except WarehouseError as error:
        raise OpsError(str(error)) from None


def _within(day: date | None, first: date | None, last: date | None) -> bool:
    if day is None:
        return first is None and last is None
    return (first is None or day >= first) and (last is None or day <= last)
