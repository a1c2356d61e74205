"""local.dashboard: the report's pages drawn from the local warehouse into one HTML file that opens offline,
checked in headless Chromium (every visual draws) and as text (nothing is fetched from the network)."""

from __future__ import annotations

import datetime
import decimal
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import snowflake.connector.errors

from local.dashboard import DashboardError, dashboard_data, render_html, value_format, write_dashboard
from powerbi.report import PAGES
from powerbi.sql import visual_query

GENERATED_AT = datetime.datetime(2026, 3, 4, 6, 30, tzinfo=datetime.UTC)
VISUAL_COUNT = sum(len(page.visuals) for page in PAGES)


class Figures(HTMLParser):
    """The dumped DOM's visuals: their attributes, the text inside them and the SVG marks they drew."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, dict] = {}
        self._open: list[str] = []  # the figure each open element belongs to
        self._category_label = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        owner = self._open[-1] if self._open else None
        self._category_label = attributes.get("class") == "category-label"  # a label along a chart's category axis
        if tag == "figure" and "data-visual" in attributes:
            owner = str(attributes["data-visual"])
            self.figures[owner] = {"attributes": attributes, "text": [], "marks": 0, "rows": 0, "categories": []}
        elif owner and tag in ("rect", "path", "circle"):
            self.figures[owner]["marks"] += 1
        elif owner and tag == "tr":
            self.figures[owner]["rows"] += 1
        self._open.append(owner)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] and data.strip():
            self.figures[self._open[-1]]["text"].append(data.strip())
            if self._category_label:
                self.figures[self._open[-1]]["categories"].append(data.strip())


def figures_of(dom: str) -> dict[str, dict]:
    parser = Figures()
    parser.feed(dom)
    return parser.figures


@pytest.fixture
def history_dashboard(history_warehouse, local_config, tmp_path):
    return write_dashboard(history_warehouse, tmp_path / "report.html", local_config, GENERATED_AT)


def test_every_visual_of_the_power_bi_report_draws_in_the_browser(history_dashboard, dump_dom, committed_project):
    figures = figures_of(dump_dom(history_dashboard))

    assert len(figures) == VISUAL_COUNT
    # Every visual of the report but the pages' date slicers, which the dashboard's one date filter plays
    assert set(figures) == {
        path.split("/visuals/")[1].split("/")[0]
        for path, visual in committed_project.visuals.items()
        if visual["visual"]["visualType"] != "slicer"
    }
    for name, figure in figures.items():
        attributes = figure["attributes"]
        assert "data-error" not in attributes, f"{name}: {attributes.get('data-error')}"
        assert attributes.get("data-drawn") == "true", f"{name} did not draw"
        assert int(attributes["data-points"]) > 0, f"{name} drew no data"
        if attributes["data-kind"] in ("line", "column", "bar"):
            assert figure["marks"] >= int(attributes["data-points"]), f"{name}: no bars or points"


def test_cards_show_the_measures_formatted_as_in_power_bi(history_dashboard, dump_dom) -> None:
    figures = figures_of(dump_dom(history_dashboard))

    def card(name: str) -> list[str]:
        return figures[name]["text"]

    assert card("plays_card") == ["Plays", "9"]
    assert card("listening_minutes_card") == ["Listening minutes", "43"]
    assert card("explicit_share_card") == ["Explicit share", "11.1%"]
    assert card("new_artists_card") == ["New artists", "4"]


def test_charts_and_tables_carry_titles_axis_labels_and_totals(history_dashboard, dump_dom) -> None:
    figures = figures_of(dump_dom(history_dashboard))

    trend = figures["listening_per_day"]["text"]
    assert trend[0] == "Listening minutes and plays per day"
    assert "Total: 43 listening minutes · 9 plays · 3 day(s)" in trend
    assert {"2026-03-01", "2026-03-02", "2026-03-03", "Date"} <= set(trend)
    decades = figures["release_decade_mix"]["text"]
    assert {"1960s", "1990s", "(Blank)", "Release decade", "Share of plays"} <= set(decades)
    top_tracks = figures["latest_short_term_top_tracks"]["text"]
    assert top_tracks[top_tracks.index("Teardrop") :] == ["Teardrop", "1", "0", "Angel", "2", "+1", "Jóga", "3", "-1"]
    tracks = figures["most_played_tracks"]
    assert tracks["rows"] == 1 + 6 + 1  # header, six tracks, total
    assert tracks["text"][-3:] == ["Total", "9", "43"]


def test_the_page_loads_nothing_from_the_network(history_dashboard) -> None:
    html = history_dashboard.read_text(encoding="utf-8")

    assert not re.search(r"<(script|img|iframe)[^>]+src=|<link\b|@import|url\(", html, re.IGNORECASE)
    assert not re.search(r"(src|href)\s*=\s*[\"']?https?:", html, re.IGNORECASE)
    # The days of every dated visual: the plays' and one track saved in December
    assert "2025-12-01 to 2026-03-03, 4 day(s) with data" in html


def test_names_from_the_data_are_shown_as_text_never_run_as_markup(history_warehouse, local_config, tmp_path, dump_dom):
    # Given a track whose name is markup that would end the data script early
    data = dashboard_data(history_warehouse, local_config.snowflake.database, local_config.snowflake.reporting_schema)
    tracks = next(v for p in data["pages"] for v in p["visuals"] if v["name"] == "most_played_tracks")
    data["texts"].append("</script><img src=x onerror=alert(1)> __SCRIPT__")
    for cell in tracks["cells"]:
        cell[1] = len(data["texts"]) - 1  # the track name of every play
    page = tmp_path / "report.html"
    page.write_text(render_html(data, GENERATED_AT), encoding="utf-8")

    # When the browser draws it
    figures = figures_of(dump_dom(page))

    # Then every visual still drew, and the name appears as text in its table
    assert all(f["attributes"].get("data-drawn") == "true" for f in figures.values())
    assert "</script><img src=x onerror=alert(1)> __SCRIPT__" in figures["most_played_tracks"]["text"]


def test_a_visual_without_rows_in_a_warehouse_with_data_says_it_has_none(
    history_warehouse, local_config, tmp_path, dump_dom
) -> None:
    # Given a run whose loads broke no rule
    data = dashboard_data(history_warehouse, local_config.snowflake.database, local_config.snowflake.reporting_schema)
    rejects = next(v for p in data["pages"] for v in p["visuals"] if v["name"] == "rejected_rows_by_rule")
    rejects["cells"] = []
    page = tmp_path / "report.html"
    page.write_text(render_html(data, GENERATED_AT), encoding="utf-8")

    figures = figures_of(dump_dom(page))

    assert figures["rejected_rows_by_rule"]["text"][-1] == "No rows to show"
    assert figures["rejected_rows_by_rule"]["attributes"]["data-points"] == "0"


def test_an_empty_warehouse_gives_a_dashboard_that_says_there_is_no_data_yet(
    empty_warehouse, local_config, tmp_path, dump_dom
) -> None:
    page = write_dashboard(empty_warehouse, tmp_path / "report.html", local_config, GENERATED_AT)

    figures = figures_of(dump_dom(page))

    assert "no dated rows yet" in page.read_text(encoding="utf-8")
    assert all(f["attributes"].get("data-drawn") == "true" for f in figures.values())
    assert figures["listening_per_day"]["text"][-1] == "No data yet: run the pipeline (make run)"
    assert figures["plays_card"]["text"] == ["Plays", "0"]


def test_a_warehouse_without_the_views_fails_with_the_visual_and_the_fix(local_config, tmp_path) -> None:
    class WarehouseWithoutViews:
        def query(self, sql: str) -> list[tuple]:
            raise snowflake.connector.errors.ProgrammingError(
                msg="Catalog Error: Table with name PLAYS does not exist!", errno=2003
            )

    with pytest.raises(
        DashboardError,
        match=r"visual 'plays_card' \(Plays\) could not read the warehouse \(.*PLAYS does not exist.*\); are the mig",
    ):
        write_dashboard(WarehouseWithoutViews(), tmp_path / "report.html", local_config, GENERATED_AT)
    assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize(
    ("format_string", "expected"),
    [
        ("#,0", {"kind": "number", "decimals": 0, "grouping": True, "signed": False, "suffix": ""}),
        ("0.0%", {"kind": "percent", "decimals": 1, "grouping": False, "signed": False, "suffix": ""}),
        ('0"s"', {"kind": "number", "decimals": 0, "grouping": False, "signed": False, "suffix": "s"}),
        ("+0;-0;0", {"kind": "number", "decimals": 0, "grouping": False, "signed": True, "suffix": ""}),
        ("#,0.00", {"kind": "number", "decimals": 2, "grouping": True, "signed": False, "suffix": ""}),
        ("yyyy-mm-dd", {"kind": "date"}),
    ],
)
def test_power_bi_format_strings_become_the_pages_number_formats(format_string, expected) -> None:
    assert value_format(format_string) == expected


def page_texts(figures: dict[str, dict]) -> dict[str, list[list[str]]]:
    return {page.name: [figures[v.name]["text"] for v in page.visuals] for page in PAGES}


def test_the_date_filter_changes_the_figures_of_every_page(history_dashboard, dump_dom) -> None:
    # Given the three days, and the same dashboard opened on the second day only
    every_day = figures_of(dump_dom(history_dashboard))
    second_day = figures_of(dump_dom(history_dashboard, "from=2026-03-02&to=2026-03-02"))

    # Then every page shows other figures, and the figures of that day
    changed = {
        page: [a != b for a, b in zip(texts, page_texts(second_day)[page], strict=True)]
        for page, texts in page_texts(every_day).items()
    }
    assert all(any(visuals) for visuals in changed.values()), changed

    def card(name: str) -> str:
        return second_day[name]["text"][-1]

    assert [card("plays_card"), card("distinct_tracks_card"), card("new_artists_card")] == ["3", "3", "1"]
    assert [card("playlist_adds_card"), card("playlist_removals_card"), card("labels_plays_card")] == ["1", "1", "3"]
    assert card("playlist_count_card") == "2"  # playlists have no date: every one, as in Power BI
    assert "Total: 15 listening minutes · 3 plays · 1 day(s)" in second_day["listening_per_day"]["text"]
    # The latest snapshot is the latest of the days selected: Teardrop first on day 2, Angel new (no change)
    top = second_day["latest_short_term_top_tracks"]["text"]
    assert top[top.index("Teardrop") :] == ["Teardrop", "1", "+1", "Jóga", "2", "-1", "Angel", "3", "(Blank)"]
    # First heard ignores the dates selected; Björk, not played that day, shows 0 plays
    first_heard = second_day["artists_first_heard"]["text"]
    assert first_heard[first_heard.index("Björk") :][:3] == ["Björk", "2026-03-01", "0"]


def test_zeros_show_as_0_and_the_hour_chart_has_every_hour_evenly_labelled(history_dashboard, dump_dom) -> None:
    # Given a day after the one whose load had a rejected row, with no skipped or partial play
    figures = figures_of(dump_dom(history_dashboard, "from=2026-03-03&to=2026-03-03"))

    # Then the counts of nothing are 0, not blank
    assert figures["rejected_rows_card"]["text"] == ["Rejected rows", "0"]
    assert figures["skipped_plays_card"]["text"] == ["Skipped plays", "0"]
    assert figures["partial_plays_card"]["text"] == ["Partial plays", "0"]
    assert "(Blank)" not in figures["skips_per_year"]["text"]
    # And the hour chart has a place for each of the 24 hours, labelled at an even step from 0
    hours = figures["plays_by_hour"]
    assert hours["attributes"]["data-points"] == "24"
    axis = [int(label) for label in hours["categories"]]
    step = axis[1] - axis[0]
    assert axis == list(range(0, 24, step)) and step in (1, 2, 3, 4, 6)
    assert "2 · Plays: 0" in hours["text"]  # no play at 02:00 is 0 plays


def test_days_and_hours_are_those_of_the_reporting_time_zone_across_the_dst_switch(
    dst_warehouse, berlin_config, tmp_path, dump_dom
) -> None:
    # Given plays around the switches to and from summer time, reported in Berlin time
    page = write_dashboard(dst_warehouse, tmp_path / "report.html", berlin_config, GENERATED_AT)

    spring = figures_of(dump_dom(page, "from=2026-03-29&to=2026-03-29"))
    autumn = figures_of(dump_dom(page, "from=2026-10-25&to=2026-10-25"))

    # Then a play at 23:30 UTC counts on the next day, and each play lands in its hour on the Berlin clock
    assert "days and hours in Europe/Berlin" in page.read_text(encoding="utf-8")
    assert spring["plays_card"]["text"][-1] == "3"
    assert {"0 · Plays: 1", "1 · Plays: 1", "2 · Plays: 0", "3 · Plays: 1"} <= set(spring["plays_by_hour"]["text"])
    assert autumn["plays_card"]["text"][-1] == "3"
    assert {"0 · Plays: 1", "1 · Plays: 0", "2 · Plays: 2", "3 · Plays: 0"} <= set(autumn["plays_by_hour"]["text"])


@pytest.mark.slow
def test_a_year_of_the_fake_listener_renders_every_visual_with_readable_axes(
    tmp_path, local_config, variables, dump_dom
) -> None:
    from listening_year import load_year

    from local.fake_spotify.catalog import Catalog
    from local.warehouse import LocalWarehouse

    # Given a year of the fake listener's days, as `make run DAYS=365` reads them
    catalog = Catalog(local_config.local.fake_spotify_seed, local_config.local.fake_spotify_size)
    with LocalWarehouse(tmp_path / "db", tmp_path / "s3", local_config, variables) as warehouse:
        warehouse.apply()
        rows = load_year(warehouse, tmp_path / "s3", catalog)
        page = write_dashboard(warehouse, tmp_path / "report.html", local_config, GENERATED_AT)

    # When the browser draws it, on every day and on the last week; then every visual drew, a point per day
    assert rows["fact_play"] > 10_000
    year, _ = _draw_a_year(dump_dom, page, datetime.date(2026, 12, 31))
    assert year["listening_per_day"]["attributes"]["data-points"] == "365"


def _draw_a_year(dump_dom, page, last_day: datetime.date) -> tuple[dict[str, dict], dict[str, dict]]:
    """The figures of a year's dashboard over every day and over the week to `last_day`, checked: every visual
    draws, a point per day, a few evenly spaced date labels rather than 365."""
    first_of_week = last_day - datetime.timedelta(days=6)
    year = figures_of(dump_dom(page))
    week = figures_of(dump_dom(page, f"from={first_of_week}&to={last_day}"))

    for figures in (year, week):
        for name, figure in figures.items():
            assert "data-error" not in figure["attributes"], f"{name}: {figure['attributes'].get('data-error')}"
            assert figure["attributes"].get("data-drawn") == "true", f"{name} did not draw"
    assert int(year["listening_per_day"]["attributes"]["data-points"]) > 300
    assert 4 <= len(year["listening_per_day"]["categories"]) <= 16
    assert week["listening_per_day"]["attributes"]["data-points"] == "7"
    assert year["plays_card"]["text"] != week["plays_card"]["text"]
    return year, week


@pytest.mark.skipif(
    "YEAR_DASHBOARD" not in os.environ,
    reason="set YEAR_DASHBOARD to the .local/report.html a `make run DAYS=365` wrote (hours to make) to check it",
)
def test_the_dashboard_of_make_run_days_365_renders_every_visual(dump_dom) -> None:
    # Given the dashboard a year of whole daily runs wrote (its last day in its subtitle)
    page = Path(os.environ["YEAR_DASHBOARD"])
    (last,) = re.findall(r"to (\d{4}-\d{2}-\d{2}), \d+ day\(s\) with data", page.read_text(encoding="utf-8"))
    last_day = datetime.date.fromisoformat(last)

    # When the browser draws it; then every visual drew, on every day and on the last week, the Data-quality
    # page's too (a year of runs' outcomes, extractions and loads)
    year, _ = _draw_a_year(dump_dom, page, last_day)
    for name in ("transform_outcomes_per_day", "table_freshness"):
        assert int(year[name]["attributes"]["data-points"]) > 0, name


def test_every_visual_shows_the_numbers_of_its_sql_form(history_warehouse, history_dashboard, local_config, dump_dom):
    # Given each visual's SQL form over every day (powerbi.sql.visual_query, the measures' SQL)
    snowflake = local_config.snowflake
    figures = figures_of(dump_dom(history_dashboard))

    for page in PAGES:
        for visual in page.visuals:
            query = visual_query(visual, snowflake.database, snowflake.reporting_schema)
            expected = [[_comparable(v) for v in row] for row in history_warehouse.query(query.rows_sql)]
            drawn = json.loads(figures[visual.name]["attributes"]["data-values"])
            groups = len(visual.group_by)

            # Then the page's script, combining the per-day cells, gives the same rows in the same order; the rows
            # it adds are the zeros of a complete axis or of counts (every measure blank)
            kept = [row for row in drawn["rows"] if any(v is not None for v in row[groups:])]
            if groups == 0:
                kept = drawn["rows"] if expected[0][0] is not None else []
                expected = [row for row in expected if row[0] is not None]
            assert [row[:groups] for row in kept] == [row[:groups] for row in expected], visual.name
            for got, want in zip(kept, expected, strict=True):
                assert got[groups:] == pytest.approx(want[groups:]), f"{visual.name} {got[:groups]}"
            if query.total_sql:
                total = [_comparable(v) for v in history_warehouse.query(query.total_sql)[0]]
                assert drawn["total"] == pytest.approx(total), visual.name


def _comparable(value: object) -> object:
    """A warehouse value as the page holds it: times to the minute and dates as ISO text, decimals as numbers."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value
