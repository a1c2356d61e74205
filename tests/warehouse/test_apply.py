"""applier.apply: pending versions in order, the history table, idempotent re-runs, drift refused.

Runs tiny migration folders against fakesnow (a real SQL engine behind the connector's API).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fakesnow
import pytest
import snowflake.connector

from applier import apply_migrations, load_migrations, plan_migrations, read_history
from applier.errors import MigrationError, StatementError

HISTORY = """
CREATE SCHEMA IF NOT EXISTS ${DATABASE}.${ADMIN_SCHEMA};
CREATE TABLE IF NOT EXISTS ${HISTORY_TABLE} (
    VERSION NUMBER(10,0) NOT NULL, SCRIPT VARCHAR NOT NULL, CHECKSUM VARCHAR NOT NULL, APPLIED_AT TIMESTAMP_LTZ NOT NULL
);
"""


@pytest.fixture
def connection(variables: dict[str, str]) -> Iterator[Any]:
    with fakesnow.patch():
        opened = snowflake.connector.connect(database=variables["DATABASE"], schema=variables["LANDING_SCHEMA"])
        yield opened
        opened.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three migrations whose names sort differently from their versions; V1000 needs V999's table."""
    (tmp_path / "V001__history.sql").write_text(HISTORY, encoding="utf-8")
    (tmp_path / "V999__plays.sql").write_text(
        "CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.PLAYS (track_id VARCHAR);\n", encoding="utf-8"
    )
    (tmp_path / "V1000__plays_view.sql").write_text(
        "CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.PLAY_COUNT AS\n"
        "    SELECT COUNT(*) AS plays FROM ${DATABASE}.${LANDING_SCHEMA}.PLAYS;\n",
        encoding="utf-8",
    )
    return tmp_path


def test_pending_versions_apply_in_version_order_and_are_recorded(connection, folder, variables) -> None:
    # When the folder is applied to an empty warehouse
    applied = apply_migrations(connection, variables, load_migrations(folder))

    # Then every version ran, in numeric order (V1000's view needs V999's table), and is in the history
    assert applied == ["V001", "V999", "V1000"]
    assert connection.cursor().execute(f"SELECT plays FROM {variables['DATABASE']}.LANDING.PLAY_COUNT").fetchall()
    rows = connection.cursor().execute(
        f"SELECT VERSION, SCRIPT, CHECKSUM, APPLIED_AT FROM {variables['HISTORY_TABLE']} ORDER BY VERSION"
    )
    history = rows.fetchall()
    assert [(int(v), s) for v, s, _, _ in history] == [
        (1, "V001__history.sql"),
        (999, "V999__plays.sql"),
        (1000, "V1000__plays_view.sql"),
    ]
    assert [c for _, _, c, _ in history] == [m.checksum for m in load_migrations(folder)]
    assert all(applied_at is not None for *_, applied_at in history)


def test_applying_again_applies_nothing(connection, folder, variables) -> None:
    apply_migrations(connection, variables, load_migrations(folder))

    assert apply_migrations(connection, variables, load_migrations(folder)) == []
    assert len(read_history(connection.cursor(), variables)) == 3


def test_only_a_new_version_is_applied_on_the_next_run(connection, folder, variables) -> None:
    apply_migrations(connection, variables, load_migrations(folder))
    (folder / "V1001__saved.sql").write_text(
        "CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.SAVED (track_id VARCHAR);\n", encoding="utf-8"
    )

    assert apply_migrations(connection, variables, load_migrations(folder)) == ["V1001"]


def test_an_applied_file_that_changed_is_refused_before_anything_runs(connection, folder, variables) -> None:
    apply_migrations(connection, variables, load_migrations(folder))
    (folder / "V999__plays.sql").write_text(
        "CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.PLAYS (track_id VARCHAR, ms NUMBER);\n",
        encoding="utf-8",
    )
    (folder / "V1001__saved.sql").write_text(
        "CREATE TABLE IF NOT EXISTS ${DATABASE}.${LANDING_SCHEMA}.SAVED (track_id VARCHAR);\n", encoding="utf-8"
    )

    with pytest.raises(MigrationError, match=r"V999__plays.sql changed after it was applied.*new V1002__"):
        apply_migrations(connection, variables, load_migrations(folder))
    assert len(read_history(connection.cursor(), variables)) == 3


def test_an_applied_file_that_is_missing_is_refused(connection, folder, variables) -> None:
    apply_migrations(connection, variables, load_migrations(folder))
    (folder / "V999__plays.sql").unlink()

    with pytest.raises(MigrationError, match=r"V999 \(V999__plays.sql\) applied but migrations/ has no such file"):
        apply_migrations(connection, variables, load_migrations(folder))


def test_a_new_file_numbered_below_an_applied_one_is_refused(connection, folder, variables) -> None:
    apply_migrations(connection, variables, load_migrations(folder))
    (folder / "V500__late.sql").write_text("CREATE SCHEMA IF NOT EXISTS ${DATABASE}.LATE;\n", encoding="utf-8")

    with pytest.raises(MigrationError, match="V500__late.sql is new but V1000 is already applied"):
        apply_migrations(connection, variables, load_migrations(folder))


def test_a_failing_statement_names_its_file_and_line_and_is_not_recorded(connection, folder, variables) -> None:
    (folder / "V1001__broken.sql").write_text(
        "CREATE SCHEMA IF NOT EXISTS ${DATABASE}.EXTRA;\n\n"
        "CREATE OR REPLACE VIEW ${DATABASE}.EXTRA.V AS SELECT missing_column FROM ${DATABASE}.LANDING.PLAYS;\n",
        encoding="utf-8",
    )

    with pytest.raises(MigrationError, match=r"V1001__broken.sql line 3: Snowflake refused the statement"):
        apply_migrations(connection, variables, load_migrations(folder))

    assert [a.version for a in read_history(connection.cursor(), variables)] == [1, 999, 1000]


def test_a_typo_in_a_later_file_stops_the_run_before_any_file_runs(connection, folder, variables) -> None:
    (folder / "V1001__typo.sql").write_text("GRANT USAGE ON DATABASE ${DATABASE} TO ROLLE X;\n", encoding="utf-8")

    with pytest.raises(StatementError, match="V1001__typo.sql line 1"):
        apply_migrations(connection, variables, load_migrations(folder))

    assert read_history(connection.cursor(), variables) == []


def test_a_dry_run_lists_pending_versions_and_changes_nothing(connection, folder, variables, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="applier"):
        pending = apply_migrations(connection, variables, load_migrations(folder), dry_run=True)

    assert pending == ["V001", "V999", "V1000"]
    assert "would apply V999__plays.sql" in caplog.text
    assert read_history(connection.cursor(), variables) == []


REPEATABLE_HISTORY = """
CREATE TABLE IF NOT EXISTS ${REPEATABLE_HISTORY_TABLE} (
    SCRIPT VARCHAR NOT NULL, CHECKSUM VARCHAR NOT NULL, APPLIED_AT TIMESTAMP_LTZ NOT NULL
);
"""


@pytest.fixture
def with_repeatable(folder: Path) -> Path:
    """The folder plus the repeatable history and a repeatable view whose text depends on a setting."""
    (folder / "V1001__repeatable_history.sql").write_text(REPEATABLE_HISTORY, encoding="utf-8")
    (folder / "R__play_count.sql").write_text(
        "CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.LAG AS SELECT '${TARGET_LAG}' AS target_lag;\n",
        encoding="utf-8",
    )
    return folder


def test_a_repeatable_script_runs_after_the_versions_and_again_only_when_its_rendered_text_changes(
    connection, with_repeatable, variables
) -> None:
    scripts = load_migrations(with_repeatable)

    assert apply_migrations(connection, variables, scripts) == ["V001", "V999", "V1000", "V1001", "R__play_count"]
    assert apply_migrations(connection, variables, scripts) == []

    # A changed setting changes the rendered text: the script runs again, the versions do not
    changed = {**variables, "TARGET_LAG": "30 minutes"}
    assert apply_migrations(connection, changed, scripts) == ["R__play_count"]
    lag = connection.cursor().execute(f"SELECT target_lag FROM {variables['DATABASE']}.LANDING.LAG").fetchall()
    assert lag == [("30 minutes",)]
    assert apply_migrations(connection, changed, scripts) == []


def test_a_repeatable_script_may_change_its_text(connection, with_repeatable, variables) -> None:
    apply_migrations(connection, variables, load_migrations(with_repeatable))
    (with_repeatable / "R__play_count.sql").write_text(
        "CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.LAG AS SELECT 'edited' AS target_lag;\n",
        encoding="utf-8",
    )

    assert apply_migrations(connection, variables, load_migrations(with_repeatable)) == ["R__play_count"]


def test_history_of_retired_versions_is_accepted_when_it_matches_their_release(connection, folder, variables):
    apply_migrations(connection, variables, load_migrations(folder))
    retired = {999: ("V999__plays.sql", load_migrations(folder)[1].checksum)}
    (folder / "V999__plays.sql").unlink()

    plan = plan_migrations(load_migrations(folder), read_history(connection.cursor(), variables), retired=retired)
    assert plan.pending == ()

    with pytest.raises(MigrationError, match=r"V999 applied as V999__plays.sql .* not the released"):
        plan_migrations(
            load_migrations(folder),
            read_history(connection.cursor(), variables),
            retired={999: ("V999__plays.sql", "0" * 64)},
        )


def test_a_changed_repeatable_script_applies_every_later_one_again(connection, with_repeatable, variables) -> None:
    # Given a later script whose view selects * from the earlier script's view (its columns bound at creation)
    (with_repeatable / "R__zz_report.sql").write_text(
        "CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.REPORT AS\n"
        "    SELECT * FROM ${DATABASE}.${LANDING_SCHEMA}.LAG;\n",
        encoding="utf-8",
    )
    apply_migrations(connection, variables, load_migrations(with_repeatable))

    # When only the earlier script changes, Then both run, in name order; when only the later one does, only it
    (with_repeatable / "R__play_count.sql").write_text(
        "CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.LAG AS SELECT 1 AS a, 2 AS b;\n", encoding="utf-8"
    )
    assert apply_migrations(connection, variables, load_migrations(with_repeatable)) == [
        "R__play_count",
        "R__zz_report",
    ]
    (with_repeatable / "R__zz_report.sql").write_text(
        "CREATE OR REPLACE VIEW ${DATABASE}.${LANDING_SCHEMA}.REPORT AS\n"
        "    SELECT a FROM ${DATABASE}.${LANDING_SCHEMA}.LAG;\n",
        encoding="utf-8",
    )
    assert apply_migrations(connection, variables, load_migrations(with_repeatable)) == ["R__zz_report"]
