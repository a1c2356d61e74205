"""powerbi.semantic_model: names Power BI accepts, DAX that refers to what exists, relationships it can build."""

from __future__ import annotations

import re

import pytest

from config import load_config
from powerbi.semantic_model import (
    DATE_COLUMN,
    DATE_TABLE,
    HOUR_COLUMN,
    HOUR_TABLE,
    MEASURES,
    RELATIONSHIPS,
    TABLES,
    Relationship,
    calculated_table_dax,
    date_relationships,
    date_table_dax,
    measure,
    parameters,
    table,
)

# 'Table'[Column], Table[Column] or [Measure]
_DAX_REFERENCE = re.compile(r"(?:'((?:[^']|'')+)'|\b([A-Za-z_][A-Za-z0-9_]*))?\[([^\]]+)\]")


def dax_references(dax: str) -> list[tuple[str | None, str]]:
    without_strings = re.sub(r'"[^"]*"', '""', dax)
    return [
        ((quoted.replace("''", "'") if quoted else bare) or None, name)
        for quoted, bare, name in _DAX_REFERENCE.findall(without_strings)
    ]


def test_measure_names_are_unique_and_clash_with_no_table_or_column() -> None:
    # Power BI refuses a measure named like another measure, and DAX would read [Name] ambiguously otherwise
    names = [m.name for m in MEASURES]
    taken = {t.name for t in TABLES} | {c.name for t in TABLES for c in t.columns}

    assert len(names) == len(set(names))
    assert not set(names) & taken


@pytest.mark.parametrize("model_measure", MEASURES, ids=lambda m: m.name)
def test_every_reference_in_a_measures_dax_names_a_column_or_measure_of_the_model(model_measure) -> None:
    for table_name, name in dax_references(model_measure.dax):
        if table_name is None:
            assert measure(name), f"{model_measure.name}: [{name}] is not a measure"
        else:
            assert name in table(table_name).column_names, f"{model_measure.name}: {table_name}[{name}] not found"
    assert model_measure.dax.count("(") == model_measure.dax.count(")"), f"{model_measure.name}: unbalanced"


@pytest.mark.parametrize("model_measure", MEASURES, ids=lambda m: m.name)
def test_every_measure_has_a_sql_form_a_format_and_a_description(model_measure) -> None:
    assert model_measure.sql.strip() and model_measure.format and model_measure.description.endswith(".")
    assert table(model_measure.table).view, f"{model_measure.name}: its home table must read a view"


def test_relationships_join_a_column_to_a_key_of_the_same_type() -> None:
    for r in RELATIONSHIPS:
        many, one = table(r.from_table).column(r.from_column), table(r.to_table).column(r.to_column)
        assert one.key, f"{r.to_table}[{r.to_column}] is the one side of a relationship: it must be a key"
        assert many.data_type == one.data_type, f"{r.from_table}[{r.from_column}] -> {r.to_table}[{r.to_column}]"


def test_the_date_table_spans_every_date_column_related_to_it() -> None:
    dax = date_table_dax()
    related = {(r.from_table, r.from_column) for r in date_relationships()}

    assert ("Listening history", "Played date") in related and ("Playlist changes", "Snapshot date") in related
    for from_table, from_column in related:
        assert f"MIN ( '{from_table}'[{from_column}] )" in dax and f"MAX ( '{from_table}'[{from_column}] )" in dax
    assert table(DATE_TABLE).column(DATE_COLUMN).key


def test_the_hour_table_holds_every_hour_of_the_day_and_filters_the_plays() -> None:
    hours = table(HOUR_TABLE)

    assert calculated_table_dax(hours) == (
        "SELECTCOLUMNS ( { " + ", ".join(str(h) for h in range(24)) + ' }, "Hour", [Value] )'
    )
    assert hours.column(HOUR_COLUMN).key
    assert Relationship("Listening history", "Played hour", HOUR_TABLE, HOUR_COLUMN) in RELATIONSHIPS


def test_every_fact_with_a_date_relates_it_to_the_date_table_once() -> None:
    facts = [r.from_table for r in date_relationships()]

    assert len(facts) == len(set(facts))


def test_connection_parameters_default_to_the_configured_snowflake_names() -> None:
    snowflake = load_config("prod").snowflake

    defaults = {p.name: p.default for p in parameters(snowflake)}

    assert defaults["SnowflakeWarehouse"] == snowflake.warehouse
    assert defaults["SnowflakeDatabase"] == snowflake.database
    assert defaults["SnowflakeSchema"] == snowflake.reporting_schema
    assert defaults["SnowflakeRole"] == snowflake.bi_role
    assert defaults["SnowflakeServer"].endswith(".snowflakecomputing.com")


def test_an_unknown_table_or_measure_is_named_with_the_known_ones() -> None:
    with pytest.raises(KeyError, match="no table 'Podcasts'; tables: Listening history"):
        table("Podcasts")
    with pytest.raises(KeyError, match="no measure 'Skips'; measures: Plays"):
        measure("Skips")
