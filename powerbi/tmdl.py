"""Render the semantic model (powerbi.semantic_model) as the TMDL files of a Power BI Project.

TMDL is indentation-based: one tab per level, an object's properties one level below it, a multi-line
expression two levels below the line that declares it. Names with anything but letters, digits and _ are
single-quoted. Lineage tags are derived from object names so that regenerating the files changes nothing.
"""

from __future__ import annotations

import re
import uuid

from powerbi.semantic_model import (
    BOOLEAN,
    DATE,
    DATE_TABLE,
    DATETIME,
    DECIMAL,
    TEXT,
    WHOLE,
    Column,
    Measure,
    Parameter,
    Relationship,
    Table,
    calculated_table_dax,
)

TMDL_TYPES = {
    TEXT: "string",
    WHOLE: "int64",
    DECIMAL: "double",
    BOOLEAN: "boolean",
    DATE: "dateTime",
    DATETIME: "dateTime",
}
M_TYPES = {
    TEXT: "type text",
    WHOLE: "Int64.Type",
    DECIMAL: "type number",
    BOOLEAN: "type logical",
    DATE: "type date",
    DATETIME: "type datetime",
}
COMPATIBILITY_LEVEL = 1567
_LINEAGE = uuid.UUID("5b0e3c52-7f3e-4c1a-9a53-2f6d9f1b8e11")
_SIMPLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TAB = "\t"


def lineage_tag(*path: str) -> str:
    return str(uuid.uuid5(_LINEAGE, "/".join(path)))


def quote(name: str) -> str:
    return name if _SIMPLE_NAME.match(name) else "'{}'".format(name.replace("'", "''"))


def _description(text: str, depth: int) -> list[str]:
    return [f"{_TAB * depth}/// {line}" for line in text.splitlines()]


def _expression(declaration: str, text: str, depth: int) -> list[str]:
    """`declaration = text` on one line, or the text two levels deeper on the lines below."""
    lines = text.strip("\n").splitlines()
    if len(lines) == 1:
        return [f"{_TAB * depth}{declaration} = {lines[0]}"]
    return [f"{_TAB * depth}{declaration} ="] + [f"{_TAB * (depth + 2)}{line}" for line in lines]


def m_text(value: str) -> str:
    return '"{}"'.format(value.replace('"', '""'))


def database_tmdl() -> str:
    return f"database\n{_TAB}compatibilityLevel: {COMPATIBILITY_LEVEL}\n"


def model_tmdl(tables: tuple[Table, ...], parameters: tuple[Parameter, ...]) -> str:
    query_order = ",".join(m_text(name) for name in [p.name for p in parameters] + [t.name for t in tables if t.view])
    lines = [
        "model Model",
        f"{_TAB}culture: en-US",
        f"{_TAB}defaultPowerBIDataSourceVersion: powerBI_V3",
        f"{_TAB}discourageImplicitMeasures",
        f"{_TAB}sourceQueryCulture: en-US",
        f"{_TAB}dataAccessOptions",
        f"{_TAB * 2}legacyRedirects",
        f"{_TAB * 2}returnErrorValuesAsNull",
        "",
        # The model has its own Date table; Power BI's hidden per-column date tables would only add size.
        "annotation __PBI_TimeIntelligenceEnabled = 0",
        "",
        f"annotation PBI_QueryOrder = [{query_order}]",
        "",
        *(f"ref table {quote(t.name)}" for t in tables),
    ]
    return "\n".join(lines) + "\n"


def expressions_tmdl(parameters: tuple[Parameter, ...]) -> str:
    blocks = []
    for parameter in parameters:
        meta = 'meta [IsParameterQuery=true, Type="Text", IsParameterQueryRequired=true]'
        blocks.append(
            "\n".join(
                [
                    *_description(parameter.description, 0),
                    f"expression {quote(parameter.name)} = {m_text(parameter.default)} {meta}",
                    f"{_TAB}lineageTag: {lineage_tag('expression', parameter.name)}",
                    "",
                    f"{_TAB}annotation PBI_ResultType = Text",
                ]
            )
        )
    return "\n\n".join(blocks) + "\n"


def relationships_tmdl(relationships: tuple[Relationship, ...]) -> str:
    blocks = []
    for r in relationships:
        lines = [f"relationship {lineage_tag('relationship', r.from_table, r.from_column, r.to_table, r.to_column)}"]
        lines.append(f"{_TAB}fromColumn: {quote(r.from_table)}.{quote(r.from_column)}")
        lines.append(f"{_TAB}toColumn: {quote(r.to_table)}.{quote(r.to_column)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def source_column(table: Table, column: Column) -> str:
    """What the partition delivers: Snowflake's upper-case column name, or [Name] of a calculated table."""
    return column.source.upper() if table.view else f"[{column.source}]"


def snowflake_query(table: Table, parameters: tuple[Parameter, ...]) -> str:
    """Power Query M: navigate to the view, keep the model's columns, give each its type."""
    server, warehouse, database, schema, role = (p.name for p in parameters)
    assert table.view is not None
    names = ", ".join(m_text(c.source.upper()) for c in table.columns)
    types = ", ".join(f"{{{m_text(c.source.upper())}, {M_TYPES[c.data_type]}}}" for c in table.columns)
    return "\n".join(
        [
            "let",
            f"    Source = Snowflake.Databases({server}, {warehouse}, [Role = {role}]),",
            f'    Database = Source{{[Name = {database}, Kind = "Database"]}}[Data],',
            f'    Schema = Database{{[Name = {schema}, Kind = "Schema"]}}[Data],',
            f'    View = Schema{{[Name = {m_text(table.view)}, Kind = "View"]}}[Data],',
            f"    Columns = Table.SelectColumns(View, {{{names}}}),",
            f"    Typed = Table.TransformColumnTypes(Columns, {{{types}}})",
            "in",
            "    Typed",
        ]
    )


def _measure_lines(measure: Measure) -> list[str]:
    return [
        "",
        *_description(measure.description, 1),
        *_expression(f"measure {quote(measure.name)}", measure.dax, 1),
        f"{_TAB * 2}formatString: {measure.format}",
        f"{_TAB * 2}displayFolder: {measure.folder}",
        f"{_TAB * 2}lineageTag: {lineage_tag('measure', measure.name)}",
    ]


def _column_lines(table: Table, column: Column) -> list[str]:
    lines = ["", *_description(column.description, 1), f"{_TAB}column {quote(column.name)}"]
    lines.append(f"{_TAB * 2}dataType: {TMDL_TYPES[column.data_type]}")
    if column.hidden:
        lines.append(f"{_TAB * 2}isHidden")
    if column.key:
        lines.append(f"{_TAB * 2}isKey")
    if column.format_string:
        lines.append(f"{_TAB * 2}formatString: {column.format_string}")
    lines.append(f"{_TAB * 2}lineageTag: {lineage_tag('column', table.name, column.name)}")
    lines.append(f"{_TAB * 2}summarizeBy: none")
    lines.append(f"{_TAB * 2}sourceColumn: {source_column(table, column)}")
    if column.sort_by:
        lines.append(f"{_TAB * 2}sortByColumn: {quote(column.sort_by)}")
    lines.append("")
    lines.append(f"{_TAB * 2}annotation SummarizationSetBy = Automatic")
    if column.data_type == DATE:
        lines.append("")
        lines.append(f"{_TAB * 2}annotation UnderlyingDateTimeDataType = Date")
    return lines


def table_tmdl(table: Table, measures: tuple[Measure, ...], parameters: tuple[Parameter, ...]) -> str:
    lines = [*_description(table.description, 0), f"table {quote(table.name)}"]
    lines.append(f"{_TAB}lineageTag: {lineage_tag('table', table.name)}")
    if table.name == DATE_TABLE:
        lines.append(f"{_TAB}dataCategory: Time")
    for measure in measures:
        if measure.table == table.name:
            lines.extend(_measure_lines(measure))
    for column in table.columns:
        lines.extend(_column_lines(table, column))
    lines.append("")
    if table.view is None:
        lines.append(f"{_TAB}partition {quote(table.name)} = calculated")
        lines.append(f"{_TAB * 2}mode: import")
        lines.extend(_expression("source", calculated_table_dax(table), 2))
    else:
        lines.append(f"{_TAB}partition {quote(table.name)} = m")
        lines.append(f"{_TAB * 2}mode: import")
        lines.extend(_expression("source", snowflake_query(table, parameters), 2))
    lines.append("")
    lines.append(f"{_TAB}annotation PBI_ResultType = Table")
    return "\n".join(lines) + "\n"


def semantic_model_files(
    tables: tuple[Table, ...],
    measures: tuple[Measure, ...],
    relationships: tuple[Relationship, ...],
    parameters: tuple[Parameter, ...],
) -> dict[str, str]:
    """The TMDL files, keyed by their path under the semantic model's `definition/` folder."""
    files = {
        "database.tmdl": database_tmdl(),
        "model.tmdl": model_tmdl(tables, parameters),
        "expressions.tmdl": expressions_tmdl(parameters),
        "relationships.tmdl": relationships_tmdl(relationships),
    }
    for table in tables:
        files[f"tables/{table.name}.tmdl"] = table_tmdl(table, measures, parameters)
    return files
