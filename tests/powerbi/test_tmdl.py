"""powerbi.tmdl and the committed TMDL: every table reads a reporting view, and every column it declares exists
there with a type Power BI can load it as. The views' columns come from a warehouse with the migrations applied."""

from __future__ import annotations

import re

import pytest

from config import load_config
from powerbi.semantic_model import MEASURES, TABLES, parameters
from powerbi.tmdl import M_TYPES, TMDL_TYPES, quote, table_tmdl

# Which warehouse types each TMDL dataType loads without loss (Snowflake's names and DuckDB's, as fakesnow
# reports them; integers are NUMBER(p,0) in Snowflake).
_INTEGER_TYPES = {"BIGINT", "UBIGINT", "HUGEINT", "INTEGER", "SMALLINT", "TINYINT", "INT"}
COMPATIBLE = {
    "string": lambda kind, scale: kind in {"TEXT", "VARCHAR"},
    "int64": lambda kind, scale: (kind == "NUMBER" and scale == 0) or kind in _INTEGER_TYPES,
    "double": lambda kind, scale: kind in {"FLOAT", "DOUBLE", "REAL", "NUMBER"},
    "boolean": lambda kind, scale: kind == "BOOLEAN",
    "dateTime": lambda kind, scale: kind == "DATE" or kind.startswith("TIMESTAMP"),
}


@pytest.fixture
def reporting_views(history_warehouse, local_config) -> dict[str, dict[str, tuple[str, int | None]]]:
    """view -> column -> (data type, numeric scale), as the warehouse's information schema lists them."""
    snowflake = local_config.snowflake
    rows = history_warehouse.query(
        f"SELECT table_name, column_name, data_type, numeric_scale FROM {snowflake.database}.information_schema."
        f"columns WHERE table_schema = '{snowflake.reporting_schema}'"
    )
    views: dict[str, dict[str, tuple[str, int | None]]] = {}
    for view, column, kind, scale in rows:
        views.setdefault(view.upper(), {})[column.upper()] = (kind.upper(), scale)
    return views


def view_of(partition_source: str) -> str:
    match = re.search(r'\{\[Name = "(\w+)", Kind = "View"\]\}', partition_source)
    assert match, f"the partition does not navigate to a view:\n{partition_source}"
    return match[1]


def test_every_imported_table_reads_a_reporting_view(committed_project, reporting_views) -> None:
    imported = [t for t in committed_project.tables.values() if t.partition_kind == "m"]

    calculated = {t.name for t in committed_project.tables.values() if t.partition_kind == "calculated"}

    assert calculated == {"Date", "Hour of day"}
    assert len(imported) == len(committed_project.tables) - len(calculated)
    for model_table in imported:
        assert view_of(model_table.partition_source) in reporting_views, model_table.name


def test_every_column_exists_in_its_view_with_a_compatible_type(committed_project, reporting_views) -> None:
    checked = 0
    for model_table in committed_project.tables.values():
        if model_table.partition_kind != "m":
            continue
        view = reporting_views[view_of(model_table.partition_source)]
        for column in model_table.columns.values():
            assert column.source_column in view, f"{model_table.name}[{column.name}]: no {column.source_column}"
            kind, scale = view[column.source_column]
            assert COMPATIBLE[column.data_type](kind, scale), (
                f"{model_table.name}[{column.name}] is {column.data_type} but the view's "
                f"{column.source_column} is {kind}"
            )
            checked += 1
    assert checked > 80  # every column of the twelve imported tables


def test_each_partition_keeps_exactly_its_columns_typed_as_the_model_declares(committed_project) -> None:
    m_type_of = {TMDL_TYPES[t]: set() for t in TMDL_TYPES}
    for kind, tmdl_type in TMDL_TYPES.items():
        m_type_of[tmdl_type].add(M_TYPES[kind])
    for model_table in committed_project.tables.values():
        if model_table.partition_kind != "m":
            continue
        source = model_table.partition_source
        selected = re.search(r"Table\.SelectColumns\(View, \{(.*)\}\)", source)[1]
        typed = dict(re.findall(r'\{"(\w+)", ([\w. ]+)\}', source))

        assert re.findall(r'"(\w+)"', selected) == [c.source_column for c in model_table.columns.values()]
        for column in model_table.columns.values():
            assert typed[column.source_column] in m_type_of[column.data_type], f"{model_table.name}[{column.name}]"


def test_every_table_connects_through_the_five_parameters(committed_project) -> None:
    expected = (
        "Snowflake.Databases(SnowflakeServer, SnowflakeWarehouse, [Role = SnowflakeRole])",
        '[Name = SnowflakeDatabase, Kind = "Database"]',
        '[Name = SnowflakeSchema, Kind = "Schema"]',
    )

    for model_table in committed_project.tables.values():
        if model_table.partition_kind == "m":
            assert all(part in model_table.partition_source for part in expected), model_table.name
    assert set(committed_project.parameters) == {
        "SnowflakeServer",
        "SnowflakeWarehouse",
        "SnowflakeDatabase",
        "SnowflakeSchema",
        "SnowflakeRole",
    }
    assert all(len(description) > 20 for description in committed_project.parameters.values())


def test_the_relationships_file_joins_columns_the_tables_declare(committed_project) -> None:
    for (from_table, from_column), (to_table, to_column) in committed_project.relationships:
        assert from_column in committed_project.tables[from_table].columns
        assert to_column in committed_project.tables[to_table].columns


def test_names_with_spaces_or_quotes_are_quoted_and_simple_names_are_not() -> None:
    assert quote("Tracks") == "Tracks"
    assert quote("Listening history") == "'Listening history'"
    assert quote("Rock 'n' roll") == "'Rock ''n'' roll'"


def test_a_multi_line_measure_is_indented_two_levels_below_its_declaration() -> None:
    top_items = next(t for t in TABLES if t.name == "Top items")

    text = table_tmdl(top_items, MEASURES, parameters(load_config("prod").snowflake))

    assert "\tmeasure 'Latest rank' =\n\t\t\tVAR _LatestDate =\n\t\t\t    CALCULATE (" in text
    assert "\n\t\tformatString: 0\n" in text
