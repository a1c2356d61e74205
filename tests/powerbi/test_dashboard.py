"""local.dashboard: the report's pages drawn from the local warehouse into one HTML file that opens offline,
checked in headless Chromium (every visual draws) and as text (nothing is fetched from the network)."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
import snowflake.connector.errors

from local.dashboard import DashboardError, dashboard_data, render_html, value_format, write_dashboard
from powerbi.report import PAGES

GENERATED_AT = datetime.datetime(2026, 3, 4, 6, 30, tzinfo=datetime.UTC)
VISUAL_COUNT = sum(len(page.visuals) for page in PAGES)


class Figures(HTMLParser):
    """The dumped DOM's visuals: their attributes, the text inside them and the SVG marks they drew."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, dict] = {}
        self._open: list[str] = []  # the figure each open element belongs to

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        owner = self._open[-1] if self._open else None
        if tag == "figure" and "data-visual" in attributes:
            owner = str(attributes["data-visual"])
            self.figures[owner] = {"attributes": attributes, "text": [], "marks": 0, "rows": 0}
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
    assert set(figures) == {path.split("/visuals/")[1].split("/")[0] for path in committed_project.visuals}
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
