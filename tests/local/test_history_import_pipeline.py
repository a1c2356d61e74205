"""Done when (issue 15): a generated multi-year history export imported on the local runtime, then daily runs, leave
`core.fact_play` equal to the fake Spotify's ground truth — every play once, the export's and the API's records of
the same play one row — and importing the export again changes nothing.

One pipeline, small: a 5-year export that is sparse (every 90th day) but for its last days, which the first daily
runs overlap, as a real export requested a few days into a new deployment does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest

from config import load_config
from contracts.model import PLAY_SOURCE_API, PLAY_SOURCE_BOTH, PLAY_SOURCE_EXPORT
from local.fake_spotify.activity import end_of_day, plays_between
from local.fake_spotify.catalog import Catalog
from local.fake_spotify.history_export import export_streams, history_days, write_export
from local.glue_runner import SparkJobRunner
from local.import_history import import_file
from local.pipeline import LocalPipeline

pytestmark = pytest.mark.slow

CATALOG_SEED, CATALOG_SIZE = 42, 30
FIRST_RUN_DAY = date(2026, 11, 20)
# A week of daily runs, the first overlapping the export.
RUN_DAYS = [FIRST_RUN_DAY + timedelta(days=n) for n in range(7)]
# The listener asked for the export at noon of the first day the pipeline ran.
EXPORT_UNTIL = datetime.combine(FIRST_RUN_DAY, time(12), UTC)
EXPORT_DAYS = history_days(
    FIRST_RUN_DAY - timedelta(days=5 * 365), FIRST_RUN_DAY, sparse_before=FIRST_RUN_DAY - timedelta(days=3), every=90
)

Identity = tuple[str, str, int]  # ("play", track, the API's played_at ms) or ("stream", track, the export's ts ms)


def _ms(moment: datetime) -> int:
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() * 1000)


@pytest.fixture(scope="module")
def own_spark_jobs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkJobRunner]:
    work = tmp_path_factory.mktemp("history-import-spark")
    runner = SparkJobRunner(work / "spark-worker.log", work)
    yield runner
    runner.stop()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, own_spark_jobs: SparkJobRunner) -> dict:
    state_dir = tmp_path_factory.mktemp("history-import")
    catalog = Catalog(CATALOG_SEED, CATALOG_SIZE)
    streams = export_streams(catalog, EXPORT_DAYS, until=EXPORT_UNTIL)
    export = write_export(state_dir / "my_spotify_data.zip", catalog, streams, rows_per_file=500)
    config = load_config(
        "local",
        overrides={
            "local": {"fake_spotify_seed": CATALOG_SEED, "fake_spotify_size": CATALOG_SIZE},
            # Enrichment on: the daily runs fetch the tracks the export names by id only (extract.history_tracks).
            "sources": {"user": ["recently_played"], "enrich": True},
            # At this catalog size no day has 50 plays: the daily read alone sees every play, captures add nothing.
            "capture": {"enabled": False},
        },
    )
    query = "SELECT track_id, played_at, play_source, ms_played FROM core.fact_play"
    with LocalPipeline(config, state_dir, state_dir / "run.log", FIRST_RUN_DAY, spark_jobs=own_spark_jobs) as pipeline:
        first = import_file(pipeline, export)
        for day in RUN_DAYS:
            pipeline.run_day(day)
        after_runs = pipeline.warehouse.query(query)
        renamed = export.with_name("my_spotify_data (1).zip")
        renamed.write_bytes(export.read_bytes())
        again = import_file(pipeline, renamed)
        after_again = pipeline.warehouse.query(query)
        without_track = pipeline.warehouse.query(
            "SELECT COUNT(*) FROM core.fact_play p LEFT JOIN core.dim_track t ON t.track_id = p.track_id "
            "WHERE t.track_id IS NULL"
        )[0][0]
        not_enriched = pipeline.warehouse.query(
            "SELECT COUNT(*) FROM core.dim_track t LEFT JOIN core.dim_album a ON a.album_id = t.album_id "
            "WHERE t.duration_ms IS NULL OR a.album_name IS NULL"
        )[0][0]
    api_plays = plays_between(catalog, FIRST_RUN_DAY, end_of_day(RUN_DAYS[-1]))
    return {
        "streams": streams,
        "api_only": [p for p in api_plays if p.played_at > EXPORT_UNTIL],
        "first": first,
        "rows": after_runs,
        "again": again,
        "rows_again": after_again,
        "without_track": without_track,
        "not_enriched": not_enriched,
    }


def _truth(streams, api_only) -> Counter[Identity]:
    truth: Counter[Identity] = Counter()
    for stream in streams:
        if stream.track_id is None:
            continue  # a podcast episode: a documented drop, not a track play
        if stream.api_played_at is not None:
            truth[("play", stream.track_id, _ms(stream.api_played_at))] += 1
        else:
            truth[("stream", stream.track_id, _ms(stream.ts))] += 1
    truth.update(("play", p.track_id, _ms(p.played_at)) for p in api_only)
    return truth


def _identities(rows, streams) -> Counter[Identity]:
    by_ts = {(s.track_id, _ms(s.ts)): s for s in streams if s.track_id}
    found: Counter[Identity] = Counter()
    for track_id, played_at, source, _ in rows:
        if source == PLAY_SOURCE_EXPORT:
            stream = by_ts[(track_id, _ms(played_at))]
            kind, at = ("play", stream.api_played_at) if stream.api_played_at else ("stream", stream.ts)
            found[(kind, track_id, _ms(at))] += 1
        else:
            found[("play", track_id, _ms(played_at))] += 1
    return found


def test_the_import_then_daily_runs_leave_every_play_once(imported):
    assert imported["first"].imports[0]["status"] == "imported"
    truth = _truth(imported["streams"], imported["api_only"])

    found = _identities(imported["rows"], imported["streams"])

    assert found == truth
    sources = Counter(row[2] for row in imported["rows"])
    # The API and the export overlapped: their records of the same plays became one row each.
    assert sources[PLAY_SOURCE_BOTH] > 0 and sources[PLAY_SOURCE_EXPORT] > 0 and sources[PLAY_SOURCE_API] > 0
    assert all(row[3] is not None for row in imported["rows"] if row[2] == PLAY_SOURCE_BOTH)


def test_every_imported_play_has_its_track_row_enriched_through_the_api(imported):
    assert imported["without_track"] == 0
    # The export names tracks by id and name only; the daily runs fetched each in full, with its album.
    assert imported["not_enriched"] == 0


def test_importing_the_same_export_again_changes_nothing(imported):
    assert [s["status"] for s in imported["again"].imports] == ["already_imported"]
    assert imported["again"].jobs == []
    assert sorted(imported["rows_again"]) == sorted(imported["rows"])
