"""The SQL follows contracts/model.py: landing and core columns and types, one pipe per table reading the
table's prefix, the rules of the rejects, and the merge policy of each final table.

The SQL that repeats the model is generated (snowflake_sql/model_sql) and committed, so it reads on its own;
the drift tests keep the committed files equal to what the model renders, and no hand-written script defines a
model table's columns. The other tests check the rendered SQL against the contract's meaning.
"""

from __future__ import annotations

import pytest
from sqlglot import exp

from applier import MIGRATIONS_DIR, load_migrations, statements_of
from contracts.model import (
    INSERT_NEW,
    LOADED_TABLES,
    MATCH_PLAYS,
    REPLACE_RUN,
    REPLACE_SNAPSHOT,
    SNOWFLAKE_TYPES,
    TRANSFORMED_AT,
    UPSERT,
    Table,
)
from contracts.processed_zone import MODEL_PREFIX, model_table_prefix
from model_sql import generated_files
from model_sql.__main__ import main as model_sql_main

LANDING_LINEAGE = {"loaded_file": "VARCHAR", "loaded_at": "TIMESTAMPLTZ"}


@pytest.fixture(scope="module")
def statements(variables: dict[str, str]) -> list:
    return [s for m in load_migrations() for s in statements_of(m, variables)]


def test_the_committed_generated_scripts_are_what_the_model_renders() -> None:
    for name, text in generated_files(LOADED_TABLES).items():
        assert (MIGRATIONS_DIR / name).read_text(encoding="utf-8") == text, f"{name}: run `make warehouse-sql`"


def test_the_check_names_a_stale_file_and_writing_fixes_it(tmp_path, capsys) -> None:
    assert model_sql_main(["--root", str(tmp_path)]) == 0
    (tmp_path / "R__20_pipes.sql").write_text("-- hand edited\n", encoding="utf-8")

    assert model_sql_main(["--check", "--root", str(tmp_path)]) == 1
    assert "R__20_pipes.sql differs from what contracts/model.py renders" in capsys.readouterr().out
    assert model_sql_main(["--root", str(tmp_path)]) == 0
    assert model_sql_main(["--check", "--root", str(tmp_path)]) == 0


def test_only_generated_scripts_spell_the_model_tables_columns(variables) -> None:
    generated = set(generated_files(LOADED_TABLES))
    model_kinds = {"table", "dynamic_table", "pipe", "alter_table"}
    model_names = {t.name.upper() for t in LOADED_TABLES} | {f"{t.name.upper()}_CHECKED" for t in LOADED_TABLES}

    for migration in load_migrations():
        if migration.filename in generated:
            continue
        for statement in statements_of(migration, variables):
            name = statement.name.split(".")[-1].upper()
            defines = statement.kind in model_kinds or (statement.kind == "view" and name in model_names)
            assert not (defines and name.removesuffix("_PIPE") in model_names), (
                f"{statement.where} defines {statement.name}; model tables belong in contracts/model.py"
            )


def _by_table(statements: list, kind: str, schema: str) -> dict[str, object]:
    found = {}
    for statement in statements:
        parts = statement.name.split(".")
        if statement.kind == kind and len(parts) == 3 and parts[1] == schema:
            found[parts[2].lower()] = statement
    return found


def _type(snowflake_type: str) -> str:
    return exp.DataType.build(snowflake_type, dialect="snowflake").sql("snowflake")


def _columns(create: exp.Create) -> dict[str, str]:
    return {c.name.lower(): c.args["kind"].sql("snowflake") for c in create.this.expressions}


def _model_columns(table: Table) -> dict[str, str]:
    return {c.name: _type(SNOWFLAKE_TYPES[c.type]) for c in table.columns}


def test_landing_tables_have_the_model_columns_plus_load_lineage(statements, variables) -> None:
    landing = _by_table(statements, "table", variables["LANDING_SCHEMA"])

    assert sorted(landing) == sorted(t.name for t in LOADED_TABLES)
    for table in LOADED_TABLES:
        expected = {**_model_columns(table), **{k: _type(v) for k, v in LANDING_LINEAGE.items()}}
        assert _columns(landing[table.name].expression) == expected, table.name


def test_final_tables_have_exactly_the_model_columns(statements, variables) -> None:
    core = _by_table(statements, "dynamic_table", variables["CORE_SCHEMA"])

    assert sorted(core) == sorted(t.name for t in LOADED_TABLES)
    for table in LOADED_TABLES:
        create = core[table.name].expression
        assert _columns(create) == _model_columns(table), table.name
        # A MATCH_PLAYS fold is a union: each of its selects gives the model's columns in order.
        selects = (
            [create.expression.left, create.expression.right] if table.merge == MATCH_PLAYS else [create.expression]
        )
        for select in selects:
            assert [e.alias_or_name.lower() for e in select.expressions] == list(table.column_names), table.name


def test_each_table_has_one_pipe_reading_its_model_prefix_into_its_landing_table(statements, variables) -> None:
    pipes = [s for s in statements if s.kind == "pipe"]
    landing = _by_table(statements, "table", variables["LANDING_SCHEMA"])

    targets = sorted(p.copy.this.this.name.lower() for p in pipes)
    assert targets == sorted(t.name for t in LOADED_TABLES)
    for pipe in pipes:
        table = pipe.copy.this.this.name.lower()
        assert pipe.properties["AUTO_INGEST"].upper() == "TRUE"
        assert pipe.properties["ERROR_INTEGRATION"] == variables["ERROR_INTEGRATION"]
        # Reads model/<table>/ below the stage on model/
        source = next(v.name for v in pipe.copy.find_all(exp.Var) if v.name.startswith("@"))
        stage_path = model_table_prefix(table).removeprefix(f"{MODEL_PREFIX}/")
        assert source == f"@{variables['DATABASE']}.{variables['LANDING_SCHEMA']}.{variables['STAGE']}/{stage_path}"
        # Loads every landing column, each from the Parquet column of the same name cast to its type
        target_columns = [c.name.lower() for c in pipe.copy.this.expressions]
        assert target_columns == list(_columns(landing[table].expression))
        values = pipe.copy.args["files"][0].this.expressions
        for column, value in zip(target_columns, values, strict=True):
            if column in LANDING_LINEAGE:
                continue
            read = value.find(exp.JSONPathKey)
            assert read is not None and read.this == column, f"{table}.{column} reads {value.sql('snowflake')}"
            assert value.to.sql("snowflake") == _columns(landing[table].expression)[column], f"{table}.{column}"


def test_the_rejects_rules_are_the_columns_the_model_declares_required_then_those_with_allowed_values(
    statements, variables
) -> None:
    checked = {
        name.removesuffix("_checked"): statement
        for name, statement in _by_table(statements, "view", variables["LANDING_SCHEMA"]).items()
    }

    for table in LOADED_TABLES:
        case = checked[table.name].expression.expression.find(exp.Case)
        tested = [next(when.this.find_all(exp.Column)).name.lower() for when in case.args["ifs"]]
        required = [c.name for c in table.columns if not c.nullable]
        assert tested == required + [c.name for c in table.columns if c.allowed], table.name


def _windows(create: exp.Create) -> dict[str, tuple[list[str], bool]]:
    """{window function: (partition columns, first ORDER BY term descending)} of the QUALIFY clause."""
    windows = {}
    for window in create.expression.args["qualify"].find_all(exp.Window):
        partition = [c.name.lower() for c in window.args["partition_by"]]
        first = window.args["order"].expressions[0]
        windows[type(window.this).__name__] = (partition, bool(first.args.get("desc")))
    return windows


def test_each_final_table_folds_rows_per_its_merge_policy(statements, variables) -> None:
    core = _by_table(statements, "dynamic_table", variables["CORE_SCHEMA"])

    for table in LOADED_TABLES:
        if table.merge == MATCH_PLAYS:
            continue  # its folds are CTEs, tried on the local warehouse (tests/warehouse/test_play_matching.py)
        windows = _windows(core[table.name].expression)
        if table.merge == UPSERT:
            assert windows == {"RowNumber": (list(table.key), True)}, table.name
        elif table.merge == INSERT_NEW:
            assert windows == {"RowNumber": (list(table.key), False)}, table.name
        elif table.merge == REPLACE_RUN:
            # the run's latest transform, then one row per key (a file loaded twice counts once)
            assert windows == {"DenseRank": (["run_id"], True), "RowNumber": (list(table.key), True)}, table.name
            order = next(core[table.name].expression.expression.args["qualify"].find_all(exp.Window)).args["order"]
            assert order.expressions[0].this.name.lower() == TRANSFORMED_AT, table.name
        else:
            assert table.merge == REPLACE_SNAPSHOT
            assert windows == {
                "DenseRank": (list(table.snapshot_group), True),
                "RowNumber": (list(table.key), True),
            }, table.name


def test_upsert_tables_keep_the_latest_non_null_value_of_each_described_column(statements, variables) -> None:
    core = _by_table(statements, "dynamic_table", variables["CORE_SCHEMA"])

    for table in (t for t in LOADED_TABLES if t.merge == UPSERT):
        select = core[table.name].expression.expression
        for column, projection in zip(table.columns, select.expressions, strict=True):
            if column.name in table.key or not column.nullable:
                continue  # keys and lineage come from the latest row; a required column is never null there
            window = projection.find(exp.Window)
            assert window is not None and isinstance(window.this, exp.IgnoreNulls), f"{table.name}.{column.name}"
            assert isinstance(window.this.this, exp.FirstValue), f"{table.name}.{column.name}"
            partition = [c.name.lower() for c in window.args["partition_by"]]
            assert partition == list(table.key), f"{table.name}.{column.name}"
            assert window.args["order"].expressions[0].args.get("desc"), f"{table.name}.{column.name}: latest first"
