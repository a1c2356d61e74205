"""No play lost: the plays in `core.fact_play` reconciled with the plays the fake Spotify generated, over days with
more than the API's 50-play window, on the local runtime end to end (captures, daily runs, transform, pipes).

With captures on, every play of a busy day arrives exactly once. With captures off, the daily read loses the
oldest plays of a busy day, and the plays missing are exactly those inside the gap its run report names.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from config import load_config
from local.fake_spotify.activity import RECENTLY_PLAYED_WINDOW, end_of_day, plays_on
from local.glue_runner import SparkJobRunner
from local.pipeline import DayResult, LocalPipeline

pytestmark = pytest.mark.slow

# A Friday and a Saturday with 83 and 69 plays at this catalog size. One pipeline runs both, to keep the test short:
# Friday with captures, then captures turned off for Saturday, whose daily read starts from Friday's cursor.
CAPTURED_DAY, DAILY_ONLY_DAY = date(2026, 11, 20), date(2026, 11, 21)
CATALOG_SIZE = 300
# Captures every four hours are enough for these days (well under 50 plays in four hours) and keep the test short.
EVERY_MINUTES = 240

Play = tuple[str, int]  # (track id, played_at in Unix ms)


@dataclass
class Day:
    truth: list[Play]  # every play the fake generated that day
    plays: list[Play]  # core.fact_play rows played that day, after both days ran
    gaps: list[dict[str, Any]]  # the play gaps of the day's run report
    result: DayResult


def _ms(moment: datetime) -> int:
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() * 1000)


def _iso_ms(text: str | None) -> int | None:
    return None if text is None else _ms(datetime.fromisoformat(text.replace("Z", "+00:00")))


@pytest.fixture(scope="module")
def own_spark_jobs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkJobRunner]:
    """A warm Spark worker of this module's own, not the session's `spark_jobs`: the module then runs on any
    xdist worker beside the fault matrix and the daily runs (tests/worker_groups.py), instead of after them."""
    work = tmp_path_factory.mktemp("reconciliation-spark")
    runner = SparkJobRunner(work / "spark-worker.log", work)
    yield runner
    runner.stop()


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory, own_spark_jobs: SparkJobRunner) -> dict[date, Day]:
    state_dir = tmp_path_factory.mktemp("no-play-lost")
    config = load_config(
        "local",
        overrides={
            "local": {"fake_spotify_size": CATALOG_SIZE},
            # Only plays matter here: the other sources would only make each day slower.
            "sources": {"user": ["recently_played"], "enrich": False},
            "capture": {"enabled": True, "every_minutes": EVERY_MINUTES},
        },
    )
    with LocalPipeline(config, state_dir, state_dir / "days.log", CAPTURED_DAY, spark_jobs=own_spark_jobs) as pipeline:
        captured = pipeline.run_day(CAPTURED_DAY)
        pipeline.config = replace(config, capture=replace(config.capture, enabled=False))
        daily_only = pipeline.run_day(DAILY_ONLY_DAY)
        catalog = pipeline.spotify.catalog
        rows = pipeline.warehouse.query("SELECT track_id, played_at FROM core.fact_play")
    plays = [(track_id, _ms(played_at)) for track_id, played_at in rows]
    days = {}
    for day, result in ((CAPTURED_DAY, captured), (DAILY_ONLY_DAY, daily_only)):
        start, end = _ms(datetime.combine(day, time(), UTC)), _ms(end_of_day(day))
        days[day] = Day(
            truth=[(p.track_id, _ms(p.played_at)) for p in plays_on(catalog, day)],
            plays=[play for play in plays if start <= play[1] <= end],
            gaps=[gap for job in result.jobs for gap in job.report["play_gaps"]["gaps"]],
            result=result,
        )
    return days


def test_with_captures_every_play_of_a_busy_day_arrives_exactly_once(days: dict[date, Day]) -> None:
    day = days[CAPTURED_DAY]
    assert len(day.truth) > RECENTLY_PLAYED_WINDOW, "the day must hold more plays than the API's window"
    assert sorted(day.plays) == sorted(day.truth)
    # and no gap reaches into the day (the first read ever has one: the history before it)
    assert all(_iso_ms(gap["gap_to"]) <= day.truth[0][1] for gap in day.gaps)


def test_captures_add_no_transform_one_per_day(days: dict[date, Day]) -> None:
    result = days[CAPTURED_DAY].result
    assert len(result.captures) == 24 * 60 // EVERY_MINUTES
    assert len(result.jobs) == 1, "the captures ride on the daily run's one transform"
    assert result.jobs[0].report["captures"] == len(result.captures)


def test_without_captures_the_missing_plays_are_exactly_those_inside_the_reported_gap(days: dict[date, Day]) -> None:
    day = days[DAILY_ONLY_DAY]
    assert not day.result.captures
    missing = set(day.truth) - set(day.plays)
    # The day loses what lies beyond the window of its one read, and its run report counts one gap
    assert len(missing) == len(day.truth) - RECENTLY_PLAYED_WINDOW > 0
    assert set(day.plays) <= set(day.truth)
    assert day.result.jobs[0].report["play_gaps"]["count"] == len(day.gaps) == 1

    def in_a_gap(played_at: int) -> bool:
        return any((_iso_ms(gap["gap_from"]) or -1) < played_at < _iso_ms(gap["gap_to"]) for gap in day.gaps)

    assert all(in_a_gap(played_at) for _, played_at in missing)
    # and the gap holds no play that arrived: it is exactly the lost span
    assert not any(in_a_gap(played_at) for _, played_at in day.plays)
