"""The run-quality facts through their pipes to the reporting views: per run, the transform's outcomes, the
manifest's issues and each table's last load; a re-run of the same run replaces its facts, never adds to them."""

from __future__ import annotations

import datetime

DAY, RUN = "2026-03-01", "20260301T061500Z-0a1b2c3d"
NEXT_DAY, NEXT_RUN = "2026-03-02", "20260302T061500Z-8c9d0e1f"
MANIFEST = f"spotify/ingest_date={DAY}/run_id={RUN}/_manifest.json"
FIRST_ATTEMPT = datetime.datetime(2026, 3, 1, 6, 20, tzinfo=datetime.UTC)
RETRY = FIRST_ATTEMPT + datetime.timedelta(minutes=30)


def outcomes(at: datetime.datetime, quarantined: int) -> list[dict]:
    rows = [
        ("dim_track", "output", "kept", 10),
        ("dim_track", "dropped", "duplicate_key", 4),
        ("raw_pages", "output", "kept", 12),
        ("raw_pages", "quarantined", "malformed_response", 1),
    ]
    if quarantined:
        rows.append(("dim_track", "quarantined", "duration_ms_positive", quarantined))
    return [
        {"table_name": t, "outcome": o, "reason": r, "row_count": n, "transformed_at": at, "source_file": MANIFEST}
        for t, o, r, n in rows
    ]


def extraction(at: datetime.datetime, status: str = "partial") -> list[dict]:
    return [
        {
            "extraction_status": status,
            "api_mode": "development",
            "entity_errors": 1,
            "fallbacks": 0,
            "pending_items": 3,
            "play_gaps": 1,
            "transformed_at": at,
            "source_file": MANIFEST,
        }
    ]


def issues(at: datetime.datetime) -> list[dict]:
    return [
        {"issue_type": "entity_error", "issue_number": 0, "source": "playlist_items", "entity_id": "pl_gone",
         "http_status": 404, "detail": "Not found", "transformed_at": at, "source_file": MANIFEST},
        {"issue_type": "play_gap", "issue_number": 0, "source": "recently_played", "detail": RUN,
         "gap_from": datetime.datetime(2026, 3, 1, 1, 0, tzinfo=datetime.UTC),
         "gap_to": datetime.datetime(2026, 3, 1, 3, 30, tzinfo=datetime.UTC), "transformed_at": at,
         "source_file": MANIFEST},
    ]  # fmt: skip


def load_run(warehouse, model_file, at: datetime.datetime, part: str, quarantined: int = 2) -> None:
    for table, rows in (
        ("run_table_outcome", outcomes(at, quarantined)),
        ("run_extraction", extraction(at)),
        ("run_extraction_issue", issues(at)),
    ):
        warehouse.ingest(table, model_file(table, DAY, RUN, rows, part=part))
    warehouse.refresh()


def test_the_reporting_views_show_each_runs_outcomes_issues_and_status(warehouse, model_file) -> None:
    load_run(warehouse, model_file, FIRST_ATTEMPT, "first")

    assert warehouse.query(
        "SELECT table_name, outcome, reason, row_count FROM SPOTIFY.REPORTING.TRANSFORM_OUTCOMES "
        f"WHERE ingest_date = '{DAY}' AND outcome <> 'output' ORDER BY table_name, reason"
    ) == [
        ("dim_track", "dropped", "duplicate_key", 4),
        ("dim_track", "quarantined", "duration_ms_positive", 2),
        ("raw_pages", "quarantined", "malformed_response", 1),
    ]
    assert warehouse.query(
        "SELECT run_id, extraction_status, is_partial, entity_errors, play_gaps FROM SPOTIFY.REPORTING.EXTRACTION_RUNS"
    ) == [(RUN, "partial", True, 1, 1)]
    assert warehouse.query(
        "SELECT issue_type, entity_id, http_status, gap_minutes FROM SPOTIFY.REPORTING.EXTRACTION_ISSUES "
        "ORDER BY issue_type"
    ) == [("entity_error", "pl_gone", 404, None), ("play_gap", None, None, 150)]


def test_a_rerun_of_the_same_run_replaces_its_facts(warehouse, model_file) -> None:
    # Given a run's facts loaded, then its transform run again: new files, and a rule it no longer reports
    load_run(warehouse, model_file, FIRST_ATTEMPT, "first", quarantined=2)
    load_run(warehouse, model_file, RETRY, "retry", quarantined=0)

    # Then the views hold the retry's facts once: nothing doubled, the vanished rule gone
    assert warehouse.query(
        "SELECT table_name, outcome, SUM(row_count) FROM SPOTIFY.REPORTING.TRANSFORM_OUTCOMES "
        "GROUP BY table_name, outcome ORDER BY table_name, outcome"
    ) == [
        ("dim_track", "dropped", 4),
        ("dim_track", "output", 10),
        ("raw_pages", "output", 12),
        ("raw_pages", "quarantined", 1),
    ]
    assert warehouse.query("SELECT COUNT(*), SUM(entity_errors) FROM SPOTIFY.REPORTING.EXTRACTION_RUNS") == [(1, 1)]
    assert warehouse.query("SELECT COUNT(*) FROM SPOTIFY.REPORTING.EXTRACTION_ISSUES") == [(2,)]


def test_the_same_file_loaded_again_by_a_recreated_pipe_counts_once(warehouse, model_file) -> None:
    key = model_file("run_extraction", DAY, RUN, extraction(FIRST_ATTEMPT))
    warehouse.ingest("run_extraction", key)
    # A recreated pipe has no load history: the same file lands a second time
    warehouse.query("INSERT INTO SPOTIFY.LANDING.RUN_EXTRACTION SELECT * FROM SPOTIFY.LANDING.RUN_EXTRACTION")
    warehouse.refresh()

    assert warehouse.query("SELECT COUNT(*) FROM SPOTIFY.LANDING.RUN_EXTRACTION") == [(2,)]
    assert warehouse.query("SELECT COUNT(*) FROM SPOTIFY.REPORTING.EXTRACTION_RUNS") == [(1,)]


def test_table_loads_give_each_tables_last_successful_load(warehouse, model_file) -> None:
    warehouse.ingest("fact_play", model_file("fact_play", DAY, RUN, [{"played_at": FIRST_ATTEMPT, "track_id": "t1"}]))
    warehouse.ingest(
        "fact_play",
        model_file("fact_play", NEXT_DAY, NEXT_RUN, [{"played_at": RETRY, "track_id": f"t{i}"} for i in range(3)]),
    )
    warehouse.ingest("dim_track", model_file("dim_track", DAY, RUN, [{"track_id": "t1"}]))
    warehouse.refresh()

    loads = warehouse.query(
        "SELECT table_name, ingest_date, run_id, loaded_files, loaded_rows, last_loaded_at "
        "FROM SPOTIFY.REPORTING.TABLE_LOADS ORDER BY table_name, ingest_date"
    )

    assert [row[:5] for row in loads] == [
        ("dim_track", datetime.date(2026, 3, 1), RUN, 1, 1),
        ("fact_play", datetime.date(2026, 3, 1), RUN, 1, 1),
        ("fact_play", datetime.date(2026, 3, 2), NEXT_RUN, 1, 3),
    ]
    landing_times = dict(
        warehouse.query(
            "SELECT 'fact_play', MAX(loaded_at) FROM SPOTIFY.LANDING.FACT_PLAY "
            "UNION ALL SELECT 'dim_track', MAX(loaded_at) FROM SPOTIFY.LANDING.DIM_TRACK"
        )
    )
    last: dict[str, datetime.datetime] = {}
    for table_name, _, _, _, _, loaded_at in loads:
        last[table_name] = max(last.get(table_name, loaded_at), loaded_at)
    # the view gives UTC times without a zone, as every other time of the reporting views
    assert last == {name: at.astimezone(datetime.UTC).replace(tzinfo=None) for name, at in landing_times.items()}
