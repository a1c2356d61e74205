"""The dashboard's Data-quality page after real runs of the local pipeline (tests/daily_runs.py), drawn in headless
Chromium: each day's figures are what the runs' own reports and manifests say, computed here from those JSON
files alone, and every table's freshness is the files its pipe loaded."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from local.dashboard import write_dashboard

PAGES = "raw_pages"  # the run report's "pages", a table of their own on the page
RUN_QUALITY_TABLES = ("run_table_outcome", "run_extraction", "run_extraction_issue")
TRANSFORM_FIGURES = ("Rows quarantined", "Rows dropped", "Pages quarantined")
EXTRACTION_FIGURES = ("Entity errors", "Endpoint fallbacks", "Play gaps", "Partial runs")


class QualityFigures(HTMLParser):
    """Per visual of the dumped DOM: its text, the tooltips of its marks (<title>) and its table rows."""

    def __init__(self) -> None:
        super().__init__()
        self.visuals: dict[str, dict[str, Any]] = {}
        self._stack: list[tuple[str, str | None]] = []  # (tag, visual) of each open element

    @property
    def _visual(self) -> str | None:
        return self._stack[-1][1] if self._stack else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        visual = self._visual
        if tag == "figure" and attributes.get("data-visual"):
            visual = str(attributes["data-visual"])
            self.visuals[visual] = {"attributes": attributes, "text": [], "tooltips": [], "rows": []}
        elif visual and tag == "tr":
            self.visuals[visual]["rows"].append([])
        self._stack.append((tag, visual))

    def handle_endtag(self, tag: str) -> None:
        if self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        visual, text = self._visual, data.strip()
        if not visual or not text:
            return
        figure = self.visuals[visual]
        tags = [tag for tag, _ in self._stack]
        if tags[-1] == "title":
            figure["tooltips"].append(text)
        elif tags[-1] in ("td", "th"):
            figure["rows"][-1].append(text)
        figure["text"].append(text)


def quality_figures(dom: str) -> dict[str, dict[str, Any]]:
    parser = QualityFigures()
    parser.feed(dom)
    return parser.visuals


def per_day(figure: dict[str, Any]) -> dict[str, dict[str, str]]:
    """A per-day chart's values from its marks' tooltips: {day: {measure: shown value}}."""
    values: dict[str, dict[str, str]] = defaultdict(dict)
    for tooltip in figure["tooltips"]:
        if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2}) · (.+): (.+)", tooltip):
            values[match[1]][match[2]] = match[3]
    return dict(values)


# -- what the runs wrote, read from their files ------------------------------------------------------------------


def runs_of(state_dir: Path, raw_bucket: str, processed_bucket: str) -> list[tuple[dict, dict]]:
    """(run report, manifest) of every run the transform reported on."""
    runs = []
    for path in sorted((state_dir / "s3" / processed_bucket / "reports").rglob("run_report.json")):
        report = json.loads(path.read_text(encoding="utf-8"))
        manifest_path = (
            state_dir / "s3" / raw_bucket / "spotify" / f"ingest_date={report['ingest_date']}"
            f"/run_id={report['run_id']}" / "_manifest.json"
        )
        runs.append((report, json.loads(manifest_path.read_text(encoding="utf-8"))))
    return runs


def expected_per_day(runs: list[tuple[dict, dict]]) -> dict[str, dict[str, int]]:
    days: dict[str, Counter] = defaultdict(Counter)
    for report, manifest in runs:
        day = days[report["ingest_date"]]
        day["Rows quarantined"] += sum(t["quarantined"] for t in report["tables"].values())
        day["Rows dropped"] += sum(sum(t["dropped"].values()) for t in report["tables"].values())
        day["Pages quarantined"] += report["pages"]["malformed"]
        day["Entity errors"] += len(manifest.get("errors", []))
        day["Endpoint fallbacks"] += len(manifest.get("fallbacks", []))
        day["Play gaps"] += len(manifest.get("gaps", []))
        day["Partial runs"] += manifest["status"] == "partial"
    return {day: dict(counts) for day, counts in days.items()}


def expected_by_reason(runs: list[tuple[dict, dict]]) -> dict[tuple[str, str], list[int]]:
    """{(table, rule or reason): [rows quarantined, rows dropped, pages quarantined]} over every run."""
    rows: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for report, _ in runs:
        for name, table in report["tables"].items():
            for rule, count in table["quarantine_rules"].items():
                rows[name, rule][0] += count
            for reason, count in table["dropped"].items():
                rows[name, reason][1] += count
        for rule, count in report["pages"]["quarantine_rules"].items():
            rows[PAGES, rule][2] += count
    return dict(rows)


def expected_loads(runs: list[tuple[dict, dict]]) -> dict[str, list[int]]:
    """{loaded table: [files, rows]}: one file per table with rows per run, the run-quality tables' included."""
    loads: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def loaded(table: str, rows: int) -> None:
        if rows:
            loads[table][0] += 1
            loads[table][1] += rows

    for report, manifest in runs:
        for name, table in report["tables"].items():
            loaded(name, table["output"])
        # the report's counts as rows: one per table and outcome reason, output and kept pages included
        outcome_rows = sum(
            (t["output"] > 0) + len(t["quarantine_rules"]) + len(t["dropped"]) for t in report["tables"].values()
        )
        pages = report["pages"]
        outcome_rows += (pages["read"] - pages["malformed"] > 0) + len(pages["quarantine_rules"])
        loaded("run_table_outcome", outcome_rows)
        loaded("run_extraction", 1)
        issues = sum(len(manifest.get(k, [])) for k in ("errors", "fallbacks", "pending", "gaps", "not_found"))
        loaded("run_extraction_issue", issues)
    return dict(loads)


# -- the page ------------------------------------------------------------------------------------------------


@pytest.fixture
def quality_page(daily_runs, variables, tmp_path, dump_dom) -> tuple[dict[str, dict], list[tuple[dict, dict]]]:
    """The Data-quality page's figures after the daily runs, and those runs' reports and manifests."""
    from local.warehouse import LocalWarehouse

    config = daily_runs.config
    processed_bucket, raw_bucket = config.bucket_name("processed"), config.bucket_name("raw")
    shutil.copytree(daily_runs.state_dir / "warehouse", tmp_path / "warehouse")
    stage_root = daily_runs.state_dir / "s3" / processed_bucket
    with LocalWarehouse(tmp_path / "warehouse", stage_root, config, variables) as warehouse:
        page = write_dashboard(warehouse, tmp_path / "report.html", config)
    figures = quality_figures(dump_dom(page))
    return figures, runs_of(daily_runs.state_dir, raw_bucket, processed_bucket)


@pytest.mark.slow
def test_each_days_figures_are_what_that_days_run_reports_and_manifests_say(quality_page) -> None:
    figures, runs = quality_page
    expected = expected_per_day(runs)
    assert len(expected) == 2, "the daily runs cover two days"

    transform = per_day(figures["transform_outcomes_per_day"])
    extraction = per_day(figures["extraction_issues_per_day"])

    for day, counts in expected.items():
        # every figure is shown, 0 where a day had none of it
        assert transform[day] == {m: f"{counts[m]:,}" for m in TRANSFORM_FIGURES}, day
        assert extraction[day] == {m: f"{counts[m]:,}" for m in EXTRACTION_FIGURES}, day
    assert set(transform) == set(extraction) == set(expected)
    # the cards add up the days selected (all of them)
    for card, measure in (
        ("rows_quarantined_card", "Rows quarantined"),
        ("rows_dropped_card", "Rows dropped"),
        ("entity_errors_card", "Entity errors"),
        ("play_gaps_card", "Play gaps"),
        ("partial_runs_card", "Partial runs"),
    ):
        assert figures[card]["text"] == [measure, f"{sum(c[measure] for c in expected.values()):,}"], card
    assert sum(c["Rows dropped"] for c in expected.values()) > 0, "the runs drop duplicate keys: a figure to check"


@pytest.mark.slow
def test_the_tables_list_each_rule_and_reason_and_each_tables_last_load(quality_page) -> None:
    figures, runs = quality_page

    by_reason = figures["rows_by_table_and_reason"]["rows"]
    header, body, total = by_reason[0], by_reason[1:-1], by_reason[-1]
    assert header == ["Table name", "Reason", "Rows quarantined", "Rows dropped", "Pages quarantined"]
    expected = expected_by_reason(runs)
    assert {(row[0], row[1]): [int(v.replace(",", "")) for v in row[2:]] for row in body} == expected
    assert total == ["Total"] + [f"{sum(v[i] for v in expected.values()):,}" for i in range(3)]  # no empty cell text

    freshness = figures["table_freshness"]["rows"]
    assert freshness[0] == ["Table name", "Last load", "Files loaded", "Rows loaded"]
    shown = {row[0]: row[1:] for row in freshness[1:-1]}
    loads = expected_loads(runs)
    assert {name: [int(files), int(rows.replace(",", ""))] for name, (_, files, rows) in shown.items()} == loads
    assert set(RUN_QUALITY_TABLES[:2]) <= set(shown)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", last) for last, _, _ in shown.values()), shown


def test_a_day_whose_runs_had_nothing_to_report_shows_zeros_not_blanks(
    history_warehouse, local_config, tmp_path, dump_dom
):
    # Given the three-day history (conftest): day 3's run quarantined, dropped and missed nothing
    page = write_dashboard(history_warehouse, tmp_path / "report.html", local_config)

    figures = quality_figures(dump_dom(page))

    transform = per_day(figures["transform_outcomes_per_day"])
    extraction = per_day(figures["extraction_issues_per_day"])
    assert transform["2026-03-03"] == {"Rows quarantined": "0", "Rows dropped": "0", "Pages quarantined": "0"}
    assert extraction["2026-03-03"] == {
        "Entity errors": "0",
        "Endpoint fallbacks": "0",
        "Play gaps": "0",
        "Partial runs": "0",
    }
    assert transform["2026-03-01"] == {"Rows quarantined": "1", "Rows dropped": "2", "Pages quarantined": "0"}
    assert extraction["2026-03-02"] == {
        "Entity errors": "1",
        "Endpoint fallbacks": "0",
        "Play gaps": "0",
        "Partial runs": "1",
    }
    assert figures["rows_quarantined_card"]["text"] == ["Rows quarantined", "1"]
    assert figures["partial_runs_card"]["text"] == ["Partial runs", "1"]
    issues = {tuple(row) for row in figures["extraction_issue_list"]["rows"][1:-1]}
    # the first read's gap has no start: everything before its end was out of the API's reach
    assert issues == {
        ("entity_error", "playlist_items", "p3", "(Blank)", "(Blank)", "1"),
        ("play_gap", "recently_played", "(Blank)", "(Blank)", "2026-03-01 05:00", "1"),
    }


def test_the_date_filter_selects_the_runs_whose_figures_the_page_shows(
    history_warehouse, local_config, tmp_path, dump_dom
):
    page = write_dashboard(history_warehouse, tmp_path / "report.html", local_config)

    def cards(query: str) -> dict[str, str]:
        figures = quality_figures(dump_dom(page, query))
        names = ("rows_quarantined_card", "rows_dropped_card", "entity_errors_card", "partial_runs_card")
        return {name: figures[name]["text"][-1] for name in names}

    assert cards("from=2026-03-01&to=2026-03-03") == {
        "rows_quarantined_card": "1",
        "rows_dropped_card": "3",
        "entity_errors_card": "1",
        "partial_runs_card": "1",
    }
    assert cards("from=2026-03-02&to=2026-03-03") == {
        "rows_quarantined_card": "0",
        "rows_dropped_card": "1",
        "entity_errors_card": "1",
        "partial_runs_card": "1",
    }
    assert set(cards("from=2026-03-03&to=2026-03-03").values()) == {"0"}
