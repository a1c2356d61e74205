"""A visual of the report as SQL over the reporting views: what the local dashboard runs in place of Power BI.

The rows a visual shows become the CTE `visual_rows`: the home table's view (where its measures live), joined
along the model's relationships to the tables of its columns, with its filters applied. Then each measure's
SQL form aggregates those rows per group, as Power BI evaluates the DAX form per data point:

    many-to-one relationship    LEFT JOIN: a fact row without its dimension row groups under (Blank)
    one-to-many, cross-filtered JOIN: a fact row counts once per matching bridge row (plays per genre), where the
                                visual's measure lets the bridge filter both ways (CrossFilterBoth)
    'Date'[Date]                the home table's own date column related to 'Date'

Groups whose measures are all empty are left out, as Power BI leaves out rows with only blank values.

`visual_cells` is the same visual cut finer for the dashboard, which filters dates in the browser: one row per
day (the home table's date related to 'Date'), group and distinct-counted value, with the parts each measure
adds up from (counts, sums, minimums); `measure_plan` says how the page's script combines the parts of the days
selected into the measure (the measure's aggregate again, so the numbers match the SQL form over those days).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from powerbi.report import Field, Visual
from powerbi.semantic_model import (
    DATE_COLUMN,
    DATE_TABLE,
    RELATIONSHIPS,
    Aggregate,
    CountRows,
    CrossFilterBoth,
    DistinctCount,
    MaxOf,
    MinOf,
    OnLatestDate,
    Ratio,
    Relationship,
    ShareOfVisual,
    SumOf,
    Table,
    condition_sql,
    date_column,
    is_calculated,
    measure,
    related_column,
    table,
)


class VisualQueryError(ValueError):
    """A visual cannot be expressed over the views; the message names the visual and the field."""


@dataclass(frozen=True)
class VisualQuery:
    visual: Visual
    rows_sql: str  # one row per group: the group columns g0.., then the measures m0..; sorted
    total_sql: str | None  # the measures over all the visual's rows (the total row), when the visual shows one


@dataclass(frozen=True)
class _Hop:
    relationship: Relationship
    forward: bool  # many -> one; False: one -> many through a relationship filtering both ways


def home_table(visual: Visual) -> Table:
    if visual.measures:
        homes = {measure(name).table for name in visual.measures}
    else:
        homes = {f.table for f in visual.group_by if not is_calculated(f.table)}
    if len(homes) != 1:
        raise VisualQueryError(
            f"visual {visual.name}: its measures and columns come from {sorted(homes)}; a visual's measures "
            "must share one home table"
        )
    return table(homes.pop())


def _path(start: str, goal: str, both_ways: tuple[Relationship, ...]) -> list[_Hop]:
    """The shortest way along relationships from `start` to `goal` (breadth first); `both_ways` may also be
    followed from their one side to their many side."""
    queue: deque[tuple[str, list[_Hop]]] = deque([(start, [])])
    seen = {start}
    while queue:
        current, hops = queue.popleft()
        if current == goal:
            return hops
        for r in RELATIONSHIPS:
            if r.from_table == current and r.to_table not in seen and not is_calculated(r.to_table):
                seen.add(r.to_table)
                queue.append((r.to_table, [*hops, _Hop(r, forward=True)]))
            elif r.to_table == current and r in both_ways and r.from_table not in seen:
                seen.add(r.from_table)
                queue.append((r.from_table, [*hops, _Hop(r, forward=False)]))
    raise VisualQueryError(
        f"no relationship leads from {start!r} to {goal!r}; add one to the semantic model (or, for a bridge table, "
        "cross-filter it in the visual's measure)"
    )


def _string(value: str) -> str:
    return "'{}'".format(value.replace("'", "''"))


class _Rows:
    """Builds the FROM clause of `visual_rows`: the home view and the joins the visual's fields need."""

    def __init__(self, visual: Visual, home: Table, database: str, schema: str) -> None:
        self.visual = visual
        self.home = home
        self.qualifier = f"{database}.{schema}."
        self.aliases = {home.name: "t0"}
        self.joins: list[str] = []

    def view(self, model_table: Table) -> str:
        return self.qualifier + str(model_table.view)

    def column(self, field: Field) -> str:
        """The SQL expression of a model column, joining its table in on first use."""
        if is_calculated(field.table):
            # A calculated table's key is the value of the home's column related to it: group by that column.
            if field.table == DATE_TABLE and field.column != DATE_COLUMN:
                raise VisualQueryError(f"visual {self.visual.name}: the dashboard groups by 'Date'[Date] only")
            related = related_column(self.home, field.table)
            if related is None:
                raise VisualQueryError(
                    f"visual {self.visual.name}: {self.home.name!r} is not related to {field.table!r}"
                )
            return f"t0.{related.source}"
        if field.table not in self.aliases:
            both_ways = tuple(r for name in self.visual.measures for r in measure(name).bridges)
            for hop in _path(self.home.name, field.table, both_ways):
                self._join(hop)
        return f"{self.aliases[field.table]}.{table(field.table).column(field.column).source}"

    def _join(self, hop: _Hop) -> None:
        r = hop.relationship
        near, far = (r.from_table, r.to_table) if hop.forward else (r.to_table, r.from_table)
        if far in self.aliases:
            return
        near_column, far_column = (r.from_column, r.to_column) if hop.forward else (r.to_column, r.from_column)
        alias = f"t{len(self.aliases)}"
        self.aliases[far] = alias
        join = "LEFT JOIN" if hop.forward else "JOIN"
        far_source = table(far).column(far_column).source
        near_source = table(near).column(near_column).source
        self.joins.append(
            f"{join} {self.view(table(far))} AS {alias} ON {alias}.{far_source} = {self.aliases[near]}.{near_source}"
        )


def _visual_rows(visual: Visual, home: Table, database: str, schema: str, extra: tuple[str, ...] = ()) -> str:
    """The CTE `visual_rows`: the home view's rows joined to the visual's columns (g0..), filtered."""
    rows = _Rows(visual, home, database, schema)
    group_columns = [f"{rows.column(field)} AS g{i}" for i, field in enumerate(visual.group_by)]
    conditions = [f"{rows.column(f.field)} IN ({', '.join(_string(v) for v in f.values)})" for f in visual.filters]
    select = ", ".join(["t0.*", *group_columns, *extra])
    where = f"\n    WHERE {' AND '.join(conditions)}" if conditions else ""
    joins = "".join(f"\n    {join}" for join in rows.joins)
    return f"WITH visual_rows AS (\n    SELECT {select}\n    FROM {rows.view(home)} AS t0{joins}{where}\n)\n"


def visual_query(visual: Visual, database: str, schema: str) -> VisualQuery:
    """The SQL of `visual` over the reporting views in `database`.`schema`."""
    home = home_table(visual)
    cte = _visual_rows(visual, home, database, schema)

    group_names = [f"g{i}" for i in range(len(visual.group_by))]
    measure_sql = [f"{measure(name).sql} AS m{i}" for i, name in enumerate(visual.measures)]
    if not group_names:
        return VisualQuery(visual, f"{cte}SELECT {', '.join(measure_sql)} FROM visual_rows", None)

    outputs, keys = ", ".join(group_names + measure_sql), ", ".join(group_names)
    grouped = f"SELECT {outputs}\n    FROM visual_rows\n    GROUP BY {keys}"
    not_blank = " OR ".join(f"m{i} IS NOT NULL" for i in range(len(visual.measures)))
    order = [*group_names]
    if visual.sort:
        key = _sort_key(visual)
        direction = "DESC" if visual.sort.descending else "ASC"
        order = [f"{key} {direction} NULLS LAST", *(g for g in group_names if g != key)]
    rows_sql = f"{cte}SELECT * FROM (\n    {grouped}\n) AS grouped"
    if not_blank:
        rows_sql += f"\nWHERE {not_blank}"
    rows_sql += f"\nORDER BY {', '.join(order)}"
    total_sql = f"{cte}SELECT {', '.join(measure_sql)} FROM visual_rows" if visual.totals and measure_sql else None
    return VisualQuery(visual, rows_sql, total_sql)


def _sort_key(visual: Visual) -> str:
    assert visual.sort is not None
    by = visual.sort.by
    if isinstance(by, Field):
        if by not in visual.group_by:
            raise VisualQueryError(f"visual {visual.name}: it sorts by {by.table}[{by.column}], which it does not show")
        return f"g{visual.group_by.index(by)}"
    if by not in visual.measures:
        raise VisualQueryError(f"visual {visual.name}: it sorts by measure {by!r}, which it does not show")
    return f"m{visual.measures.index(by)}"


@dataclass(frozen=True)
class VisualCells:
    """The dashboard's form of a visual: `sql` gives one row per cell, `day, g0.., k0.., p0..`: the day (NULL where
    the home table has no date), the group columns, the distinct-counted values, then the parts; `measures` are
    the plans (JSON) that combine the parts of the selected days into each measure."""

    visual: Visual
    sql: str
    dated: bool  # the home table has a date related to 'Date': a date filter applies
    keys: int  # how many distinct-counted values follow the group columns
    measures: tuple[dict[str, Any], ...]


class _Parts:
    """Collects the columns a visual's measures need per cell: distinct-counted values (k) and parts (p)."""

    def __init__(self, home: Table) -> None:
        self.home = home
        self.keys: list[str] = []
        self.parts: list[str] = []

    def _part(self, sql: str) -> int:
        if sql not in self.parts:
            self.parts.append(sql)
        return self.parts.index(sql)

    def plan(self, aggregate: Aggregate) -> dict[str, Any]:
        """How the page's script computes `aggregate` from the cells (read by its `evaluate`)."""
        if isinstance(aggregate, CountRows):
            where = aggregate.where
            return {
                "op": "count",
                "part": self._part(f"COUNT_IF({condition_sql(where, self.home)})" if where else "COUNT(*)"),
            }
        if isinstance(aggregate, SumOf):
            return {"op": "sum", "part": self._part(f"SUM({self.home.column(aggregate.column).source})")}
        if isinstance(aggregate, MaxOf):
            return {"op": "max", "part": self._part(f"MAX({self.home.column(aggregate.column).source})")}
        if isinstance(aggregate, MinOf):
            part = self._part(f"MIN({self.home.column(aggregate.column).source})")
            return {"op": "min", "part": part, "everyDate": aggregate.every_date}
        if isinstance(aggregate, DistinctCount):
            source = self.home.column(aggregate.column).source
            if source not in self.keys:
                self.keys.append(source)
            return {"op": "distinct", "key": self.keys.index(source)}
        if isinstance(aggregate, Ratio):
            return {
                "op": "ratio",
                "numerator": self.plan(aggregate.numerator),
                "denominator": self.plan(aggregate.denominator),
            }
        if isinstance(aggregate, ShareOfVisual):
            return {"op": "share", "of": self.plan(aggregate.part)}
        if isinstance(aggregate, CrossFilterBoth):
            return self.plan(aggregate.of)  # the bridge's rows are joined in `visual_rows`
        assert isinstance(aggregate, OnLatestDate), aggregate
        if date_column(self.home) is None:
            raise VisualQueryError(f"{self.home.name!r} is not related to 'Date'; it has no latest date")
        return {"op": "latest", "of": self.plan(aggregate.of)}


def visual_cells(visual: Visual, database: str, schema: str) -> VisualCells:
    """The per-day SQL of `visual` over the reporting views and the plans of its measures."""
    home = home_table(visual)
    day = date_column(home)
    parts = _Parts(home)
    plans = tuple(parts.plan(measure(name).aggregate) for name in visual.measures)
    cte = _visual_rows(visual, home, database, schema, (f"t0.{day.source} AS cell_day" if day else "NULL AS cell_day",))
    keys = ["cell_day", *(f"g{i}" for i in range(len(visual.group_by))), *parts.keys]
    outputs = [*keys, *(f"{part} AS p{i}" for i, part in enumerate(parts.parts))]
    sql = f"{cte}SELECT {', '.join(outputs)}\nFROM visual_rows\nGROUP BY {', '.join(keys)}\nORDER BY {', '.join(keys)}"
    return VisualCells(visual, sql, day is not None, len(parts.keys), plans)
