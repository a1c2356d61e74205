"""powerbi.pbir and the committed report: every field a visual uses exists in the model, every visual has a
title and a place on its page, and the pages an analyst expects are there."""

from __future__ import annotations

import json
from itertools import combinations
from typing import Any

from powerbi.pbir import PAGE_HEIGHT, PAGE_WIDTH, VISUAL_TYPES, text_literal
from powerbi.project import PROJECT_DIR, REPORT_DIR

PAGES_DIR = PROJECT_DIR / REPORT_DIR / "definition" / "pages"


def fields_used(node: Any, aliases: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(kind, table, name) of every Column and Measure reference in a PBIR document, resolving the
    `Source` aliases a filter's `From` declares."""
    aliases = dict(aliases or {})
    found = []
    if isinstance(node, dict):
        for source in node.get("From", []):
            if "Entity" in source:
                aliases[source["Name"]] = source["Entity"]
        for kind in ("Column", "Measure"):
            if isinstance(node.get(kind), dict) and "Property" in node[kind]:
                ref = node[kind]["Expression"]["SourceRef"]
                found.append((kind, ref.get("Entity") or aliases[ref["Source"]], node[kind]["Property"]))
        for value in node.values():
            found.extend(fields_used(value, aliases))
    elif isinstance(node, list):
        for value in node:
            found.extend(fields_used(value, aliases))
    return found


def test_every_field_a_visual_uses_is_a_column_or_measure_of_that_table(committed_project) -> None:
    checked = 0
    for path, visual in committed_project.visuals.items():
        for kind, table_name, name in fields_used(visual):
            assert table_name in committed_project.tables, f"{path}: no table {table_name!r}"
            model_table = committed_project.tables[table_name]
            members = model_table.columns if kind == "Column" else model_table.measures
            assert name in members, f"{path}: {table_name} has no {kind.lower()} {name!r}"
            checked += 1
    assert checked > 60


def test_every_visual_has_a_title_a_known_type_and_a_place_on_its_page(committed_project) -> None:
    for path, visual in committed_project.visuals.items():
        title = visual["visual"]["visualContainerObjects"]["title"][0]["properties"]["text"]["expr"]["Literal"]
        position = visual["position"]

        assert len(title["Value"]) > 4, path
        assert visual["visual"]["visualType"] in (*VISUAL_TYPES.values(), "slicer"), path
        assert position["x"] >= 0 and position["x"] + position["width"] <= PAGE_WIDTH, path
        assert position["y"] >= 0 and position["y"] + position["height"] <= PAGE_HEIGHT, path


def test_no_two_visuals_of_a_page_overlap(committed_project) -> None:
    pages: dict[str, list[dict[str, Any]]] = {}
    for path, visual in committed_project.visuals.items():
        pages.setdefault(path.split("/pages/")[1].split("/")[0], []).append(visual["position"])

    for page, positions in pages.items():
        for a, b in combinations(positions, 2):
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, f"{page}: visuals at {a} and {b} overlap"


def test_the_report_opens_on_the_listening_overview_and_lists_every_page_folder() -> None:
    pages = json.loads((PAGES_DIR / "pages.json").read_text(encoding="utf-8"))
    titles = [
        json.loads((PAGES_DIR / name / "page.json").read_text(encoding="utf-8"))["displayName"]
        for name in pages["pageOrder"]
    ]

    assert pages["activePageName"] == "listening_overview"
    assert sorted(pages["pageOrder"]) == sorted(p.name for p in PAGES_DIR.iterdir() if p.is_dir())
    assert titles[:3] == ["Listening overview", "Artists and genres", "Playlists and top lists"]


def test_the_top_tracks_table_is_filtered_to_short_term_tracks(committed_project) -> None:
    visual = committed_project.visuals[
        f"{REPORT_DIR}/definition/pages/playlists_and_top_lists/visuals/latest_short_term_top_tracks/visual.json"
    ]

    filters = {
        f["field"]["Column"]["Property"]: f["filter"]["Where"][0]["Condition"]["In"]["Values"]
        for f in visual["filterConfig"]["filters"]
    }

    assert filters == {
        "Time range": [[{"Literal": {"Value": "'short_term'"}}]],
        "Item type": [[{"Literal": {"Value": "'track'"}}]],
    }


def test_text_literals_are_single_quoted_with_quotes_doubled() -> None:
    assert text_literal("Plays by genre") == "'Plays by genre'"
    assert text_literal("Rock 'n' roll") == "'Rock ''n'' roll'"


def test_every_page_has_a_date_slicer_above_its_visuals_synced_across_the_pages(committed_project) -> None:
    pages = json.loads((PAGES_DIR / "pages.json").read_text(encoding="utf-8"))["pageOrder"]
    slicers = {
        path.split("/pages/")[1].split("/")[0]: visual
        for path, visual in committed_project.visuals.items()
        if visual["visual"]["visualType"] == "slicer"
    }

    assert sorted(slicers) == sorted(pages)
    for page, slicer in slicers.items():
        (projection,) = slicer["visual"]["query"]["queryState"]["Values"]["projections"]
        others = [v for p, v in committed_project.visuals.items() if f"/pages/{page}/" in p and v is not slicer]
        assert projection["field"]["Column"] == {"Expression": {"SourceRef": {"Entity": "Date"}}, "Property": "Date"}
        assert slicer["visual"]["objects"]["data"][0]["properties"]["mode"]["expr"]["Literal"]["Value"] == "'Between'"
        assert slicer["visual"]["syncGroup"] == {"groupName": "Dates", "fieldChanges": True, "filterChanges": True}
        bottom = slicer["position"]["y"] + slicer["position"]["height"]
        assert all(bottom <= v["position"]["y"] for v in others), f"{page}: the slicer is not above the visuals"


def test_the_hour_chart_shows_every_hour_not_only_those_with_plays(committed_project) -> None:
    visual = committed_project.visuals[
        f"{REPORT_DIR}/definition/pages/listening_overview/visuals/plays_by_hour/visual.json"
    ]

    category = visual["visual"]["query"]["queryState"]["Category"]

    # The hours come from the 24-row 'Hour of day' table: "show items with no data" over the plays' own hour
    # column would show only the hours that were ever played in.
    assert category["showAll"] is True
    assert [p["field"]["Column"]["Expression"]["SourceRef"]["Entity"] for p in category["projections"]] == [
        "Hour of day"
    ]


def test_a_card_of_a_count_shows_a_blank_as_0_and_a_card_of_a_ratio_stays_blank(committed_project) -> None:
    cards = {
        path.split("/visuals/")[1].split("/")[0]: visual["visual"]
        for path, visual in committed_project.visuals.items()
        if visual["visual"]["visualType"] == "cardVisual"
    }
    blank_text = {
        name: card.get("objects", {}).get("value", [{}])[0].get("properties", {}).get("showBlankAs")
        for name, card in cards.items()
    }

    assert blank_text["rejected_rows_card"] == {"expr": {"Literal": {"Value": "'0'"}}}
    assert blank_text["plays_card"] == {"expr": {"Literal": {"Value": "'0'"}}}
    assert blank_text["explicit_share_card"] is None
    assert all("Data" in card["query"]["queryState"] for card in cards.values())
