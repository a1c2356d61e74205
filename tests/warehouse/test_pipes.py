"""applier.pipes: a pipe whose COPY changed is recreated by Snowflake's documented procedure (pause, wait for
pending files, CREATE OR REPLACE, resume, REFRESH the files of the gap); an unchanged one is left alone.

Snowflake is the fake connector (tests/warehouse/conftest.py), which answers SHOW PIPES and SYSTEM$PIPE_STATUS.
"""

from __future__ import annotations

import pytest

from applier import load_migrations, statements_of
from applier.errors import MigrationError
from applier.pipes import PENDING_POLL_SECONDS, apply_pipe
from applier.statements import classify

PIPE = "SPOTIFY.LANDING.DIM_TRACK_PIPE"


@pytest.fixture
def pipe_statement(variables: dict[str, str]):
    return next(s for m in load_migrations() for s in statements_of(m, variables) if s.name == PIPE)


@pytest.fixture
def cursor(fake_snowflake, pipe_statement):
    """A session in which the pipe exists as the current scripts define it."""
    fake_snowflake.role = "ACCOUNTADMIN"
    connection = fake_snowflake.connect()
    cursor = connection.cursor()
    for statement in ("CREATE DATABASE IF NOT EXISTS SPOTIFY", "CREATE SCHEMA IF NOT EXISTS SPOTIFY.LANDING"):
        cursor.execute(statement)
    apply_pipe(cursor, pipe_statement)
    fake_snowflake.statements.clear()
    return cursor


def changed(pipe_statement):
    return classify(pipe_statement.text.replace("$1:track_name::VARCHAR", "TRIM($1:track_name::VARCHAR)"), "R__20")


def procedure(statements: list[str]) -> list[str]:
    """The statements run, with the long ones cut to their head."""
    return [" ".join(s.split()[:5]) for s in statements]


def test_an_unchanged_pipe_is_left_alone_whatever_its_spacing(fake_snowflake, cursor, pipe_statement) -> None:
    respaced = classify(pipe_statement.text.replace("\n        ", " "), "R__20")

    apply_pipe(cursor, respaced)

    assert procedure(fake_snowflake.statements) == ["SHOW PIPES LIKE 'DIM_TRACK_PIPE' IN"]


def test_a_changed_pipe_is_paused_drained_recreated_resumed_and_refreshed(fake_snowflake, cursor, pipe_statement):
    fake_snowflake.pending_files[PIPE] = [2, 1, 0]  # files queued before the pause are still loading
    waits: list[float] = []

    apply_pipe(cursor, changed(pipe_statement), sleep=waits.append)

    assert procedure(fake_snowflake.statements) == [
        "SHOW PIPES LIKE 'DIM_TRACK_PIPE' IN",
        f"ALTER PIPE {PIPE} SET PIPE_EXECUTION_PAUSED",
        "SELECT CURRENT_TIMESTAMP()",
        f"SELECT SYSTEM$PIPE_STATUS('{PIPE}')",
        f"SELECT SYSTEM$PIPE_STATUS('{PIPE}')",
        f"SELECT SYSTEM$PIPE_STATUS('{PIPE}')",
        f"CREATE OR REPLACE PIPE {PIPE}",
        f"ALTER PIPE {PIPE} SET PIPE_EXECUTION_PAUSED",
        f"ALTER PIPE {PIPE} REFRESH MODIFIED_AFTER",
    ]
    assert waits == [PENDING_POLL_SECONDS, PENDING_POLL_SECONDS]
    assert "TRIM(" in fake_snowflake.pipes[PIPE] and PIPE not in fake_snowflake.paused
    # The refresh reaches back before the pause (the fake's clock says 20:00): a file in flight is not lost
    assert fake_snowflake.statements[-1].endswith("MODIFIED_AFTER = '2026-12-03T19:50:00+00:00'")


def test_a_pipe_that_does_not_drain_is_resumed_unchanged_and_the_deploy_says_to_retry(
    fake_snowflake, cursor, pipe_statement
) -> None:
    fake_snowflake.pending_files[PIPE] = [3]

    with pytest.raises(MigrationError, match=f"pipe {PIPE} still had 3 pending files .* resumed unchanged"):
        apply_pipe(cursor, changed(pipe_statement), sleep=lambda _: None, timeout_seconds=60)

    assert not [s for s in fake_snowflake.statements if s.startswith("CREATE")]
    assert PIPE not in fake_snowflake.paused and "TRIM(" not in fake_snowflake.pipes[PIPE]
