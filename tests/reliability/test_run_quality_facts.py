"""The bad day's quality facts in the warehouse (tests/reliability/bad_day.py): the partial run, its deleted
playlist and malformed page, the complete run's fallbacks, each once, although the partial run's manifest event
was delivered twice (two transforms) and the complete run's job failed halfway and was retried."""

from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
def bad_day_warehouse(bad_day, local_config, variables, tmp_path):
    from local.warehouse import LocalWarehouse

    shutil.copytree(bad_day.state_dir / "warehouse", tmp_path / "warehouse")
    stage_root = bad_day.state_dir / "s3" / local_config.bucket_name("processed")
    with LocalWarehouse(tmp_path / "warehouse", stage_root, local_config, variables) as warehouse:
        yield warehouse


def _report(bad_day, local_config, manifest) -> dict:
    key = f"reports/snapshot_date={manifest.ingest_date}/run_id={manifest.run_id}/run_report.json"
    path = bad_day.state_dir / "s3" / local_config.bucket_name("processed") / key
    return json.loads(path.read_text(encoding="utf-8"))


def test_each_runs_manifest_facts_reach_the_views_once(bad_day, bad_day_warehouse) -> None:
    partial, complete = bad_day.partial.manifest, bad_day.complete.manifest

    runs = {
        row[0]: row[1:]
        for row in bad_day_warehouse.query(
            "SELECT run_id, extraction_status, entity_errors, fallbacks, play_gaps, pending_items "
            "FROM SPOTIFY.REPORTING.EXTRACTION_RUNS"
        )
    }

    assert runs == {
        m.run_id: (m.status, len(m.errors), len(m.fallbacks), len(m.gaps), len(m.pending)) for m in (partial, complete)
    }
    assert runs[partial.run_id][0] == "partial"
    assert (bad_day.deleted_playlist, 404) in {(e.entity_id, e.status) for e in partial.errors}
    assert runs[complete.run_id][2] > 0, "the complete run fell back from the refused endpoints"
    # Two transforms of the partial run landed twice; the view keeps the latest one's facts
    assert bad_day_warehouse.query(
        f"SELECT COUNT(*) FROM SPOTIFY.LANDING.RUN_EXTRACTION WHERE run_id = '{partial.run_id}'"
    ) == [(2,)]
    issues = bad_day_warehouse.query(
        "SELECT issue_type, entity_id, http_status FROM SPOTIFY.REPORTING.EXTRACTION_ISSUES "
        f"WHERE run_id = '{partial.run_id}' AND issue_type = 'entity_error'"
    )
    assert Counter(issues) == Counter(("entity_error", e.entity_id, e.status) for e in partial.errors)


def test_each_runs_report_counts_reach_the_views_once(bad_day, bad_day_warehouse, local_config) -> None:
    for manifest in (bad_day.partial.manifest, bad_day.complete.manifest):
        report = _report(bad_day, local_config, manifest)
        expected: Counter = Counter()
        for name, table in report["tables"].items():
            expected[name, "output"] += table["output"]
            expected[name, "quarantined"] += sum(table["quarantine_rules"].values())
            expected[name, "dropped"] += sum(table["dropped"].values())
        expected["raw_pages", "output"] += report["pages"]["read"] - report["pages"]["malformed"]
        expected["raw_pages", "quarantined"] += report["pages"]["malformed"]

        shown = bad_day_warehouse.query(
            "SELECT table_name, outcome, SUM(row_count) FROM SPOTIFY.REPORTING.TRANSFORM_OUTCOMES "
            f"WHERE run_id = '{manifest.run_id}' GROUP BY table_name, outcome"
        )

        assert {(t, o): n for t, o, n in shown} == {k: n for k, n in expected.items() if n}, manifest.run_id
    # the malformed recently-played page of the partial run, quarantined whole
    assert bad_day_warehouse.query(
        "SELECT SUM(pages_quarantined) FROM SPOTIFY.REPORTING.TRANSFORM_OUTCOMES "
        f"WHERE run_id = '{bad_day.partial.manifest.run_id}'"
    ) == [(len(bad_day.quarantined_pages),)]
