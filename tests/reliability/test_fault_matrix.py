"""The fault matrix, end to end on the local runtime: each fault with its guaranteed outcome on the final tables.

Every row runs on the one bad day of tests/reliability/bad_day.py (each fault on its own endpoint, entity or step)
and is compared with the fault-free baseline of the same day and catalog (tests/daily_runs.py). Each row checks
that its fault was really served, then its outcome. The promise behind every row: the run completes or fails
cleanly with a clear message; the final tables hold each record exactly once; nothing fetched is lost without a
quarantine or manifest entry.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from bad_day import BLOCKED_TABLE, BadDay, Step
from daily_runs import DAY_1, RUN_LINEAGE, CoreRows, DailyRuns
from request_log import refused_and_not_asked_again

from contracts.manifest import STATUS_COMPLETE, STATUS_PARTIAL
from contracts.model import FACT_PLAYLIST_ITEM, TABLES, Table
from contracts.processed_zone import REPORTS_PREFIX
from contracts.raw_zone import MANIFEST_NAME, RunLocation, Source

pytestmark = pytest.mark.slow


# -- what every row relies on -----------------------------------------------------------------------------------


def position(table: Table, column: str) -> int:
    """Where `column` is in a final row as `daily_runs.core_rows` reads it (without the run lineage)."""
    return [c for c in table.column_names if c not in RUN_LINEAGE].index(column)


def key_counts(core: CoreRows) -> dict[str, Counter]:
    """Per table, how many final rows each natural key has."""
    counts = {}
    for table in TABLES:
        positions = [position(table, k) for k in table.key]
        counts[table.name] = Counter(tuple(row[p] for p in positions) for row in core[table.name])
    return counts


def assert_each_record_once(core: CoreRows) -> None:
    for table, counts in key_counts(core).items():
        assert [key for key, n in counts.items() if n > 1] == [], f"{table} holds a record twice"


def expected_final(base: DailyRuns, bad: BadDay) -> CoreRows:
    """The baseline's final tables after the same day, without the items of the playlist deleted on the bad day
    (the only records the API never gave; the bad day's manifests name the playlist)."""
    expected = dict(base.core_after_day_1)
    playlist = position(FACT_PLAYLIST_ITEM, "playlist_id")
    expected[FACT_PLAYLIST_ITEM.name] = [
        row for row in expected[FACT_PLAYLIST_ITEM.name] if row[playlist] != bad.deleted_playlist
    ]
    return expected


def assert_final_tables_complete(bad: BadDay, base: DailyRuns) -> None:
    assert_each_record_once(bad.core_final)
    assert bad.core_final == expected_final(base, bad)


def statuses(step: Step, path_pattern: str) -> list[int | None]:
    """The statuses the fake Spotify answered, in order, to the step's requests whose path matches."""
    return [r.status for r in step.requests if re.search(path_pattern, r.path)]


def extra_calls(step: Step, source: str) -> int:
    """Calls the step made for `source` beyond the fewest its mode allows: its retries."""
    return step.summary["calls"].get(source, 0) - step.summary["min_calls"].get(source, 0)


def assert_recovered(step: Step, source: str, path_pattern: str, fault_status: int | None, faults: int) -> None:
    """The source met `faults` answers of `fault_status`, and still read each of its pages: as many successes as
    the fewest calls its mode allows, the retries on top, and no error recorded against it. (Token expiry may add
    a 401 and a retry anywhere, so retries are counted as at least the faults.)"""
    answered = statuses(step, path_pattern)
    assert answered.count(fault_status) == faults, answered
    assert answered.count(200) == step.summary["min_calls"][source], answered
    assert extra_calls(step, source) >= faults
    assert not [e for e in step.manifest.errors if e.source == source]


# -- the rows ---------------------------------------------------------------------------------------------------


def rate_limit_short(bad: BadDay, base: DailyRuns) -> None:
    run = bad.complete
    assert run.rules["short_429"].hits == 1
    # Waited the Retry-After, asked again, and read every time range in full
    assert_recovered(run, Source.TOP_TRACKS, r"^/v1/me/top/tracks$", 429, 1)
    assert run.summary["status"] == STATUS_COMPLETE
    assert_final_tables_complete(bad, base)


def rate_limit_too_long(bad: BadDay, base: DailyRuns) -> None:
    run = bad.partial
    assert run.rules["too_long"].hits == 1
    assert 429 in statuses(run, r"^/v1/albums/[^/]+$")
    # The run stopped cleanly instead of sleeping an hour: partial, with the reason and what is left
    assert run.summary["status"] == STATUS_PARTIAL == run.manifest.status
    assert "Retry-After" in run.summary["stop_reason"]
    pending = {(p.source, p.entity_id) for p in run.manifest.pending}
    assert {source for source, _ in pending} >= {Source.ALBUMS}
    # What it did fetch went downstream at once, flagged partial
    assert bad.partial_jobs[0].report["extraction_status"] == STATUS_PARTIAL
    # The state hands the pending work to the next run, which fetched every piece of it
    assert {(p["source"], p["entity_id"]) for p in run.state["pending"]} >= pending
    fetched_next = {r.path.rsplit("/", 1)[1] for r in bad.complete.requests if r.status == 200}
    assert {entity for source, entity in pending if source != Source.MUSICBRAINZ_RECORDINGS} <= fetched_next
    # The MusicBrainz lookups the stop left wait too, and the next run asks them (at MusicBrainz, not Spotify)
    looked_up_next = set(bad.complete.state["known_isrcs"]) | set(bad.complete.state["isrcs_not_found"])
    assert {entity for source, entity in pending if source == Source.MUSICBRAINZ_RECORDINGS} <= looked_up_next
    assert bad.complete.summary["status"] == STATUS_COMPLETE
    assert_final_tables_complete(bad, base)


def server_error_burst(bad: BadDay, base: DailyRuns) -> None:
    run = bad.complete
    assert run.rules["burst_503"].hits == 3
    assert_recovered(run, Source.SAVED_TRACKS, r"^/v1/me/tracks$", 503, 3)
    assert_final_tables_complete(bad, base)


def timeout_slow_answer(bad: BadDay, base: DailyRuns) -> None:
    run = bad.complete
    assert run.rules["slow"].hits == 1
    # The answer was due after the request timeout: the extractor gave up on it and asked again. The server logs
    # each request as it arrives, the slow one too, with the answer it sent too late (200, or 401 if the tokens
    # had expired by then); the extractor counted each as a call and read every page.
    assert extra_calls(run, Source.USER_PLAYLISTS) >= 1
    answered = statuses(run, r"^/v1/me/playlists$")
    assert len(answered) == run.summary["calls"][Source.USER_PLAYLISTS]
    assert answered.count(200) >= run.summary["min_calls"][Source.USER_PLAYLISTS]
    assert not [e for e in run.manifest.errors if e.source == Source.USER_PLAYLISTS]
    assert_final_tables_complete(bad, base)


def timeout_dropped_connection(bad: BadDay, base: DailyRuns) -> None:
    run = bad.complete
    assert run.rules["dropped"].hits == 1
    assert_recovered(run, Source.TOP_ARTISTS, r"^/v1/me/top/artists$", None, 1)  # None: no answer at all
    assert_final_tables_complete(bad, base)


def token_expiry(bad: BadDay, base: DailyRuns) -> None:
    run = bad.complete
    assert run.rules["expiry"].hits == 1
    assert [r for r in run.requests if r.status == 401]
    # Each refused request was made again with a fresh token, and answered (a removed endpoint answers 403). The
    # log is in the order of arrival, so a slow answer the extractor gave up on comes before its retry
    # (tests/extract/test_extraction_run.py reproduces that interleaving).
    assert refused_and_not_asked_again(run.requests) == []
    assert sum(1 for r in run.requests if r.path == "/api/token") > 2  # the app and user tokens, then refreshes
    assert not [e for e in run.manifest.errors if e.status == 401]
    assert_final_tables_complete(bad, base)


def removed_endpoint_fallback(bad: BadDay, base: DailyRuns) -> None:
    run = bad.complete
    # Configured for extended mode, served development mode: the batch and legacy endpoints answer 403
    assert 403 in statuses(run, r"^/v1/albums/?$") and 403 in statuses(run, r"^/v1/artists/?$")
    assert 403 in statuses(run, r"^/v1/playlists/[^/]+/tracks$")
    fallbacks = {f.endpoint: (f.status, f.fallback) for f in run.manifest.fallbacks}
    assert fallbacks == {
        "/v1/albums": (403, "/v1/albums/{id}"),
        "/v1/artists": (403, "/v1/artists/{id}"),
        "/v1/playlists/{playlist_id}/tracks": (403, "/v1/playlists/{playlist_id}/items"),
    }
    # Each refused only once: the run switched for good
    assert statuses(run, r"^/v1/albums/?$").count(403) == 1
    assert statuses(run, r"^/v1/artists/?$").count(403) == 1
    assert_final_tables_complete(bad, base)


def deleted_playlist(bad: BadDay, base: DailyRuns) -> None:
    deleted = bad.deleted_playlist
    for run in (bad.partial, bad.complete):
        assert 404 in statuses(run, rf"^/v1/playlists/{deleted}$")
        # Recorded against the playlist in the manifest, and the run went on
        assert [(e.status, e.message) for e in run.manifest.errors if e.entity_id == deleted] == [
            (404, "Resource not found")
        ]
    assert bad.complete.summary["status"] == STATUS_COMPLETE
    # The baseline had its items that day; the bad day has none, and everything else is there
    playlist = position(FACT_PLAYLIST_ITEM, "playlist_id")
    assert [r for r in base.core_after_day_1[FACT_PLAYLIST_ITEM.name] if r[playlist] == deleted]
    assert not [r for r in bad.core_final[FACT_PLAYLIST_ITEM.name] if r[playlist] == deleted]
    assert_final_tables_complete(bad, base)


def malformed_json_page(bad: BadDay, base: DailyRuns) -> None:
    run = bad.partial
    assert run.rules["malformed"].hits == run.summary["calls"][Source.RECENTLY_PLAYED] == 5
    # Kept, not lost: the page's text is in the manifest's errors and in the quarantine with its rule
    (error,) = [e for e in run.manifest.errors if e.source == Source.RECENTLY_PLAYED]
    assert error.status == 200 and "not valid JSON" in error.message
    report = bad.partial_jobs[0].report["pages"]
    assert (report["malformed"], report["quarantine_rules"]) == (1, {"malformed_response": 1})
    (quarantined,) = bad.quarantined_pages
    assert quarantined["rule"] == "malformed_response"
    assert '"response":null' in quarantined["record"] and '"response_text":"{' in quarantined["record"]
    # The cursor did not move past plays nobody read: the next run read them, and every play is there once
    assert run.state["recently_played_after"] is None
    assert bad.complete.summary["cursors"]["recently_played_after"]
    assert_final_tables_complete(bad, base)


def crash_before_manifest(bad: BadDay, base: DailyRuns) -> None:
    crash = bad.crash
    assert crash.refused_puts and all(path.endswith(MANIFEST_NAME) for path in crash.refused_puts)
    # The run failed with a message naming the failed write, not a timeout or a silent success
    assert "PutObject" in crash.error and "InternalError" in crash.error
    # Its pages are in the raw bucket, but no manifest: nothing downstream started and the state did not move
    crashed_runs = {RunLocation.from_key(key).run_id for key in crash.raw_keys}
    assert len(crashed_runs) == 1 and crash.raw_keys
    assert not [key for key in crash.raw_keys if key.endswith(MANIFEST_NAME)]
    assert crash.transform_events == []
    assert crash.state is None
    # No later manifest lists them (inert forever), and the next runs made the day complete
    listed = {f.key for manifest in bad.manifests_final.values() for f in manifest.files}
    assert not listed & set(crash.raw_keys)
    assert_final_tables_complete(bad, base)


def manifest_event_twice(bad: BadDay, base: DailyRuns) -> None:
    first, second = bad.partial_jobs
    assert first.manifest_key == second.manifest_key and first.run_id == second.run_id
    # The second job replaced the first one's files with its own, and each new file reached its pipe
    # (the run report keeps its key: it is overwritten, not replaced)
    assert sorted(second.replaced_keys) == sorted(k for k in first.written_keys if not k.startswith(REPORTS_PREFIX))
    assert sum(bad.landing_after_duplicate_job.values()) == 2 * sum(bad.landing_after_first_job.values())
    # The final tables did not change
    assert bad.core_after_duplicate_job == bad.core_after_first_job
    assert_each_record_once(bad.core_after_duplicate_job)
    assert_final_tables_complete(bad, base)


def glue_failure_then_retry(bad: BadDay, base: DailyRuns) -> None:
    # The job failed with the storage error in one line, after writing the other datasets
    assert "ParentNotDirectoryException" in bad.glue_error and bad.glue_error.count("\n") == 0
    published_tables = {key.split("/")[1] for key in bad.published_by_failed_attempt}
    assert BLOCKED_TABLE not in published_tables and len(published_tables) > 1
    assert not [key for key in bad.published_by_failed_attempt if key.startswith(f"{REPORTS_PREFIX}/")]
    # Their pipes loaded that part at once: the final tables were incomplete but never wrong
    assert {load.table for load in bad.loads_after_failure} == published_tables
    assert_each_record_once(bad.core_after_failure)
    expected = expected_final(base, bad)
    for table, rows in bad.core_after_failure.items():
        assert set(rows) <= set(expected[table]), table
    # The retry wrote everything again; the final tables hold each record once, complete
    assert bad.retry.report["status"] == "complete"
    assert bad.retry.report["tables"][BLOCKED_TABLE]["output"] > 0
    assert bad.core_after_retry == bad.core_final
    assert_final_tables_complete(bad, base)


def processed_file_twice(bad: BadDay, base: DailyRuns) -> None:
    (again,) = bad.redelivered
    assert (again.table, again.status, again.rows_loaded) == (BLOCKED_TABLE, "LOAD_SKIPPED", 0)
    assert bad.landing_final == bad.landing_before_redelivery
    assert bad.core_final == bad.core_after_retry
    assert_final_tables_complete(bad, base)


def two_runs_same_day(bad: BadDay, base: DailyRuns) -> None:
    # The bad day: two runs of the same day reached the warehouse (a partial one, then a complete one)
    runs = {m.run_id for m in bad.manifests_final.values() if m.ingest_date == DAY_1.isoformat()}
    assert len(runs) == 2
    assert_final_tables_complete(bad, base)
    # The baseline: a complete run of its second day, run again after a restart, changed no final row
    assert base.rerun.extract["run_id"] != base.day_2.extract["run_id"]
    assert base.rerun.extract["status"] == STATUS_COMPLETE
    assert base.core_after_rerun == base.core_after_day_2
    assert_each_record_once(base.core_after_rerun)


@dataclass(frozen=True)
class Row:
    fault: str
    check: Callable[[BadDay, DailyRuns], None]


ROWS = (
    Row("429 with a short Retry-After", rate_limit_short),
    Row("429 with a Retry-After longer than the time left", rate_limit_too_long),
    Row("a burst of 5xx", server_error_burst),
    Row("a slow answer past the request timeout", timeout_slow_answer),
    Row("a dropped connection", timeout_dropped_connection),
    Row("token expiry mid-run", token_expiry),
    Row("a removed endpoint (fallback)", removed_endpoint_fallback),
    Row("a deleted playlist", deleted_playlist),
    Row("malformed JSON in one page", malformed_json_page),
    Row("a crash between the raw pages and the manifest", crash_before_manifest),
    Row("the manifest event delivered twice", manifest_event_twice),
    Row("the Glue job failing after writing part of its output, then retried", glue_failure_then_retry),
    Row("a processed file delivered to the pipe twice", processed_file_twice),
    Row("two runs on the same day", two_runs_same_day),
)


@pytest.mark.parametrize("row", ROWS, ids=[row.check.__name__ for row in ROWS])
def test_fault_outcome(row: Row, bad_day: BadDay, daily_runs: DailyRuns) -> None:
    row.check(bad_day, daily_runs)
