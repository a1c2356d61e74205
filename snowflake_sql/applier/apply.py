"""Apply pending versioned scripts in version order, then the repeatable scripts whose rendered text changed,
and record each (versions in the history table, repeatable scripts with their rendered checksum).

The same code runs against Snowflake (the custom resource, the CLI) and the local warehouse (fakesnow): the
caller passes a DB-API connection and, optionally, `run_statement`, the one place where a statement meets the
warehouse. The local runtime passes one that emulates what fakesnow cannot run; the SQL stays the same.

Snowflake DDL commits as it goes, so a migration is not atomic: a file that fails halfway is not recorded,
and the next run applies it again from the top, which is safe because every statement is re-runnable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import snowflake.connector.errors

from applier.errors import MigrationError
from applier.migrations import RETIRED_VERSIONS, Migration, load_migrations, render, split_statements
from applier.pipes import apply_pipe
from applier.statements import PIPE, Statement, classify
from applier.variables import check_variables

logger = logging.getLogger("applier")

# Snowflake's "Object does not exist or not authorized" (fakesnow raises the same for a missing table).
_DOES_NOT_EXIST = 2003

StatementRunner = Callable[[Any, Statement], None]


@dataclass(frozen=True)
class AppliedVersion:
    version: int
    script: str
    checksum: str


@dataclass(frozen=True)
class Plan:
    applied: tuple[Migration, ...]  # versioned scripts already applied
    pending: tuple[Migration, ...]  # versioned scripts to apply, then repeatable ones whose rendered text changed
    repeatables: tuple[Migration, ...] = ()  # every repeatable script: the current definitions


def plan_migrations(
    migrations: list[Migration],
    history: list[AppliedVersion],
    variables: dict[str, str] | None = None,
    repeatable_history: dict[str, str] | None = None,
    retired: dict[int, tuple[str, str]] = RETIRED_VERSIONS,
) -> Plan:
    """Which scripts are applied and which are pending; MigrationError if files and history disagree.

    A repeatable script is pending when its rendered text (with `variables`) differs from the one last applied
    (`repeatable_history`: script label -> rendered checksum), or an earlier one is; without `variables`, none is.
    """
    versioned = [m for m in migrations if not m.repeatable]
    repeatables = tuple(m for m in migrations if m.repeatable)
    by_version = {m.version: m for m in versioned if m.version is not None}
    for applied in history:
        migration = by_version.get(applied.version)
        if migration is None:
            _check_retired(applied, retired)
            continue
        if migration.checksum != applied.checksum:
            next_version = max(max(by_version), *retired) + 1
            raise MigrationError(
                f"{migration.filename} changed after it was applied (recorded checksum {applied.checksum[:12]}, "
                f"now {migration.checksum[:12]}); revert the edit and put the change in a new "
                f"V{next_version:03d}__<name>.sql (or, for a derived object, in an R__ script)"
            )
    applied_versions = {a.version for a in history}
    pending = [m for m in versioned if m.version not in applied_versions]
    first_pending = pending[0].version if pending else None
    if first_pending is not None and applied_versions and first_pending < max(applied_versions):
        raise MigrationError(
            f"{pending[0].filename} is new but V{max(applied_versions):03d} is already applied; "
            f"renumber it above V{max(applied_versions):03d}"
        )
    if variables is not None:
        # From the first repeatable script whose rendered text changed, every later one runs too: a later script
        # may build on what an earlier one re-created (Snowflake binds a view's columns when it is created).
        recorded = repeatable_history or {}
        changed = [i for i, m in enumerate(repeatables) if recorded.get(m.label) != m.rendered_checksum(variables)]
        pending += list(repeatables[changed[0] :]) if changed else []
    return Plan(tuple(m for m in versioned if m.version in applied_versions), tuple(pending), repeatables)


def _check_retired(applied: AppliedVersion, retired: dict[int, tuple[str, str]]) -> None:
    known = retired.get(applied.version)
    if known is None:
        raise MigrationError(
            f"the warehouse has V{applied.version:03d} ({applied.script}) applied but migrations/ has no "
            "such file; restore it from git (applied files are never deleted)"
        )
    if known != (applied.script, applied.checksum):
        raise MigrationError(
            f"the warehouse has V{applied.version:03d} applied as {applied.script} (checksum "
            f"{applied.checksum[:12]}), not the released {known[0]} ({known[1][:12]}) that the R__ scripts "
            "replaced; compare the warehouse's objects with the R__ scripts before upgrading it by hand"
        )


def statements_of(migration: Migration, variables: dict[str, str]) -> list[Statement]:
    """The migration's statements, rendered and checked (StatementError names the file and line)."""
    rendered = render(migration.text, variables, migration.filename)
    return [classify(sql.text, f"{migration.filename} line {sql.line}") for sql in split_statements(rendered)]


def read_history(cursor: Any, variables: dict[str, str]) -> list[AppliedVersion]:
    """The recorded versions; none when the history table does not exist yet (V001 creates it)."""
    try:
        cursor.execute(f"SELECT VERSION, SCRIPT, CHECKSUM FROM {variables['HISTORY_TABLE']} ORDER BY VERSION")
    except snowflake.connector.errors.ProgrammingError as error:
        if error.errno == _DOES_NOT_EXIST:
            return []
        raise
    return [AppliedVersion(int(version), script, checksum) for version, script, checksum in cursor.fetchall()]


def read_repeatable_history(cursor: Any, variables: dict[str, str]) -> dict[str, str]:
    """{script label: rendered checksum last applied}; empty before V009 created the table."""
    try:
        cursor.execute(
            f"SELECT SCRIPT, CHECKSUM FROM {variables['REPEATABLE_HISTORY_TABLE']} "
            "QUALIFY ROW_NUMBER() OVER (PARTITION BY SCRIPT ORDER BY APPLIED_AT DESC) = 1"
        )
    except snowflake.connector.errors.ProgrammingError as error:
        if error.errno == _DOES_NOT_EXIST:
            return {}
        raise
    return {str(script): str(checksum) for script, checksum in cursor.fetchall()}


def run_on_snowflake(cursor: Any, statement: Statement) -> None:
    """Run one statement; a pipe whose definition changed is recreated by the documented procedure."""
    if statement.kind == PIPE:
        apply_pipe(cursor, statement)
    else:
        cursor.execute(statement.text)


def apply_migrations(
    connection: Any,
    variables: dict[str, str],
    migrations: list[Migration] | None = None,
    run_statement: StatementRunner = run_on_snowflake,
    dry_run: bool = False,
) -> list[str]:
    """Apply the pending scripts in order; return their labels (`V001`, `R__...`), [] when none is pending.

    Every pending statement is rendered and checked before the first one runs, so a typo stops the run before
    it changes anything. With `dry_run`, nothing runs: the pending labels are returned and their statements
    logged.
    """
    check_variables(variables)
    migrations = load_migrations() if migrations is None else migrations
    cursor = connection.cursor()
    plan = plan_migrations(
        migrations, read_history(cursor, variables), variables, read_repeatable_history(cursor, variables)
    )
    pending = [(migration, statements_of(migration, variables)) for migration in plan.pending]
    if not pending:
        logger.info(
            "warehouse is up to date (%d versions applied, %d repeatable scripts current)",
            len(plan.applied),
            len(plan.repeatables),
        )
        return []
    for migration, statements in pending:
        if dry_run:
            logger.info("would apply %s:\n%s", migration.filename, ";\n".join(s.text for s in statements))
            continue
        logger.info("applying %s (%d statements)", migration.filename, len(statements))
        for statement in statements:
            try:
                run_statement(cursor, statement)
            except snowflake.connector.errors.Error as error:
                reason = str(error.msg or error).strip().splitlines()[0]
                raise MigrationError(
                    f"{statement.where}: Snowflake refused the statement ({reason}); fix {migration.filename} "
                    "(it is not recorded as applied, so the next run applies it again)"
                ) from None
        if migration.repeatable:
            cursor.execute(
                f"INSERT INTO {variables['REPEATABLE_HISTORY_TABLE']} (SCRIPT, CHECKSUM, APPLIED_AT) "
                "SELECT %s, %s, CURRENT_TIMESTAMP()",
                (migration.label, migration.rendered_checksum(variables)),
            )
            continue
        cursor.execute(
            f"INSERT INTO {variables['HISTORY_TABLE']} (VERSION, SCRIPT, CHECKSUM, APPLIED_AT) "
            "SELECT %s, %s, %s, CURRENT_TIMESTAMP()",
            (migration.version, migration.filename, migration.checksum),
        )
    return [migration.label for migration, _ in pending]
