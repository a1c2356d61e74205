"""The local warehouse: the scripts of snowflake_sql/ run by the same applier on fakesnow (DuckDB).

The database persists as DuckDB files in `db_dir`. Statements fakesnow cannot run are recognised by their
kind (applier.statements) and emulated here, each from its own statement, never from a second copy of SQL:

    warehouse, role, grant, storage and notification integration, ALTER ... SET of the last three, and a
    schema's managed access
        nothing to run: one local user, no cloud storage credentials, no SNS. The settings they would give
        Snowflake are kept in `settings` (so a test sees a changed warehouse size arrive)
    stage on s3://<bucket>/<prefix>/ (and ALTER STAGE ... SET URL)
        the same stage on file://<stage_root>/<prefix>/ (stage_root mirrors the processed bucket)
    pipe
        its own COPY, run by `ingest` for the one notified file: FILES = (...) added, the file's stage path and
        the load time written in for METADATA$FILENAME / METADATA$START_SCAN_TIME (fakesnow cannot select
        them), NULL for a column the file does not have (as Snowflake reads it), and ON_ERROR dropped:
        fakesnow only aborts, which for one file is what SKIP_FILE does (the file loads whole or not at all);
        the failure is raised as LoadError instead of sent to SNS.
        A pipe statement whose COPY differs from the pipe's follows applier.pipes' procedure: nothing is pending
        locally (loads are synchronous), the new COPY replaces the old, the pipe's load history starts empty
        (a file it has not loaded since is loaded again, FORCE), and the files staged since the pause minus
        the margin are loaded again (the REFRESH). Pipes are kept in ADMIN.LOCAL_PIPES, the local SHOW PIPES.
    dynamic table
        a table with the dynamic table's column list, emptied and filled from its own SELECT by `refresh`
        (run after the loads, where Snowflake refreshes within the target lag); its TARGET_LAG and
        REFRESH_MODE are kept in `settings`

fakesnow keeps stages and file formats in memory only, so on opening, those of the applied versioned
scripts and of the repeatable scripts are created again from their statements, the dynamic tables and views
registered again, and the pipes read back from ADMIN.LOCAL_PIPES.
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
import pyarrow.parquet as pq
import snowflake.connector
import sqlglot
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
from applier.migrations import Migration
from applier.pipes import GAP_MARGIN
from applier.readback import rows_as_dicts
from applier.statements import Statement
from config import PipelineConfig
from contracts.processed_zone import MODEL_FILE_SUFFIX

logger = logging.getLogger(__name__)


def _parse_copy(copy_sql: str) -> exp.Copy:
    copy = sqlglot.parse_one(copy_sql, read="snowflake")
    assert isinstance(copy, exp.Copy), copy_sql
    return copy


# fakesnow notes on every fetch that DuckDB copies Arrow results: a performance hint for fakesnow's authors.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)

# Nothing to run locally for these: they grant access or connect Snowflake to AWS.
_ACCOUNT_OBJECTS = (
    kinds.WAREHOUSE,
    kinds.ROLE,
    kinds.GRANT,
    kinds.STORAGE_INTEGRATION,
    kinds.NOTIFICATION_INTEGRATION,
    kinds.ALTER_WAREHOUSE,
    kinds.ALTER_INTEGRATION,
    kinds.ALTER_SCHEMA,
)
# What fakesnow keeps only in memory (stages, file formats) or this module keeps (pipes, dynamic tables, views).
_SESSION_STATE = (kinds.STAGE, kinds.ALTER_STAGE, kinds.FILE_FORMAT, kinds.PIPE, kinds.DYNAMIC_TABLE, kinds.VIEW)
_LOCAL_PIPES = "LOCAL_PIPES"


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
    # When the procedure last recreated the pipe (its load history starts then); None: as first created.
    recreated_at: datetime.datetime | None = None


@dataclass(frozen=True)
class _DynamicTable:
    name: str
    columns: tuple[str, ...]
    body: str


class LocalWarehouse:
    """The warehouse of `make run`: `apply()` the migrations, `ingest()` each notified model file through its
    table's pipe, `refresh()` the final tables, then read `counts()`, `rejects()` or `query()`. Also a context
    manager; `close()` releases the DuckDB files."""

    def __init__(
        self,
        db_dir: Path,
        stage_root: Path,
        config: PipelineConfig,
        variables: dict[str, str],
        migrations: list[Migration] | None = None,
    ) -> None:
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
        self._migrations = load_migrations() if migrations is None else migrations
        # What Snowflake would hold for objects with no local counterpart: {object name: {PROPERTY: value}}.
        self.settings: dict[str, dict[str, str]] = {}
        self._stage_prefixes: dict[str, str] = {}
        self._pipes: dict[str, _Pipe] = {}
        self._dynamic_tables: dict[str, _DynamicTable] = {}
        self._views: dict[str, None] = {}
        self._landing_columns: dict[str, set[str]] = {}  # table -> its columns, for ADD COLUMN IF NOT EXISTS
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
        stage_file = key[len(stage_prefix) :]
        cursor = self._connection.cursor()
        force = pipe.recreated_at is not None and not self._loaded_since(cursor, table_name, stage_file, pipe)
        columns = set(pq.read_schema(self.stage_root / key).names)
        copy = self._pipe_copy_for(pipe, stage_file, key[len(location) :], columns, force=force)
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
        if not plan.applied:
            return  # a new warehouse, or one of the retired V001-V008 only: apply() defines everything
        for migration in (*plan.applied, *plan.repeatables):
            for statement in statements_of(migration, self._variables):
                if statement.kind in _SESSION_STATE:
                    self._run(cursor, statement, restoring=True)
        # The pipes as they were last created, which a changed script has not replaced yet (apply() does).
        for name, table, copy_sql, recreated_at in self._stored_pipes(cursor):
            copy = _parse_copy(copy_sql)
            self._pipes[table] = self._pipe(name, copy, recreated_at)

    def _run(self, cursor: Any, statement: Statement, restoring: bool = False) -> None:
        """The applier's statement runner: run on fakesnow what it can run, emulate the rest."""
        kind = statement.kind
        if kind in _ACCOUNT_OBJECTS:
            logger.info("%s: %s %s has no local counterpart", statement.where, kind, statement.name)
            if statement.properties:
                self.settings.setdefault(statement.name.upper(), {}).update(statement.properties)
        elif kind == kinds.STAGE:
            cursor.execute(self._local_stage(statement))
        elif kind == kinds.ALTER_STAGE:
            cursor.execute(self._local_stage_moved(statement))
        elif kind == kinds.PIPE:
            if restoring:
                self._register_pipe(statement)
            else:
                self._apply_pipe(cursor, statement)
        elif kind == kinds.ALTER_TABLE and self._column_exists(cursor, statement):
            pass  # ADD COLUMN IF NOT EXISTS of a column the table has: nothing to do, and fakesnow is slow at it
        elif kind == kinds.TABLE and self._table_exists(cursor, statement.name):
            # fakesnow empties a table's load history on any CREATE TABLE, even IF NOT EXISTS on an existing
            # table, which in Snowflake changes nothing; so it is not run when the table exists.
            logger.info("%s: table %s exists", statement.where, statement.name)
        elif kind == kinds.DYNAMIC_TABLE:
            self.settings[statement.name.upper()] = dict(statement.properties)
            self._register_dynamic_table(cursor, statement, create=not restoring)
        elif kind == kinds.VIEW:
            self._views[statement.name.upper()] = None
            if not restoring:
                cursor.execute(statement.text)
        else:
            cursor.execute(statement.text)

    def _column_exists(self, cursor: Any, statement: Statement) -> bool:
        """Whether the column an ALTER TABLE ... ADD COLUMN IF NOT EXISTS adds is there already (then the
        statement is a no-op, and fakesnow is slow at it); the columns are read once per table."""
        added = statement.expression.find(exp.ColumnDef) if statement.expression is not None else None
        if added is None:
            return False
        table = statement.name.upper()
        if table not in self._landing_columns:
            database, schema, name = table.split(".")
            cursor.execute(
                "SELECT UPPER(column_name) FROM information_schema.columns "
                "WHERE UPPER(table_catalog) = %s AND UPPER(table_schema) = %s AND UPPER(table_name) = %s",
                (database, schema, name),
            )
            self._landing_columns[table] = {row[0] for row in cursor.fetchall()}
        exists = added.name.upper() in self._landing_columns[table]
        self._landing_columns[table].add(added.name.upper())  # it will be once the statement has run
        return exists

    @staticmethod
    def _table_exists(cursor: Any, name: str) -> bool:
        database, schema, table = name.upper().split(".")
        cursor.execute(
            "SELECT COUNT(*) FROM information_schema.tables "
            "WHERE UPPER(table_catalog) = %s AND UPPER(table_schema) = %s AND UPPER(table_name) = %s",
            (database, schema, table),
        )
        return int(cursor.fetchone()[0]) > 0

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

    def _local_stage_moved(self, statement: Statement) -> str:
        """ALTER STAGE ... SET URL as the local stage created again on the new prefix (fakesnow has no ALTER)."""
        url = statement.properties.get("URL", "").strip("'")
        if not url.startswith("s3://"):
            raise WarehouseError(f"{statement.where}: the local warehouse can only move a stage to another s3:// URL")
        prefix = url.split("://", 1)[1].partition("/")[2]
        self._stage_prefixes[statement.name.upper()] = prefix
        return f"CREATE OR REPLACE STAGE {statement.name} URL = 'file://{self.stage_root}/{prefix}'"

    def _pipe(self, name: str, copy: exp.Copy, recreated_at: datetime.datetime | None = None) -> _Pipe:
        source = next((v.name for v in copy.find_all(exp.Var) if v.name.startswith("@")), None)
        if source is None:
            raise WarehouseError(f"pipe {name} does not load from a stage (@...)")
        stage, _, path = source[1:].partition("/")
        return _Pipe(name, copy, stage.upper(), path, recreated_at)

    @staticmethod
    def _pipe_table(copy: exp.Copy) -> str:
        target = copy.this
        return (target.this if isinstance(target, exp.Schema) else target).name.lower()

    def _register_pipe(self, statement: Statement) -> None:
        assert statement.copy is not None
        self._pipes[self._pipe_table(statement.copy)] = self._pipe(statement.name, statement.copy)

    def _apply_pipe(self, cursor: Any, statement: Statement) -> None:
        """applier.pipes.apply_pipe, locally: create if missing, recreate by the procedure if the COPY changed."""
        assert statement.copy is not None
        table = self._pipe_table(statement.copy)
        current = self._pipes.get(table)
        if current is not None and current.copy.sql("snowflake") == statement.copy.sql("snowflake"):
            self._store_pipe(cursor, current)  # a warehouse from before ADMIN.LOCAL_PIPES records it now
            return
        if current is None:
            pipe = self._pipe(statement.name, statement.copy)
            self._pipes[table] = pipe
            self._store_pipe(cursor, pipe)
            return
        # The procedure: paused (no file is pending locally), recreated with an empty load history, resumed,
        # and the files staged since the pause minus the margin loaded again (REFRESH MODIFIED_AFTER).
        paused_at = datetime.datetime.now(datetime.UTC)
        pipe = self._pipe(statement.name, statement.copy, recreated_at=paused_at)
        self._pipes[table] = pipe
        self._store_pipe(cursor, pipe)
        logger.info("%s: pipe %s recreated with its new COPY", statement.where, statement.name)
        folder = self.stage_root / self._stage_prefixes[pipe.stage] / pipe.path
        since = (paused_at - GAP_MARGIN).timestamp()
        staged = sorted(f for f in folder.rglob(f"*{MODEL_FILE_SUFFIX}") if f.stat().st_mtime >= since)
        for path in staged:
            self.ingest(table, path.relative_to(self.stage_root).as_posix())

    def _stored_pipes(self, cursor: Any) -> list[tuple[str, str, str, datetime.datetime | None]]:
        try:
            cursor.execute(f"SELECT NAME, TABLE_NAME, COPY_SQL, RECREATED_AT FROM {self._local_pipes}")
        except snowflake.connector.errors.ProgrammingError:
            return []  # a warehouse from before the table: the pipes come from the statements
        return [
            (name, table, copy_sql, None if at is None else at.replace(tzinfo=datetime.UTC))
            for name, table, copy_sql, at in cursor.fetchall()
        ]

    def _store_pipe(self, cursor: Any, pipe: _Pipe) -> None:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {self._local_pipes} "
            "(NAME VARCHAR, TABLE_NAME VARCHAR, COPY_SQL VARCHAR, RECREATED_AT TIMESTAMP_NTZ)"
        )
        table = self._pipe_table(pipe.copy)
        cursor.execute(f"DELETE FROM {self._local_pipes} WHERE TABLE_NAME = %s", (table,))
        recreated_at = None if pipe.recreated_at is None else pipe.recreated_at.replace(tzinfo=None).isoformat()
        cursor.execute(
            f"INSERT INTO {self._local_pipes} (NAME, TABLE_NAME, COPY_SQL, RECREATED_AT) VALUES (%s, %s, %s, %s)",
            (pipe.name, table, pipe.copy.sql("snowflake"), recreated_at),
        )

    @property
    def _local_pipes(self) -> str:
        return f"{self._variables['DATABASE']}.{self._variables['ADMIN_SCHEMA']}.{_LOCAL_PIPES}"

    def _loaded_since(self, cursor: Any, table_name: str, stage_file: str, pipe: _Pipe) -> bool:
        """Whether the pipe loaded `stage_file` since it was last recreated (its own load history)."""
        assert pipe.recreated_at is not None
        landing = f"{self._variables['DATABASE']}.{self._variables['LANDING_SCHEMA']}.{table_name.upper()}"
        cursor.execute(
            f"SELECT COUNT(*) FROM {landing} WHERE loaded_file = %s AND loaded_at >= %s",
            (stage_file, pipe.recreated_at.isoformat(sep=" ")),
        )
        return int(cursor.fetchone()[0]) > 0

    def _pipe_copy_for(
        self, pipe: _Pipe, stage_file: str, pipe_file: str, file_columns: set[str], force: bool = False
    ) -> exp.Copy:
        copy = pipe.copy.copy()
        # Snowflake reads a column the Parquet file does not have ($1:col) as NULL, e.g. a file written before the
        # model gained the column; DuckDB refuses the unknown column, so the emulation writes the NULL in.
        for value in list(copy.find_all(exp.JSONExtract)):
            key = value.find(exp.JSONPathKey)
            if key is not None and key.this not in file_columns:
                value.replace(exp.Null())
        load_time = datetime.datetime.now(datetime.UTC).isoformat(sep=" ")
        for column in list(copy.find_all(exp.Column)):
            if column.name.upper() == "METADATA$FILENAME":
                column.replace(exp.Literal.string(stage_file))
            elif column.name.upper() == "METADATA$START_SCAN_TIME":
                column.replace(exp.cast(exp.Literal.string(load_time), "TIMESTAMPLTZ"))
        parameters = [p for p in copy.args.get("params") or [] if p.this.name.upper() != "ON_ERROR"]
        files = exp.CopyParameter(this=exp.Var(this="FILES"), expression=exp.Paren(this=exp.Literal.string(pipe_file)))
        if force:
            parameters.append(exp.CopyParameter(this=exp.Var(this="FORCE"), expression=exp.true()))
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
