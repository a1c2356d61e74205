"""The local dashboard: the Power BI report's pages, visuals and measures, drawn from the local warehouse.

`make run` ends with `write_dashboard(pipeline.warehouse, .local/report.html)`: every visual of
`powerbi.report` runs its per-day SQL form (`powerbi.sql.visual_cells`, built from the same measures as the
DAX) on the warehouse, and the cells go into one self-contained HTML file. Its inline script keeps the days of
the date filter (one filter for every page, as a slicer synced across the report's pages; `?from=&to=` in the
address sets it), combines the cells of those days into each measure (the measure's plan) and draws cards,
column, bar and line charts and tables (SVG): no network, no library, it opens offline. Each visual marks
itself `data-drawn` once drawn, or `data-error` with the reason, and holds the rows and total it drew in
`data-values`, which the browser tests read.

Days and hours are those of the reporting views: in the reporting time zone ([reporting] time_zone).
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import re
from pathlib import Path
from typing import Any, Protocol

import snowflake.connector.errors

from config import PipelineConfig, load_config
from powerbi.report import DAY, PAGES, Visual
from powerbi.semantic_model import BOOLEAN, DATE, DATETIME, TEXT, measure, table
from powerbi.sql import visual_cells

TITLE = "Spotify listening"


class Warehouse(Protocol):
    def query(self, sql: str) -> list[tuple]: ...


class DashboardError(RuntimeError):
    """A visual's query failed; the message names the visual and what to do."""


def value_format(format_string: str | None, data_type: str = "") -> dict[str, Any]:
    """How the page's script shows a value, read from a Power BI format string ("#,0", "0.0%", '0"s"'...)."""
    if data_type in (TEXT, BOOLEAN):
        return {"kind": "text"}
    if data_type == DATETIME or (format_string or "").startswith("yyyy-mm-dd hh"):
        return {"kind": "datetime"}
    if data_type == DATE or (format_string or "").startswith("yyyy"):
        return {"kind": "date"}
    text = format_string or "#,0.##"
    first_section = text.split(";")[0]
    suffix = "".join(re.findall(r'"([^"]*)"', first_section))
    digits = re.sub(r'"[^"]*"', "", first_section)
    decimals = len(digits.split(".")[1].rstrip("%")) if "." in digits else 0
    return {
        "kind": "percent" if digits.endswith("%") else "number",
        "decimals": decimals,
        "grouping": "," in digits,
        "signed": digits.startswith("+"),
        "suffix": suffix,
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # DuckDB's 0/0; JSON has no NaN
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class _Texts:
    """One list of the texts the cells repeat (dates, names): a cell holds a text's index, which keeps a year of
    cells small."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def encode(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return self.index.setdefault(value, len(self.index))

    @property
    def texts(self) -> list[str]:
        return list(self.index)


def _run(warehouse: Warehouse, visual: Visual, sql: str) -> list[tuple]:
    try:
        return warehouse.query(sql)
    except snowflake.connector.errors.Error as error:
        reason = str(getattr(error, "msg", None) or error).strip().splitlines()[0]
        raise DashboardError(
            f"visual {visual.name!r} ({visual.title}) could not read the warehouse ({reason}); are the migrations "
            "applied? `make run` applies them, `make clean` resets the local state"
        ) from None


def _sort(visual: Visual) -> dict[str, Any] | None:
    if visual.sort is None:
        return None
    by = visual.sort.by
    if isinstance(by, str):
        return {"measure": visual.measures.index(by), "descending": visual.sort.descending}
    return {"column": visual.group_by.index(by), "descending": visual.sort.descending}


def visual_data(
    warehouse: Warehouse, visual: Visual, database: str, schema: str, texts: _Texts | None = None
) -> dict[str, Any]:
    """What the page draws for `visual`: its columns and measures with their formats and plans, and its cells
    (day, group columns, distinct-counted values, parts), texts encoded by `texts` when given."""
    cells = visual_cells(visual, database, schema)
    columns = []
    for field in visual.group_by:
        column = table(field.table).column(field.column)
        columns.append(
            {
                "label": field.label,
                "format": value_format(column.format_string, column.data_type),
                "domain": list(column.domain) if column.domain else None,
            }
        )
    measures = [
        {
            "label": name,
            "format": value_format(measure(name).format),
            "plan": plan,
            "blankIsZero": measure(name).blank_is_zero,
        }
        for name, plan in zip(visual.measures, cells.measures, strict=True)
    ]
    rows = [[_json_value(value) for value in row] for row in _run(warehouse, visual, cells.sql)]
    # The day, group columns and distinct-counted values that hold text are sent as indexes into `texts`.
    encoded = [i for i in range(1 + len(visual.group_by) + cells.keys) if any(isinstance(r[i], str) for r in rows)]
    if texts:
        for row in rows:
            for i in encoded:
                row[i] = texts.encode(row[i])
    return {
        "name": visual.name,
        "title": visual.title,
        "kind": visual.kind,
        "place": {"column": visual.place.column, "row": visual.place.row},
        "size": {"width": visual.place.width, "height": visual.place.height},
        "columns": columns,
        "measures": measures,
        "keys": cells.keys,
        "dated": cells.dated,
        "cells": rows,
        "textColumns": encoded if texts else [],
        "sort": _sort(visual),
        "top": visual.top,
        "totals": visual.totals,
        "trend": visual.group_by == (DAY,),
    }


def dashboard_data(warehouse: Warehouse, database: str, schema: str, time_zone: str = "UTC") -> dict[str, Any]:
    texts = _Texts()
    pages = [
        {
            "name": page.name,
            "title": page.title,
            "visuals": [visual_data(warehouse, visual, database, schema, texts) for visual in page.visuals],
        }
        for page in PAGES
    ]
    # The days the data covers: the days of the cells of every dated visual.
    strings = texts.texts
    days = sorted(
        {
            strings[cell[0]]
            for p in pages
            for v in p["visuals"]
            if v["dated"]
            for cell in v["cells"]
            if cell[0] is not None
        }
    )
    return {"source": f"{database}.{schema}", "timeZone": time_zone, "pages": pages, "days": days, "texts": strings}


def render_html(data: dict[str, Any], generated_at: datetime.datetime) -> str:
    days = data["days"]
    coverage = f"{days[0]} to {days[-1]}, {len(days)} day(s) with data" if days else "no dated rows yet"
    subtitle = (
        f"Local warehouse {data['source']} · {coverage} · days and hours in {data['timeZone']} · generated "
        f"{generated_at:%Y-%m-%d %H:%M} UTC · the pages and measures of powerbi/SpotifyListening.pbip"
    )
    # "</" would end the script element early; JSON allows the escaped form.
    payload = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).replace("</", "<\\/")
    parts = {"TITLE": TITLE, "SUBTITLE": _escape(subtitle), "STYLE": _STYLE, "DATA": payload, "SCRIPT": _SCRIPT}
    # One pass over the template: a name in the data that looks like a placeholder stays text.
    return re.sub(r"__([A-Z]+)__", lambda match: parts[match[1]], _PAGE)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_dashboard(
    warehouse: Warehouse,
    path: Path,
    config: PipelineConfig | None = None,
    generated_at: datetime.datetime | None = None,
) -> Path:
    """Write the dashboard of `warehouse` (anything with `.query(sql) -> rows`, e.g. local.warehouse's
    LocalWarehouse) to `path`; the reporting views' names and time zone come from `config` (default: the
    local one)."""
    config = config or load_config("local")
    snowflake = config.snowflake
    data = dashboard_data(warehouse, snowflake.database, snowflake.reporting_schema, config.reporting.time_zone)
    html = render_html(data, generated_at or datetime.datetime.now(datetime.UTC))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>__STYLE__</style>
</head>
<body>
<header>
  <h1>__TITLE__</h1>
  <p class="subtitle">__SUBTITLE__</p>
  <nav id="pages"></nav>
</header>
<main id="dashboard"></main>
<script type="application/json" id="dashboard-data">__DATA__</script>
<script>__SCRIPT__</script>
</body>
</html>
"""

_STYLE = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --panel: #ffffff; --canvas: #f0f4f8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: var(--canvas); }
header { padding: 16px 24px 8px; background: var(--panel); border-bottom: 1px solid var(--line); position: sticky;
  top: 0; z-index: 1; }
h1 { margin: 0; font-size: 22px; }
.subtitle { margin: 2px 0 8px; color: var(--muted); }
nav a { margin-right: 16px; color: #1d6fa5; text-decoration: none; font-weight: 600; }
section.page { max-width: 1280px; margin: 0 auto; padding: 16px 24px 24px; }
section.page h2 { margin: 8px 0 12px; font-size: 18px; }
.grid { display: grid; grid-template-columns: repeat(12, 1fr); grid-auto-rows: 44px; gap: 8px; }
figure.visual { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  padding: 8px 12px; display: flex; flex-direction: column; min-width: 0; overflow: hidden; }
figure.visual figcaption { font-weight: 600; font-size: 14px; }
figure.visual .note { color: var(--muted); font-size: 12px; min-height: 16px; }
figure.visual .body { flex: 1; min-height: 0; position: relative; overflow: auto; }
figure.card .body { display: flex; align-items: center; }
.card-value { font-size: 30px; font-weight: 700; }
.empty { color: var(--muted); padding: 12px 0; }
.error { color: #b42318; }
svg { display: block; width: 100%; height: 100%; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: var(--ink); }
svg .axis-title { fill: var(--muted); font-size: 11px; }
svg .grid-line { stroke: var(--line); }
table.data { border-collapse: collapse; width: 100%; font-size: 12px; }
table.data th, table.data td { padding: 3px 6px; border-bottom: 1px solid var(--line); text-align: left; }
table.data td.number, table.data th.number { text-align: right; font-variant-numeric: tabular-nums; }
table.data tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
.legend { display: flex; gap: 12px; font-size: 12px; color: var(--muted); }
.filter { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 0 0 8px; font-size: 13px; }
.filter-title { font-weight: 600; }
.filter input { font: inherit; padding: 2px 4px; }
.filter button { font: inherit; padding: 2px 8px; border: 1px solid var(--line); border-radius: 4px;
  background: var(--canvas); cursor: pointer; }
#filter-note { color: var(--muted); }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 4px;
  background: var(--swatch); border-radius: 2px; }
"""

_SCRIPT = r"""
"use strict";
const COLORS = ["#2f7ebc", "#e8833a", "#3ba272", "#9b59b6", "#d64550"];
const SVG_NS = "http://www.w3.org/2000/svg";
const started = performance.now();
const data = JSON.parse(document.getElementById("dashboard-data").textContent);
const allDays = data.days;
// The date filter every page honours: the first and last day selected (ISO dates compare as text).
const selection = { from: allDays[0] || "", to: allDays[allDays.length - 1] || "" };

function element(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svgElement(tag, attributes, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function show(value, format, blankIsZero) {
  if (value === null || value === undefined) {
    if (!blankIsZero) return "(Blank)";
    value = 0;
  }
  if (format.kind === "text" || format.kind === "datetime") return String(value);
  if (format.kind === "date") return String(value).slice(0, 10);
  const options = { minimumFractionDigits: format.decimals, maximumFractionDigits: format.decimals,
                    useGrouping: format.grouping };
  if (format.kind === "percent") return new Intl.NumberFormat("en-US", { ...options, style: "percent" }).format(value);
  const text = new Intl.NumberFormat("en-US", options).format(value) + format.suffix;
  return format.signed && value > 0 ? "+" + text : text;
}

function isNumeric(format) { return format.kind === "number" || format.kind === "percent"; }

// -- the cells: day, group columns, distinct-counted values, parts -----------------------------------------------

function decode() {
  for (const page of data.pages) {
    for (const visual of page.visuals) {
      for (const cell of visual.cells) {
        for (const i of visual.textColumns) if (cell[i] !== null) cell[i] = data.texts[cell[i]];
      }
    }
  }
}

function selected(visual, cell) {
  return !visual.dated || (cell[0] !== null && cell[0] >= selection.from && cell[0] <= selection.to);
}

// A measure's plan over the cells of one data point; `scope.range`: the visual's cells in the selected days,
// `scope.every`: the data point's cells over every day (REMOVEFILTERS of the date).
function evaluate(plan, visual, cells, scope) {
  const parts = 1 + visual.columns.length + visual.keys;
  switch (plan.op) {
    case "count": {
      let count = 0;
      for (const cell of cells) count += cell[parts + plan.part];
      return count === 0 ? null : count;
    }
    case "sum": {
      let total = null;
      for (const cell of cells) {
        const value = cell[parts + plan.part];
        if (value !== null) total = (total === null ? 0 : total) + value;
      }
      return total;
    }
    case "min": {
      let smallest = null;
      for (const cell of plan.everyDate ? scope.every : cells) {
        const value = cell[parts + plan.part];
        if (value !== null && (smallest === null || value < smallest)) smallest = value;
      }
      return smallest;
    }
    case "max": {
      let largest = null;
      for (const cell of cells) {
        const value = cell[parts + plan.part];
        if (value !== null && (largest === null || value > largest)) largest = value;
      }
      return largest;
    }
    case "distinct": {
      const seen = new Set();
      for (const cell of cells) {
        const value = cell[1 + visual.columns.length + plan.key];
        if (value !== null) seen.add(value);
      }
      return seen.size === 0 ? null : seen.size;
    }
    case "ratio": {
      const denominator = evaluate(plan.denominator, visual, cells, scope);
      if (!denominator) return null;
      return (evaluate(plan.numerator, visual, cells, scope) || 0) / denominator;
    }
    case "share": {
      scope.totals = scope.totals || new Map();  // the visual's total, once per drawing
      if (!scope.totals.has(plan)) scope.totals.set(plan, evaluate(plan.of, visual, scope.range, scope));
      const part = evaluate(plan.of, visual, cells, scope), all = scope.totals.get(plan);
      return part === null || !all ? null : part / all;
    }
    case "latest": {
      if (scope.latest === undefined) {  // the latest day among the visual's rows: once per drawing, not per point
        scope.latest = null;
        for (const cell of scope.range) if (scope.latest === null || cell[0] > scope.latest) scope.latest = cell[0];
      }
      return evaluate(plan.of, visual, cells.filter((cell) => cell[0] === scope.latest), scope);
    }
    default:
      throw new Error("unknown measure plan " + plan.op);
  }
}

// The selected days within the days `visual` has data for (all the visuals' days when no visual is given).
function daysSelected(visual) {
  let first = allDays[0], last = allDays[allDays.length - 1];
  if (visual) {
    const days = visual.cells.map((cell) => cell[0]).filter((day) => day !== null);
    first = days.reduce((a, b) => (a < b ? a : b), last);
    last = days.reduce((a, b) => (a > b ? a : b), first);
  }
  const days = [];
  if (!allDays.length) return days;
  if (selection.from > first) first = selection.from;
  if (selection.to < last) last = selection.to;
  for (let day = new Date(first + "T00:00:00Z"); day.toISOString().slice(0, 10) <= last;
       day.setUTCDate(day.getUTCDate() + 1)) days.push(day.toISOString().slice(0, 10));
  return days;
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === null) return 1;  // blanks last, as NULLS LAST
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

// The visual's rows (group values then measures) and total for the selected days.
function computed(visual) {
  const groupCount = visual.columns.length;
  const range = visual.cells.filter((cell) => selected(visual, cell));
  const groups = new Map();
  for (const cell of visual.cells) {
    const values = cell.slice(1, 1 + groupCount), key = JSON.stringify(values);
    if (!groups.has(key)) groups.set(key, { values, cells: [], every: [] });
    const group = groups.get(key);
    group.every.push(cell);
    if (selected(visual, cell)) group.cells.push(cell);
  }
  const shared = { range };  // what every data point's measures share: the visual's rows, their latest day
  const measuresOf = (cells, every) =>
    visual.measures.map((m) => evaluate(m.plan, visual, cells, Object.assign(shared, { every })));
  if (groupCount === 0) return { rows: [measuresOf(range, visual.cells)], total: null };
  // A data point shows when a measure has a value, or when it has rows in the days selected and its measures
  // all count (no skipped play in a year of plays is 0 skipped plays, not nothing to show).
  const allCount = visual.measures.every((m) => m.blankIsZero);
  let rows = [];
  for (const group of groups.values()) {
    const values = measuresOf(group.cells, group.every);
    if (values.some((v) => v !== null) || (allCount && group.cells.length)) rows.push([...group.values, ...values]);
  }
  // An axis that shows every category: each day selected, each hour of the day (blank where nothing counts).
  const domain = visual.trend ? daysSelected(visual) : visual.columns[0].domain;
  if (domain && groupCount === 1) {
    const present = new Set(rows.map((row) => row[0]));
    for (const category of domain) {
      if (!present.has(category)) rows.push([category, ...visual.measures.map(() => null)]);
    }
  }
  const order = visual.sort
    ? ("measure" in visual.sort ? groupCount + visual.sort.measure : visual.sort.column) : null;
  rows.sort((a, b) => {
    if (order !== null) {
      const byKey = a[order] === null || b[order] === null ? compare(a[order], b[order])
        : compare(a[order], b[order]) * (visual.sort.descending ? -1 : 1);
      if (byKey) return byKey;
    }
    for (let i = 0; i < groupCount; i++) {
      const byGroup = compare(a[i], b[i]);
      if (byGroup) return byGroup;
    }
    return 0;
  });
  const total = visual.totals ? measuresOf(range, visual.cells) : null;
  return { rows, total };
}

// -- drawing -----------------------------------------------------------------------------------------------

function niceStep(span) {
  const raw = span / 4, power = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  for (const factor of [1, 2, 2.5, 5, 10]) if (raw <= factor * power) return factor * power;
  return 10 * power;
}

function scale(values, format) {
  const low = Math.min(0, ...values), high = Math.max(0, ...values);
  // Whole-number measures get whole-number ticks (no 0, 0, 1, 1 from rounding 0.25 steps).
  const wholeNumbers = format.kind === "number" && format.decimals === 0;
  const step = Math.max(niceStep(high - low || 1), wholeNumbers ? 1 : 0);
  const min = Math.floor(low / step) * step, max = Math.ceil(high / step) * step || step;
  const ticks = [];
  for (let tick = min; tick <= max + step / 2; tick += step) ticks.push(tick);
  return { min, max, ticks };
}

function truncate(text, length) { return text.length > length ? text.slice(0, length - 1) + "…" : text; }

function size(body) {
  return { width: Math.max(body.clientWidth, 240), height: Math.max(body.clientHeight, 140) };
}

function legend(visual) {
  const box = element("div", { class: "legend" });
  visual.measures.forEach((m, i) => {
    const item = element("span", {}, m.label);
    item.style.setProperty("--swatch", COLORS[i % COLORS.length]);
    box.appendChild(item);
  });
  return box;
}

function tooltip(visual, series, category, value) {
  const measure = visual.measures[series];
  return `${category} · ${measure.label}: ${show(value, measure.format, measure.blankIsZero)}`;
}

function shownRows(visual, rows) { return visual.top ? rows.slice(0, visual.top) : rows; }

function drawCard(visual, body, result) {
  const measure = visual.measures[0];
  body.appendChild(element("div", { class: "card-value" },
    show(result.rows[0][0], measure.format, measure.blankIsZero)));
  return 1;
}

function drawTable(visual, body, result) {
  const rows = shownRows(visual, result.rows), table = element("table", { class: "data" }), head = element("tr");
  const formats = [...visual.columns, ...visual.measures];
  formats.forEach((f) => head.appendChild(element("th", isNumeric(f.format) ? { class: "number" } : {}, f.label)));
  table.appendChild(head);
  for (const row of rows) {
    const line = element("tr");
    row.forEach((value, i) => line.appendChild(element("td", isNumeric(formats[i].format) ? { class: "number" } : {},
      show(value, formats[i].format, formats[i].blankIsZero))));
    table.appendChild(line);
  }
  if (result.total) {
    const line = element("tr", { class: "total" });
    visual.columns.forEach((_, i) => line.appendChild(element("td", {}, i === 0 ? "Total" : "")));
    result.total.forEach((value, i) => line.appendChild(
      element("td", { class: "number" }, show(value, visual.measures[i].format, visual.measures[i].blankIsZero))));
    table.appendChild(line);
  }
  body.appendChild(table);
  return rows.length;
}

function drawChart(visual, body, result) {
  const rows = shownRows(visual, result.rows), horizontal = visual.kind === "bar", line = visual.kind === "line";
  const { width, height } = size(body);
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": visual.title });
  const categories = rows.map((row) => show(row[0], visual.columns[0].format));
  const series = visual.measures.map((m, i) =>
    rows.map((row) => (row[i + 1] === null && m.blankIsZero ? 0 : row[i + 1])));
  const values = series.flat().filter((v) => v !== null);
  const valueFormat = visual.measures[0].format;
  const axis = scale(values.length ? values : [0], valueFormat);
  const left = horizontal ? Math.min(170, 12 + 6.5 * Math.max(...categories.map((c) => Math.min(c.length, 24)))) : 56;
  const plot = { left, right: width - 12, top: 8, bottom: height - (horizontal ? 34 : 46) };
  const position = (v) => (horizontal
    ? plot.left + ((v - axis.min) / (axis.max - axis.min)) * (plot.right - plot.left)
    : plot.bottom - ((v - axis.min) / (axis.max - axis.min)) * (plot.bottom - plot.top));
  for (const tick of axis.ticks) {
    const at = position(tick);
    svg.appendChild(svgElement("line", horizontal
      ? { x1: at, x2: at, y1: plot.top, y2: plot.bottom, class: "grid-line" }
      : { x1: plot.left, x2: plot.right, y1: at, y2: at, class: "grid-line" }));
    svg.appendChild(svgElement("text", horizontal
      ? { x: at, y: plot.bottom + 14, "text-anchor": "middle" }
      : { x: plot.left - 6, y: at + 4, "text-anchor": "end" }, show(tick, { ...valueFormat, signed: false })));
  }
  const band = ((horizontal ? plot.bottom - plot.top : plot.right - plot.left) / Math.max(rows.length, 1));
  const barSize = Math.min(40, Math.max(1, (band * 0.7) / series.length)), zero = position(0);
  const groupOffset = (band - barSize * series.length) / 2;
  // Beyond two months of days, a label on the first of every month (or every 2, 3, 6, 12 months) that fits.
  const byMonths = visual.trend && categories.length > 62;
  // Category labels at an even step that fits: every 1, 2, 3, 4, 6, 12... categories (hours: 0, 3, 6...).
  const fits = Math.max(1, Math.floor((plot.right - plot.left) / (visual.trend && !byMonths ? 80 : 50)));
  const labelEvery = [1, 2, 3, 4, 6, 7, 12, 14]
    .find((step) => Math.ceil(categories.length / step) <= fits) || Math.ceil(categories.length / fits);
  const months = new Set(categories.filter((day) => day.endsWith("-01")).map((day) => day.slice(0, 7)));
  const monthsEvery = [1, 2, 3, 6, 12].find((step) => Math.ceil(months.size / step) <= fits) || 12;
  const monthNumber = (day) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
  const labelled = (category, c) => (byMonths
    ? category.endsWith("-01") && monthNumber(category) % monthsEvery === 0
    : c % labelEvery === 0);
  categories.forEach((category, c) => {
    const start = (horizontal ? plot.top : plot.left) + c * band;
    if (horizontal) {
      svg.appendChild(svgElement("text", { x: plot.left - 6, y: start + band / 2 + 4, "text-anchor": "end" },
        truncate(category, 24)));
    } else if (labelled(category, c)) {
      svg.appendChild(svgElement("line", { x1: start + band / 2, x2: start + band / 2, y1: plot.bottom,
        y2: plot.bottom + 3, stroke: "#9aa5b1" }));
      svg.appendChild(svgElement("text", { x: start + band / 2, y: plot.bottom + 14, "text-anchor": "middle",
        class: "category-label" }, byMonths ? category.slice(0, 7) : truncate(category, 12)));
    }
    if (line) return;
    series.forEach((seriesValues, s) => {
      const value = seriesValues[c];
      if (value === null) return;
      const offset = start + groupOffset + s * barSize, end = position(value);
      const bar = horizontal
        ? { x: Math.min(zero, end), y: offset, width: Math.abs(end - zero), height: barSize }
        : { x: offset, y: Math.min(zero, end), width: barSize, height: Math.abs(end - zero) };
      const rect = svgElement("rect", { ...bar, fill: COLORS[s % COLORS.length] });
      rect.appendChild(svgElement("title", {}, tooltip(visual, s, category, value)));
      svg.appendChild(rect);
      if (horizontal) {
        svg.appendChild(svgElement("text", { x: Math.max(zero, end) + 4, y: offset + barSize / 2 + 4 },
          show(value, visual.measures[s].format)));
      }
    });
  });
  if (line) {
    // A dot per day while the days are few enough to tell apart; beyond, the line alone (a year stays readable).
    const dots = rows.length <= 62;
    series.forEach((seriesValues, s) => {
      const points = seriesValues.map((v, c) => (v === null ? null : [plot.left + c * band + band / 2, position(v)]));
      const path = points.filter(Boolean).map((p, i) => `${i ? "L" : "M"}${p[0].toFixed(1)},${p[1].toFixed(1)}`)
        .join(" ");
      const stroke = svgElement("path",
        { d: path, fill: "none", stroke: COLORS[s % COLORS.length], "stroke-width": dots ? 2 : 1.5 });
      stroke.appendChild(svgElement("title", {}, visual.measures[s].label));
      svg.appendChild(stroke);
      if (!dots) return;
      points.forEach((p, c) => {
        if (!p) return;
        const dot = svgElement("circle", { cx: p[0], cy: p[1], r: 3.5, fill: COLORS[s % COLORS.length] });
        dot.appendChild(svgElement("title", {}, tooltip(visual, s, categories[c], seriesValues[c])));
        svg.appendChild(dot);
      });
    });
  }
  svg.appendChild(svgElement("line", horizontal
    ? { x1: zero, x2: zero, y1: plot.top, y2: plot.bottom, stroke: "#9aa5b1" }
    : { x1: plot.left, x2: plot.right, y1: zero, y2: zero, stroke: "#9aa5b1" }));
  // Several measures are named by the legend; one is named along its axis.
  const valueTitle = visual.measures.length === 1 ? visual.measures[0].label : "";
  const categoryTitle = visual.columns[0].label;
  svg.appendChild(svgElement("text", { x: (plot.left + plot.right) / 2, y: height - 4, "text-anchor": "middle",
    class: "axis-title" }, horizontal ? valueTitle : categoryTitle));
  svg.appendChild(svgElement("text", { x: 12, y: (plot.top + plot.bottom) / 2, "text-anchor": "middle",
    transform: `rotate(-90 12 ${(plot.top + plot.bottom) / 2})`, class: "axis-title" },
    horizontal ? "" : valueTitle));
  body.appendChild(svg);
  return rows.length;
}

function note(visual, result) {
  const parts = [], rows = result.rows;
  if (visual.top && rows.length > visual.top) parts.push(`Top ${visual.top} of ${rows.length}`);
  if (result.total && rows.length && visual.kind !== "table") {
    const totals = visual.measures.map((m, i) =>
      `${show(result.total[i], m.format, m.blankIsZero)} ${m.label.toLowerCase()}`);
    parts.push("Total: " + totals.join(" · "));
  }
  if (visual.trend && rows.length) parts.push(`${rows.length} day(s)`);
  return parts.join(" · ");
}

function drawVisual(visual, figure) {
  const body = figure.querySelector(".body"), caption = figure.querySelector(".note");
  body.replaceChildren();
  const result = computed(visual);
  // The numbers behind the drawing, for a reader that checks them (the tests compare them with the SQL form).
  figure.dataset.values = JSON.stringify(result);
  if (caption) caption.textContent = note(visual, result);
  if (visual.kind === "card") return drawCard(visual, body, result);
  if (result.rows.length === 0) {
    const message = !allDays.length ? "No data yet: run the pipeline (make run)"
      : visual.cells.length ? "No rows in the dates selected" : "No rows to show";
    body.appendChild(element("div", { class: "empty" }, message));
    return 0;
  }
  if (visual.kind === "table") return drawTable(visual, body, result);
  return drawChart(visual, body, result);
}

function drawAll() {
  const drawStarted = performance.now();
  const main = document.getElementById("dashboard");
  for (const page of data.pages) {
    for (const visual of page.visuals) {
      const figure = main.querySelector(`figure[data-visual="${visual.name}"]`);
      delete figure.dataset.error;
      try {
        figure.dataset.points = String(drawVisual(visual, figure));
        figure.dataset.drawn = "true";
      } catch (error) {
        figure.dataset.drawn = "false";
        figure.dataset.error = String(error && error.message || error);
        const message = element("div", { class: "error" }, "Could not draw: " + figure.dataset.error);
        figure.querySelector(".body").replaceChildren(message);
      }
    }
  }
  const filter = document.getElementById("date-filter");
  filter.dataset.from = selection.from;
  filter.dataset.to = selection.to;
  document.getElementById("date-from").value = selection.from;
  document.getElementById("date-to").value = selection.to;
  const days = allDays.filter((day) => day >= selection.from && day <= selection.to).length;
  document.getElementById("filter-note").textContent = allDays.length
    ? `${days} of the ${allDays.length} day(s) with data` : "no dated rows yet";
  // What a change of the dates costs: every visual of every page computed and drawn again.
  document.body.dataset.drawMs = String(Math.round(performance.now() - drawStarted));
}

function select(from, to) {
  const first = allDays[0] || "", last = allDays[allDays.length - 1] || "";
  selection.from = from && from >= first ? from : first;
  selection.to = to && to <= last ? to : last;
  if (selection.to < selection.from) selection.to = selection.from;
  drawAll();
}

function lastDays(count) {
  const last = allDays[allDays.length - 1];
  const day = new Date(last + "T00:00:00Z");
  day.setUTCDate(day.getUTCDate() - (count - 1));
  return [day.toISOString().slice(0, 10), last];
}

function dateFilter() {
  const box = element("div", { id: "date-filter", class: "filter" });
  box.appendChild(element("span", { class: "filter-title" }, "Dates"));
  const from = element("input", { type: "date", id: "date-from", "aria-label": "First day" });
  const to = element("input", { type: "date", id: "date-to", "aria-label": "Last day" });
  for (const input of [from, to]) {
    if (allDays.length) {
      input.min = allDays[0];
      input.max = allDays[allDays.length - 1];
    }
    input.addEventListener("change", () => select(from.value, to.value));
  }
  box.append(from, element("span", {}, "to"), to);
  for (const [label, count] of [["Last 7 days", 7], ["Last 30 days", 30], ["Last 365 days", 365], ["All", 0]]) {
    const button = element("button", { type: "button" }, label);
    button.addEventListener("click", () => (count ? select(...lastDays(count)) : select("", "")));
    box.appendChild(button);
  }
  box.appendChild(element("span", { id: "filter-note" }));
  return box;
}

function build() {
  decode();
  const header = document.querySelector("header"), nav = document.getElementById("pages");
  header.insertBefore(dateFilter(), nav);
  const main = document.getElementById("dashboard");
  for (const page of data.pages) {
    nav.appendChild(element("a", { href: "#" + page.name }, page.title));
    const section = element("section", { class: "page", id: page.name });
    section.appendChild(element("h2", {}, page.title));
    const grid = element("div", { class: "grid" });
    for (const visual of page.visuals) {
      const figure = element("figure", { class: "visual " + visual.kind, "data-visual": visual.name,
                                         "data-kind": visual.kind });
      figure.style.gridColumn = `${visual.place.column + 1} / span ${visual.size.width}`;
      figure.style.gridRow = `${visual.place.row + 1} / span ${visual.size.height}`;
      figure.appendChild(element("figcaption", {}, visual.title));
      if (visual.kind !== "card") figure.appendChild(element("div", { class: "note" }));
      if (visual.measures.length > 1 && visual.kind !== "table") figure.appendChild(legend(visual));
      figure.appendChild(element("div", { class: "body" }));
      grid.appendChild(figure);
    }
    section.appendChild(grid);
    main.appendChild(section);
  }
  // ?from=YYYY-MM-DD&to=YYYY-MM-DD in the address opens the dashboard on those days.
  const query = new URLSearchParams(location.search);
  select(query.get("from") || "", query.get("to") || "");
  // A page's address (report.html#data_quality, from a bookmark or a link) opens on it: the browser looked for the
  // section before this script had built it.
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target) target.scrollIntoView();
  document.body.dataset.renderMs = String(Math.round(performance.now() - started));
  document.body.dataset.ready = "true";
}

build();
"""
