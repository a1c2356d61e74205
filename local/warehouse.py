"""The local warehouse: the migrations of snowflake_sql/ run by the same applier on fakesnow (DuckDB).

The database persists as DuckDB files in `db_dir`. Statements fakesnow cannot run are recognised by their
kind (applier.statements) and emulated here, each from its own statement, never from a second copy of SQL:

    warehouse, role, grant, storage and notification integration
        nothing to emulate: one local user, no cloud storage credentials, no SNS
    stage on s3://<bucket>/<prefix>/
        the same stage on file://<stage_root>/<prefix>/ (stage_root mirrors the processed bucket)
    pipe
        its own COPY, run by `ingest` for the one notified file: FILES = (...) added, the file's stage path and
        the load time written in for METADATA$FILENAME / METADATA$START_SCAN_TIME (fakesnow cannot select
        them), and ON_ERROR dropped: fakesnow only aborts, which for one file is what SKIP_FILE does (the file
        loads whole or not at all); the failure is raised as LoadError instead of sent to SNS
    dynamic table
        a table with the dynamic table's column list, emptied and filled from its own SELECT by `refresh`
        (run after the loads, where Snowflake refreshes within the target lag)

fakesnow keeps stages and file formats in memory only, so on opening, those of the already applied
migrations are created again from their statements, and the pipes and dynamic tables registered again.
"""

from __future__ import annotations

import datetime
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import fakesnow
import snowflake.connector
from sqlglot import exp

from applier import (
    apply_migrations,
    check_variables,
    load_migrations,
    plan_migrations,
    read_history,
    statements_of,
    warehouse_variables,
)
from applier import statements as kinds
from applier.errors import MigrationError, WarehouseError
from applier.readback import rows_as_dicts
from applier.statements import Statement
from config import PipelineConfig
from contracts.processed_zone import MODEL_FILE_SUFFIX

logger = logging.getLogger(__name__)

# fakesnow notes on every fetch that DuckDB copies Arrow results: a performance hint for fakesnow's authors.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)

# Nothing to do locally for these: they grant access or connect Snowflake to AWS.
_ACCOUNT_OBJECTS = (kinds.WAREHOUSE, kinds.ROLE, kinds.GRANT, kinds.STORAGE_INTEGRATION, kinds.NOTIFICATION_INTEGRATION)
# What fakesnow keeps only in memory (stages, file formats) or this module keeps (pipes, dynamic tables, views).
_SESSION_STATE = (kinds.STAGE, kinds.FILE_FORMAT, kinds.PIPE, kinds.DYNAMIC_TABLE, kinds.VIEW)


def local_variables(config: PipelineConfig, processed_bucket: str, account: str, region: str) -> dict[str, str]:
    """The SQL's variables for the local warehouse: the AWS names (roles, error topic) it would have in `account`;
    nothing reads them locally, but every statement is rendered as in a deployment."""
    pipe_errors = f"{config.project}-{config.env}-pipe-errors"
    return warehouse_variables(
        config,
        processed_bucket=processed_bucket,
        storage_role_arn=f"arn:aws:iam::{account}:role/{config.storage_role_name}",
        error_topic_arn=f"arn:aws:sns:{region}:{account}:{pipe_errors}",
        error_role_arn=f"arn:aws:iam::{account}:role/{pipe_errors}",
    )


class LoadError(WarehouseError):
    """A pipe could not load a file; in Snowflake, Snowpipe would skip it and notify the error topic."""


@dataclass(frozen=True)
class LoadResult:
    table: str
    file: str
    rows_loaded: int
    status: str  # "LOADED" or "LOAD_SKIPPED" (the pipe loaded this file before)


@dataclass(frozen=True)
class _Pipe:
    name: str
    copy: exp.Copy
    stage: str  # DATABASE.SCHEMA.STAGE, upper case
    path: str  # the pipe's folder under the stage, e.g. "dim_track/"


@dataclass(frozen=True)
class _DynamicTable:
    name: str
    columns: tuple[str, ...]
    body: str


class LocalWarehouse:
    """The warehouse of `make run`: `apply()` the migrations, `ingest()` each notified model file through its
    table's pipe, `refresh()` the final tables, then read `counts()`, `rejects()` or `query()`. Also a context
    manager; `close()` releases the DuckDB files."""

    def __init__(self, db_dir: Path, stage_root: Path, config: PipelineConfig, variables: dict[str, str]) -> None:
        check_variables(variables)
        if variables["DATABASE"] != config.snowflake.database:
            raise WarehouseError(
                f"variables are for database {variables['DATABASE']} but the config says "
                f"{config.snowflake.database}; build them with applier.warehouse_variables(config, ...)"
            )
        if "'" in str(stage_root):
            raise WarehouseError(f"stage folder {stage_root} contains a quote; use a path without one")
        self.db_dir = Path(db_dir)
        self.stage_root = Path(stage_root).resolve()
        self._variables = dict(variables)
        self._migrations = load_migrations()
        self._stage_prefixes: dict[str, str] = {}
        self._pipes: dict[str, _Pipe] = {}
        self._dynamic_tables: dict[str, _DynamicTable] = {}
        self._views: dict[str, None] = {}
        self._connection: Any = None
        self.db_dir.mkdir(parents=True, exist_ok=True)
        # fakesnow translates through sqlglot, which warns for each COMMENT DuckDB has no place for.
        logging.getLogger("sqlglot").setLevel(logging.ERROR)
        self._patch = fakesnow.patch(db_path=self.db_dir)
        try:
            self._patch.__enter__()
        except AssertionError:
            raise WarehouseError(
                "snowflake.connector is already patched by fakesnow in this process (is another LocalWarehouse "
                "open?); close it first"
            ) from None
        try:
            self._connection = snowflake.connector.connect(
                account="local",
                user="local",
                password="local",  # fakesnow accepts anything
                database=variables["DATABASE"],
                schema=variables["LANDING_SCHEMA"],
            )
            self._restore_session_state()
        except BaseException:
            self.close()
            raise

    # -- the interface the local runtime calls ---------------------------------------------------------------

    @property
    def db_file(self) -> Path:
        return self.db_dir / f"{self._variables['DATABASE']}.db"

    def apply(self) -> list[str]:
        """Apply the pending migrations through the applier; the labels applied now ([] when up to date)."""
        try:
            return apply_migrations(self._connection, self._variables, self._migrations, run_statement=self._run)
        except MigrationError as error:
            raise MigrationError(f"{error} (or reset the local warehouse with `make clean`)") from None

    def ingest(self, table_name: str, key: str) -> LoadResult:
        """Run `table_name`'s pipe COPY for the processed-bucket `key` (already at stage_root/key)."""
        pipe = self._pipes.get(table_name.lower())
        if pipe is None:
            raise LoadError(f"no pipe loads {table_name}; pipes exist for: {', '.join(sorted(self._pipes))}")
        stage_prefix = self._stage_prefixes[pipe.stage]
        location = stage_prefix + pipe.path
        if not key.startswith(location):
            raise LoadError(f"{key} is not under {location}, where pipe {pipe.name} loads from")
        if not key.endswith(MODEL_FILE_SUFFIX):
            raise LoadError(f"{key} is not a {MODEL_FILE_SUFFIX} file; pipes are notified of model files only")
        if not (self.stage_root / key).is_file():
            raise LoadError(f"{self.stage_root / key} does not exist; copy the processed object there first")
        copy = self._pipe_copy_for(pipe, stage_file=key[len(stage_prefix) :], pipe_file=key[len(location) :])
        cursor = self._connection.cursor()
        try:
            cursor.execute(copy.sql("snowflake"))
        except snowflake.connector.errors.Error as error:
            reason = str(error.msg or error).strip().splitlines()[0]
            raise LoadError(
                f"{key}: pipe {pipe.name} could not load it ({reason}); Snowpipe would skip the file and report "
                "it to the error topic. Fix the transform's output for this table and write the partition again"
            ) from None
        result = rows_as_dicts(cursor)[0]
        status = str(result["status"])
        logger.info("%s %s: %s, %s rows", pipe.name, key, status, result["rows_loaded"])
        return LoadResult(table=table_name, file=key, rows_loaded=int(result["rows_loaded"] or 0), status=status)

    def refresh(self) -> None:
        """Refill every final table from its dynamic table's SELECT (what Snowflake does within TARGET_LAG)."""
        cursor = self._connection.cursor()
        for table in self._dynamic_tables.values():
            self._refresh_one(cursor, table)

    def counts(self) -> dict[str, int]:
        """Rows per final table and per reporting view, keyed `schema.name` in lower case."""
        reporting = self._variables["REPORTING_SCHEMA"].upper()
        names = list(self._dynamic_tables) + [v for v in self._views if v.split(".")[1] == reporting]
        cursor = self._connection.cursor()
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {name}")
            counts[".".join(name.split(".")[1:]).lower()] = int(cursor.fetchone()[0])
        return counts

    def query(self, sql: str) -> list[tuple]:
        cursor = self._connection.cursor()
        cursor.execute(sql)
        return list(cursor.fetchall())

    def rejects(self) -> list[dict[str, Any]]:
        """Landing rows that broke a rule: table_name, rule, record_key, run_id, ingest_date, files, loaded_at."""
        cursor = self._connection.cursor()
        cursor.execute(f"SELECT * FROM {self._variables['REJECTS_VIEW']} ORDER BY table_name, loaded_at, rule")
        return rows_as_dicts(cursor)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._patch is not None:
            patch, self._patch = self._patch, None
            patch.__exit__(None, None, None)

    def __enter__(self) -> LocalWarehouse:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    # -- emulation ---------------------------------------------------------------------------------------------

    def _restore_session_state(self) -> None:
        cursor = self._connection.cursor()
        try:
            plan = plan_migrations(self._migrations, read_history(cursor, self._variables))
        except MigrationError as error:
            raise MigrationError(f"{error} (or reset the local warehouse with `make clean`)") from None
        for migration in plan.applied:
            for statement in statements_of(migration, self._variables):
                if statement.kind in _SESSION_STATE:
                    self._run(cursor, statement, restoring=True)

    def _run(self, cursor: Any, statement: Statement, restoring: bool = False) -> None:
        """The applier's statement runner: run on fakesnow what it can run, emulate the rest."""
        kind = statement.kind
        if kind in _ACCOUNT_OBJECTS:
            logger.info("%s: %s %s has no local counterpart", statement.where, kind, statement.name)
        elif kind == kinds.STAGE:
            cursor.execute(self._local_stage(statement))
        elif kind == kinds.PIPE:
            self._register_pipe(statement)
        elif kind == kinds.DYNAMIC_TABLE:
            self._register_dynamic_table(cursor, statement, create=not restoring)
        elif kind == kinds.VIEW:
            self._views[statement.name.upper()] = None
            if not restoring:
                cursor.execute(statement.text)
        else:
            cursor.execute(statement.text)

    def _local_stage(self, statement: Statement) -> str:
        """The stage statement with its s3:// URL pointed at the local copy of the bucket, without credentials."""
        assert statement.expression is not None
        stage = statement.expression.copy()
        properties = stage.args["properties"]
        kept = []
        for prop in properties.expressions:
            key = prop.this.name.upper() if type(prop) is exp.Property else ""
            if key == "STORAGE_INTEGRATION":
                continue
            if key == "URL":
                prefix = prop.args["value"].name.split("://", 1)[1].partition("/")[2]
                self._stage_prefixes[statement.name.upper()] = prefix
                prop = exp.Property(this=prop.this, value=exp.Literal.string(f"file://{self.stage_root}/{prefix}"))
            kept.append(prop)
        properties.set("expressions", kept)
        return stage.sql("snowflake")

    def _register_pipe(self, statement: Statement) -> None:
        assert statement.copy is not None
        target = statement.copy.this
        table = target.this if isinstance(target, exp.Schema) else target
        source = next((v.name for v in statement.copy.find_all(exp.Var) if v.name.startswith("@")), None)
        if source is None:
            raise WarehouseError(f"{statement.where}: pipe {statement.name} does not load from a stage (@...)")
        stage, _, path = source[1:].partition("/")
        self._pipes[table.name.lower()] = _Pipe(statement.name, statement.copy, stage.upper(), path)

    def _pipe_copy_for(self, pipe: _Pipe, stage_file: str, pipe_file: str) -> exp.Copy:
        copy = pipe.copy.copy()
        load_time = datetime.datetime.now(datetime.UTC).isoformat(sep=" ")
        for column in list(copy.find_all(exp.Column)):
            if column.name.upper() == "METADATA$FILENAME":
                column.replace(exp.Literal.string(stage_file))
            elif column.name.upper() == "METADATA$START_SCAN_TIME":
                column.replace(exp.cast(exp.Literal.string(load_time), "TIMESTAMPLTZ"))
        parameters = [p for p in copy.args.get("params") or [] if p.this.name.upper() != "ON_ERROR"]
        files = exp.CopyParameter(this=exp.Var(this="FILES"), expression=exp.Paren(this=exp.Literal.string(pipe_file)))
        copy.set("params", [files, *parameters])
        return copy

    def _register_dynamic_table(self, cursor: Any, statement: Statement, create: bool) -> None:
        assert statement.expression is not None
        schema = statement.expression.this
        columns = tuple(column.name for column in schema.expressions)
        self._dynamic_tables[statement.name.upper()] = _DynamicTable(
            statement.name, columns, statement.expression.expression.sql("snowflake")
        )
        if create:
            # A redefinition (CREATE OR REPLACE DYNAMIC TABLE) replaces the derived rows; they are computed again.
            replace = bool(statement.expression.args.get("replace"))
            cursor.execute(
                exp.Create(this=schema.copy(), kind="TABLE", replace=replace, exists=not replace).sql("snowflake")
            )
            # Filled at once, as Snowflake does on creation (INITIALIZE = ON_CREATE).
            self._refresh_one(cursor, self._dynamic_tables[statement.name.upper()])

    def _refresh_one(self, cursor: Any, table: _DynamicTable) -> None:
        try:
            cursor.execute("BEGIN")
            cursor.execute(f"DELETE FROM {table.name}")
            cursor.execute(f"INSERT INTO {table.name} ({', '.join(table.columns)}) {table.body}")
            cursor.execute("COMMIT")
        except snowflake.connector.errors.Error as error:
            cursor.execute("ROLLBACK")
            reason = str(error.msg or error).strip().splitlines()[0]
            raise WarehouseError(f"refreshing {table.name} failed ({reason}); its rows are unchanged") from None
