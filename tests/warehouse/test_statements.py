"""applier.statements: every statement is checked before it runs, including those fakesnow cannot run.

sqlglot's Snowflake dialect parses what it can; pipes, roles, grants and notification integrations it returns
as opaque Commands, so the text checks must catch typos there.
"""

from __future__ import annotations

import pytest

from applier import load_migrations, statements_of
from applier.errors import StatementError
from applier.statements import classify

MIGRATIONS = load_migrations()


@pytest.mark.parametrize("migration", MIGRATIONS, ids=[m.filename for m in MIGRATIONS])
def test_every_rendered_statement_of_the_migrations_passes_the_checks(migration, variables) -> None:
    statements = statements_of(migration, variables)

    assert statements, f"{migration.filename} has no statements"
    assert all(s.kind for s in statements)


def _statement(variables: dict[str, str], kind: str, containing: str = "") -> str:
    """The rendered text of the first project statement of `kind` (containing `containing`)."""
    for migration in MIGRATIONS:
        for statement in statements_of(migration, variables):
            if statement.kind == kind and containing in statement.text:
                return statement.text
    raise AssertionError(f"no {kind} statement containing {containing!r} in the migrations")


def test_a_typo_in_a_pipe_property_is_caught(variables) -> None:
    pipe = _statement(variables, "pipe").replace("AUTO_INGEST", "AUTO_INGST")

    with pytest.raises(StatementError, match="unknown property AUTO_INGST"):
        classify(pipe, "V004__pipes.sql line 1")


def test_a_typo_inside_a_pipe_copy_is_caught(variables) -> None:
    pipe = _statement(variables, "pipe").replace("FROM (", "FORM (", 1)

    with pytest.raises(StatementError, match=r"COPY must read FROM \(SELECT"):
        classify(pipe, "V004__pipes.sql line 1")


def test_a_misspelled_copy_option_is_caught(variables) -> None:
    pipe = _statement(variables, "pipe").replace("ON_ERROR", "ON_ERORR")

    with pytest.raises(StatementError, match="unknown option ON_ERORR"):
        classify(pipe, "V004__pipes.sql line 1")


def test_a_pipe_loading_fewer_values_than_columns_is_refused(variables) -> None:
    pipe = _statement(variables, "pipe").replace("METADATA$FILENAME,", "")

    with pytest.raises(StatementError, match="one value per target column"):
        classify(pipe, "V004__pipes.sql line 1")


def test_a_pipe_without_an_on_error_policy_is_refused(variables) -> None:
    pipe = _statement(variables, "pipe").replace("ON_ERROR = SKIP_FILE", "")

    with pytest.raises(StatementError, match="explicit ON_ERROR"):
        classify(pipe, "V004__pipes.sql line 1")


def test_a_pipe_stamping_rows_with_current_timestamp_is_refused(variables) -> None:
    pipe = _statement(variables, "pipe").replace("METADATA$START_SCAN_TIME", "CURRENT_TIMESTAMP()")

    with pytest.raises(StatementError, match="METADATA\\$START_SCAN_TIME"):
        classify(pipe, "V004__pipes.sql line 1")


def test_a_misspelled_privilege_is_caught_even_where_sqlglot_accepts_the_grant(variables) -> None:
    grant = _statement(variables, "grant", "ON DATABASE").replace("GRANT USAGE", "GRANT USAG")

    with pytest.raises(StatementError, match="'USAG' is not a privilege on a DATABASE"):
        classify(grant, "V001 line 1")


def test_a_future_grant_sqlglot_cannot_parse_is_still_checked(variables) -> None:
    grant = _statement(variables, "grant", "FUTURE VIEWS").replace("GRANT SELECT", "GRANT SELCT")

    with pytest.raises(StatementError, match="'SELCT' is not a privilege on a VIEW"):
        classify(grant, "V001 line 1")


def test_a_privilege_that_does_not_apply_to_the_object_is_refused() -> None:
    with pytest.raises(StatementError, match="'SELECT' is not a privilege on a DATABASE"):
        classify("GRANT SELECT ON DATABASE SPOTIFY TO ROLE SPOTIFY_BI", "V009 line 1")


def test_create_or_replace_is_refused_where_it_would_reset_load_history(variables) -> None:
    with pytest.raises(StatementError, match="resets a table's or pipe's load history"):
        classify("CREATE OR REPLACE TABLE SPOTIFY.LANDING.T (a VARCHAR)", "V009 line 1")

    pipe = _statement(variables, "pipe").replace("CREATE PIPE IF NOT EXISTS", "CREATE OR REPLACE PIPE")
    with pytest.raises(StatementError, match="CREATE OR REPLACE PIPE is not allowed"):
        classify(pipe, "V009 line 1")


def test_a_derived_object_may_be_redefined_with_create_or_replace(variables) -> None:
    dynamic = _statement(variables, "dynamic_table").replace(
        "CREATE DYNAMIC TABLE IF NOT EXISTS", "CREATE OR REPLACE DYNAMIC TABLE"
    )

    assert classify(dynamic, "V009 line 1").kind == "dynamic_table"


def test_an_alter_table_that_cannot_be_re_run_is_refused() -> None:
    with pytest.raises(StatementError, match="ALTER TABLE needs IF"):
        classify("ALTER TABLE SPOTIFY.LANDING.DIM_TRACK ADD COLUMN tempo FLOAT", "V009 line 1")

    statement = classify("ALTER TABLE SPOTIFY.LANDING.DIM_TRACK ADD COLUMN IF NOT EXISTS tempo FLOAT", "V009 line 1")
    assert statement.kind == "alter_table"


def test_a_create_without_if_not_exists_is_refused() -> None:
    with pytest.raises(StatementError, match="needs IF NOT EXISTS"):
        classify("CREATE SCHEMA SPOTIFY.EXTRA", "V009 line 1")


def test_an_integration_with_a_malformed_role_arn_is_refused(variables) -> None:
    integration = _statement(variables, "notification_integration").replace(
        variables["ERROR_ROLE_ARN"], "arn:aws:iam::12345:role/short-account"
    )

    with pytest.raises(StatementError, match="AWS_SNS_ROLE_ARN = .* is not a valid value"):
        classify(integration, "V002 line 1")


def test_a_storage_integration_without_allowed_locations_is_refused(variables) -> None:
    integration = _statement(variables, "storage_integration")
    without_locations = integration[: integration.index("STORAGE_ALLOWED_LOCATIONS")]

    with pytest.raises(StatementError, match="needs STORAGE_ALLOWED_LOCATIONS"):
        classify(without_locations, "V002 line 1")


def test_a_statement_sqlglot_cannot_parse_and_no_check_knows_is_refused() -> None:
    with pytest.raises(StatementError, match="no text check"):
        classify("CREATE TASK IF NOT EXISTS T SCHEDULE = '5 MINUTE' AS SELECT 1", "V009 line 1")


def test_invalid_sql_names_where_it_is() -> None:
    with pytest.raises(StatementError, match="V009__x.sql line 3: not valid Snowflake SQL"):
        classify("CREATE VIEW IF NOT EXISTS V AS SELECT (1", "V009__x.sql line 3")
