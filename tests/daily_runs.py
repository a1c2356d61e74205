"""The fault-free daily runs of the local pipeline that several test modules read: they are the slow part, so
they run once per session (tests/conftest.py `daily_runs`). tests/local checks them as what `make run` does;
tests/reliability uses them as the baseline of its fault matrix and scans what they left for secrets.

Two consecutive days, then the emulators stop, restart from the saved state and run the second day again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from config import PipelineConfig, load_config
from contracts.model import TABLES
from local.glue_runner import SparkJobRunner
from local.pipeline import DayResult, LocalPipeline

DAY_1, DAY_2 = date(2026, 11, 23), date(2026, 11, 24)
# Small enough for seconds per day, large enough that every model table gets rows.
CATALOG_SIZE = 60
# Lineage a re-run legitimately changes; every other column is the data a user sees.
RUN_LINEAGE = ("run_id", "source_file")

CoreRows = dict[str, list[tuple]]


def daily_config(**extract: Any) -> PipelineConfig:
    """The local configuration with the test catalog; `extract` overrides settings that change only timing.
    Captures are off: the fault matrix compares a bad day's daily reads with these (captures have their own
    end-to-end proof, tests/local/test_play_reconciliation.py)."""
    return load_config(
        "local",
        overrides={"local": {"fake_spotify_size": CATALOG_SIZE}, "extract": extract, "capture": {"enabled": False}},
    )


def core_rows(pipeline: LocalPipeline) -> CoreRows:
    """Every final row without the run lineage, sorted, per model table."""
    rows = {}
    for table in TABLES:
        columns = [c for c in table.column_names if c not in RUN_LINEAGE]
        rows[table.name] = sorted(
            pipeline.warehouse.query(f"SELECT {', '.join(columns)} FROM core.{table.name}"), key=repr
        )
    return rows


@dataclass
class SpotifySecrets:
    """The fake Spotify's credentials and every access token it issued: none may leak into stored data."""

    client_secret: str
    refresh_token: str
    access_tokens: set[str] = field(default_factory=set)

    def collect(self, pipeline: LocalPipeline) -> None:
        self.access_tokens |= set(pipeline.spotify.tokens.issued_access_tokens())
        self.refresh_token = pipeline.spotify.refresh_token

    @property
    def values(self) -> dict[str, str]:
        named = {"client secret": self.client_secret, "refresh token": self.refresh_token}
        return {**named, **{f"access token {n}": token for n, token in enumerate(sorted(self.access_tokens))}}


@dataclass
class DailyRuns:
    config: PipelineConfig
    state_dir: Path
    log_file: Path
    day_1: DayResult
    day_2: DayResult
    core_after_day_1: CoreRows
    core_after_day_2: CoreRows
    counts_after_day_2: dict[str, int]
    rerun: DayResult
    core_after_rerun: CoreRows
    landing_after_rerun: dict[str, int]
    secrets: SpotifySecrets
    # What the fake MusicBrainz saw, over both pipelines (each starts its own), and what the reports show of it.
    musicbrainz_requests: list[Any] = field(default_factory=list)
    musicbrainz_report: dict[str, list[tuple]] = field(default_factory=dict)


# The reporting views' MusicBrainz columns after day 2: which source each label and genre came from.
MUSICBRAINZ_REPORT = {
    "label_sources": "SELECT label_source, COUNT(*) FROM reporting.albums GROUP BY label_source",
    "genre_sources": "SELECT genre_source, COUNT(*) FROM reporting.artist_genres GROUP BY genre_source",
    "album_genres": "SELECT COUNT(*) FROM reporting.album_genres",
    "matched_tracks": "SELECT COUNT(*) FROM reporting.tracks WHERE musicbrainz_recording_id IS NOT NULL",
}


def landing_counts(pipeline: LocalPipeline) -> dict[str, int]:
    return {t.name: pipeline.warehouse.query(f"SELECT COUNT(*) FROM landing.{t.name}")[0][0] for t in TABLES}


def run_daily(state_dir: Path, spark_jobs: SparkJobRunner) -> DailyRuns:
    config = daily_config()
    log = state_dir / "logs" / "test.log"
    with LocalPipeline(config, state_dir, log, first_day=DAY_1, spark_jobs=spark_jobs) as pipeline:
        secrets = SpotifySecrets(pipeline.spotify.client_secret, pipeline.spotify.refresh_token)
        day_1 = pipeline.run_day(DAY_1)
        core_after_day_1 = core_rows(pipeline)
        day_2 = pipeline.run_day(DAY_2)
        counts = pipeline.warehouse.counts()
        core_after_day_2 = core_rows(pipeline)
        secrets.collect(pipeline)
        musicbrainz_report = {name: pipeline.warehouse.query(sql) for name, sql in MUSICBRAINZ_REPORT.items()}
        musicbrainz_requests = pipeline.musicbrainz.requests
    with LocalPipeline(config, state_dir, log, first_day=DAY_2, spark_jobs=spark_jobs) as pipeline:
        rerun = pipeline.run_day(DAY_2)
        core_after_rerun = core_rows(pipeline)
        landing_after_rerun = landing_counts(pipeline)
        secrets.collect(pipeline)
        musicbrainz_requests += pipeline.musicbrainz.requests
    return DailyRuns(
        config=config,
        state_dir=state_dir,
        log_file=log,
        day_1=day_1,
        day_2=day_2,
        core_after_day_1=core_after_day_1,
        core_after_day_2=core_after_day_2,
        counts_after_day_2=counts,
        rerun=rerun,
        core_after_rerun=core_after_rerun,
        landing_after_rerun=landing_after_rerun,
        secrets=secrets,
        musicbrainz_requests=musicbrainz_requests,
        musicbrainz_report=musicbrainz_report,
    )
