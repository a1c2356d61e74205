"""applier.statements: the project's own rules, checked on every statement before anything runs.

Snowflake validates its syntax itself; these rules are what Snowflake would accept but this project must not
do (replace what holds state, a pipe without an error policy or stamping CURRENT_TIMESTAMP, a dynamic table
left on REFRESH_MODE = AUTO), and the kinds the local emulation needs.
"""

from __future__ import annotations

import re

import pytest

from applier import load_migrations, statements_of
from applier.errors import StatementError
from applier.statements import classify

MIGRATIONS = load_migrations()


@pytest.mark.parametrize("migration", MIGRATIONS, ids=[m.filename for m in MIGRATIONS])
def test_every_rendered_statement_of_the_scripts_passes_the_checks(migration, variables) -> None:
    statements = statements_of(migration, variables)

    assert statements, f"{migration.filename} has no statements"
    assert all(s.kind for s in statements)


def _statement(variables: dict[str, str], kind: str, containing: str = "") -> str:
    """The rendered text of the first project statement of `kind` (containing `containing`)."""
    for migration in MIGRATIONS:
        for statement in statements_of(migration, variables):
            if statement.kind == kind and containing in statement.text:
                return statement.text
    raise AssertionError(f"no {kind} statement containing {containing!r} in the scripts")


def test_a_pipe_without_an_on_error_policy_is_refused(variables) -> None:
    pipe = _statement(variables, "pipe").replace("ON_ERROR = SKIP_FILE", "")

    with pytest.raises(StatementError, match="explicit ON_ERROR"):
        classify(pipe, "R__20 line 1")


def test_a_pipe_stamping_rows_with_current_timestamp_is_refused(variables) -> None:
    pipe = _statement(variables, "pipe").replace("METADATA$START_SCAN_TIME", "CURRENT_TIMESTAMP()")

    with pytest.raises(StatementError, match="METADATA\\$START_SCAN_TIME"):
        classify(pipe, "R__20 line 1")


def test_a_pipe_must_load_from_a_stage_through_a_select(variables) -> None:
    pipe = re.sub(r"FROM @\S+", "FROM SPOTIFY.LANDING.OTHER_TABLE", _statement(variables, "pipe"))

    with pytest.raises(StatementError, match=r"COPY must read FROM \(SELECT"):
        classify(pipe, "R__20 line 1")


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE OR REPLACE TABLE SPOTIFY.LANDING.T (a VARCHAR)",
        "CREATE OR REPLACE STORAGE INTEGRATION S TYPE = EXTERNAL_STAGE",
        "CREATE OR REPLACE NOTIFICATION INTEGRATION E ENABLED = TRUE",
        "CREATE OR REPLACE STAGE SPOTIFY.LANDING.S URL = 's3://b/model/'",
        "CREATE OR REPLACE DATABASE SPOTIFY",
    ],
)
def test_create_or_replace_is_refused_on_what_holds_state(statement: str) -> None:
    with pytest.raises(StatementError, match="CREATE OR REPLACE .* is not allowed"):
        classify(statement, "R__10 line 1")


def test_a_script_cannot_replace_a_pipe_only_the_procedure_does(variables) -> None:
    pipe = _statement(variables, "pipe").replace("CREATE PIPE IF NOT EXISTS", "CREATE OR REPLACE PIPE")

    with pytest.raises(StatementError, match="CREATE OR REPLACE PIPE is not allowed"):
        classify(pipe, "R__20 line 1")


def test_a_derived_object_may_be_redefined_with_create_or_replace(variables) -> None:
    assert classify(_statement(variables, "dynamic_table"), "R__40 line 1").kind == "dynamic_table"
    assert classify(_statement(variables, "view"), "R__30 line 1").kind == "view"


def test_every_dynamic_table_names_an_explicit_refresh_mode_other_than_auto(variables) -> None:
    dynamic = _statement(variables, "dynamic_table")
    assert "REFRESH_MODE = FULL" in dynamic

    with pytest.raises(StatementError, match="REFRESH_MODE = AUTO; say INCREMENTAL or FULL"):
        classify(dynamic.replace("REFRESH_MODE = FULL", "REFRESH_MODE = AUTO"), "R__40 line 1")
    with pytest.raises(StatementError, match="has no REFRESH_MODE"):
        classify(dynamic.replace("REFRESH_MODE = FULL", ""), "R__40 line 1")


def test_an_alter_table_may_only_add_a_column_if_not_exists() -> None:
    with pytest.raises(StatementError, match="ALTER TABLE needs IF EXISTS"):
        classify("ALTER TABLE SPOTIFY.LANDING.DIM_TRACK ADD COLUMN IF NOT EXISTS tempo FLOAT", "R__10 line 1")
    with pytest.raises(StatementError, match="may only ADD COLUMN IF NOT EXISTS"):
        classify("ALTER TABLE IF EXISTS SPOTIFY.LANDING.DIM_TRACK DROP COLUMN tempo", "R__10 line 1")

    statement = classify("ALTER TABLE IF EXISTS SPOTIFY.LANDING.DIM_TRACK ADD COLUMN IF NOT EXISTS tempo FLOAT", "x")
    assert statement.kind == "alter_table"


def test_a_setting_is_changed_with_alter_if_exists_set(variables) -> None:
    statement = classify(_statement(variables, "alter_warehouse"), "R__60 line 1")

    assert statement.properties == {"WAREHOUSE_SIZE": f"'{variables['WAREHOUSE_SIZE']}'"}
    with pytest.raises(StatementError, match="may only SET"):
        classify("ALTER WAREHOUSE IF EXISTS W SUSPEND", "R__60 line 1")


def test_a_create_without_if_not_exists_is_refused() -> None:
    with pytest.raises(StatementError, match="needs IF NOT EXISTS"):
        classify("CREATE SCHEMA SPOTIFY.EXTRA", "V012 line 1")


def test_a_statement_of_an_unknown_kind_is_refused_with_what_to_do() -> None:
    with pytest.raises(StatementError, match="not a statement the applier knows how to re-run safely"):
        classify("CREATE TASK IF NOT EXISTS T SCHEDULE = '5 MINUTE' AS SELECT 1", "V012 line 1")
    with pytest.raises(StatementError, match="not a statement the applier knows"):
        classify("DROP TABLE SPOTIFY.LANDING.DIM_TRACK", "V012 line 1")


def test_invalid_sql_names_where_it_is() -> None:
    with pytest.raises(StatementError, match="V012__x.sql line 3: not valid Snowflake SQL"):
        classify("CREATE VIEW IF NOT EXISTS V AS SELECT (1", "V012__x.sql line 3")


def test_an_objects_settings_are_read_as_properties(variables) -> None:
    warehouse = classify(_statement(variables, "warehouse"), "V009 line 1")

    assert warehouse.properties["WAREHOUSE_SIZE"] == f"'{variables['WAREHOUSE_SIZE']}'"
    assert warehouse.properties["AUTO_SUSPEND"] == "60"
    with pytest.raises(StatementError, match="cannot read"):
        classify("CREATE WAREHOUSE IF NOT EXISTS W WAREHOUSE_SIZE 'XSMALL'", "V012 line 1")
