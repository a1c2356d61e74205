"""Render the report (powerbi.report) as the PBIR files of a Power BI Project's report definition.

Every file names its Microsoft JSON schema; the versions are the oldest that carry what the report uses, so
that older Power BI Desktop releases open it too (Desktop upgrades them when it saves). A visual's fields
refer to the model by table ("Entity") and column or measure ("Property").
"""

from __future__ import annotations

from typing import Any

from powerbi.report import (
    BAR,
    CARD,
    COLUMN,
    DATE_FILTER,
    GRID_COLUMNS,
    GRID_ROWS,
    LINE,
    TABLE,
    Field,
    Page,
    Place,
    Visual,
)
from powerbi.semantic_model import measure, table

SCHEMA_ROOT = "https://developer.microsoft.com/json-schemas/fabric/item/report/"
VERSION_SCHEMA = SCHEMA_ROOT + "definition/versionMetadata/1.0.0/schema.json"
REPORT_SCHEMA = SCHEMA_ROOT + "definition/report/3.0.0/schema.json"
PAGES_SCHEMA = SCHEMA_ROOT + "definition/pagesMetadata/1.0.0/schema.json"
PAGE_SCHEMA = SCHEMA_ROOT + "definition/page/2.0.0/schema.json"
VISUAL_SCHEMA = SCHEMA_ROOT + "definition/visualContainer/2.1.0/schema.json"
PBIR_FORMAT_VERSION = "2.0.0"

PAGE_WIDTH, PAGE_HEIGHT = 1280, 720
MARGIN, GAP = 16, 8
# The band above the grid that holds the page's date slicer.
FILTER_BAND_HEIGHT = 56
DATE_SLICER = "date_slicer"  # the slicer's visual name, the same on every page
DATE_SLICER_GROUP = "Dates"  # the sync group: a range chosen on one page holds on every page

VISUAL_TYPES = {
    # The card of Power BI since 2025 (the legacy "card" has no way to show a blank count as 0).
    CARD: "cardVisual",
    LINE: "lineChart",
    COLUMN: "clusteredColumnChart",
    BAR: "clusteredBarChart",
    TABLE: "tableEx",
}


def _literal(value: str) -> dict[str, Any]:
    return {"expr": {"Literal": {"Value": value}}}


def text_literal(text: str) -> str:
    """A string as PBIR literals spell it: single-quoted, quotes doubled."""
    return "'{}'".format(text.replace("'", "''"))


def position(place: Place, order: int) -> dict[str, int]:
    """The grid place in page pixels; `order` stacks and tab-orders visuals in reading order."""
    cell_width = (PAGE_WIDTH - 2 * MARGIN - (GRID_COLUMNS - 1) * GAP) / GRID_COLUMNS
    cell_height = (PAGE_HEIGHT - 2 * MARGIN - FILTER_BAND_HEIGHT - (GRID_ROWS - 1) * GAP) / GRID_ROWS
    return {
        "x": round(MARGIN + place.column * (cell_width + GAP)),
        "y": round(MARGIN + FILTER_BAND_HEIGHT + place.row * (cell_height + GAP)),
        "z": order * 1000,
        "height": round(place.height * cell_height + (place.height - 1) * GAP),
        "width": round(place.width * cell_width + (place.width - 1) * GAP),
        "tabOrder": order * 1000,
    }


def column_expression(field: Field) -> dict[str, Any]:
    return {"Column": {"Expression": {"SourceRef": {"Entity": field.table}}, "Property": field.column}}


def measure_expression(name: str) -> dict[str, Any]:
    return {"Measure": {"Expression": {"SourceRef": {"Entity": measure(name).table}}, "Property": name}}


def _projection(expression: dict[str, Any]) -> dict[str, Any]:
    (kind,) = expression
    entity = expression[kind]["Expression"]["SourceRef"]["Entity"]
    prop = expression[kind]["Property"]
    return {"field": expression, "queryRef": f"{entity}.{prop}", "nativeQueryRef": prop}


def query_state(visual: Visual) -> dict[str, Any]:
    columns = [_projection(column_expression(f)) for f in visual.group_by]
    measures = [_projection(measure_expression(m)) for m in visual.measures]
    if visual.kind == CARD:
        return {"Data": {"projections": columns + measures}}
    if visual.kind == TABLE:
        return {"Values": {"projections": columns + measures}}
    category: dict[str, Any] = {"projections": columns}
    if any(table(f.table).column(f.column).domain for f in visual.group_by):
        # "Show items with no data": every hour of the day on the axis, not only the hours with plays.
        category["showAll"] = True
    return {"Category": category, "Y": {"projections": measures}}


def card_objects(visual: Visual) -> dict[str, Any]:
    """A count over no rows is blank in DAX; the card shows it as 0, as the dashboard does (Measure.blank_is_zero).
    A ratio or a time over no rows stays blank: there is no value to show."""
    if not all(measure(name).blank_is_zero for name in visual.measures):
        return {}
    return {"value": [{"properties": {"showBlankAs": _literal(text_literal("0"))}, "selector": {"id": "default"}}]}


def date_slicer_json() -> dict[str, Any]:
    """The page's date slicer (a range of days, "Between"), in the band above the grid, synced across pages."""
    return {
        "$schema": VISUAL_SCHEMA,
        "name": DATE_SLICER,
        "position": {
            "x": MARGIN,
            "y": MARGIN - GAP,
            "z": 0,
            "height": FILTER_BAND_HEIGHT,
            "width": round((PAGE_WIDTH - 2 * MARGIN) / 3),
            "tabOrder": 0,
        },
        "visual": {
            "visualType": "slicer",
            "query": {"queryState": {"Values": {"projections": [_projection(column_expression(DATE_FILTER))]}}},
            "objects": {"data": [{"properties": {"mode": _literal(text_literal("Between"))}}]},
            "visualContainerObjects": {
                "title": [{"properties": {"show": _literal("true"), "text": _literal(text_literal("Dates"))}}]
            },
            "syncGroup": {"groupName": DATE_SLICER_GROUP, "fieldChanges": True, "filterChanges": True},
        },
    }


def _filter(visual: Visual, index: int) -> dict[str, Any]:
    condition = visual.filters[index]
    source = "t"
    return {
        "name": f"{visual.name}_filter_{index}",
        "field": column_expression(condition.field),
        "type": "Categorical",
        "filter": {
            "Version": 2,
            "From": [{"Name": source, "Entity": condition.field.table, "Type": 0}],
            "Where": [
                {
                    "Condition": {
                        "In": {
                            "Expressions": [
                                {
                                    "Column": {
                                        "Expression": {"SourceRef": {"Source": source}},
                                        "Property": condition.field.column,
                                    }
                                }
                            ],
                            "Values": [[{"Literal": {"Value": text_literal(v)}}] for v in condition.values],
                        }
                    }
                }
            ],
        },
        "howCreated": "User",
    }


def visual_json(visual: Visual, order: int) -> dict[str, Any]:
    query: dict[str, Any] = {"queryState": query_state(visual)}
    if visual.sort:
        by = visual.sort.by
        field = column_expression(by) if isinstance(by, Field) else measure_expression(by)
        direction = "Descending" if visual.sort.descending else "Ascending"
        query["sortDefinition"] = {"sort": [{"field": field, "direction": direction}], "isDefaultSort": False}
    document: dict[str, Any] = {
        "$schema": VISUAL_SCHEMA,
        "name": visual.name,
        "position": position(visual.place, order),
        "visual": {
            "visualType": VISUAL_TYPES[visual.kind],
            "query": query,
            "visualContainerObjects": {
                "title": [{"properties": {"show": _literal("true"), "text": _literal(text_literal(visual.title))}}]
            },
            "drillFilterOtherVisuals": True,
        },
    }
    if visual.kind == CARD and (objects := card_objects(visual)):
        document["visual"]["objects"] = objects
    if visual.filters:
        document["filterConfig"] = {"filters": [_filter(visual, i) for i in range(len(visual.filters))]}
    return document


def page_json(page: Page) -> dict[str, Any]:
    return {
        "$schema": PAGE_SCHEMA,
        "name": page.name,
        "displayName": page.title,
        "displayOption": "FitToPage",
        "height": PAGE_HEIGHT,
        "width": PAGE_WIDTH,
    }


def report_definition_files(pages: tuple[Page, ...]) -> dict[str, dict[str, Any]]:
    """The PBIR documents, keyed by their path under the report's `definition/` folder."""
    files: dict[str, dict[str, Any]] = {
        "version.json": {"$schema": VERSION_SCHEMA, "version": PBIR_FORMAT_VERSION},
        # No base theme: Desktop applies its default; naming one would need its file under StaticResources.
        "report.json": {
            "$schema": REPORT_SCHEMA,
            "themeCollection": {},
            "settings": {"useStylableVisualContainerHeader": True, "defaultDrillFilterOtherVisuals": True},
        },
        "pages/pages.json": {
            "$schema": PAGES_SCHEMA,
            "pageOrder": [p.name for p in pages],
            "activePageName": pages[0].name,
        },
    }
    for page in pages:
        files[f"pages/{page.name}/page.json"] = page_json(page)
        files[f"pages/{page.name}/visuals/{DATE_SLICER}/visual.json"] = date_slicer_json()
        for order, visual in enumerate(page.visuals, start=1):
            files[f"pages/{page.name}/visuals/{visual.name}/visual.json"] = visual_json(visual, order)
    return files
