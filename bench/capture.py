"""The capture benchmark: what a day of captures of recently played costs, against that day's daily run.

A busy day (more plays than the API's 50-play window) of the fake Spotify with injected latency: the day before
runs once to set the cursor, then every capture of the configured schedule (`[capture] every_minutes`) runs at its
moment on a simulated clock, then the day's daily run. For both: invocations, API calls, S3 writes, wall seconds
and Lambda GB-seconds at the configured memory. The same day without captures loses the plays the gap reports.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.extraction import LATENCY_MS, _settings, _store_secrets, moto_server
from config import load_config
from extract.capture import capture_event
from extract.run import run_capture, run_extraction
from local.fake_spotify import FakeSpotify
from local.fake_spotify.activity import RECENTLY_PLAYED_WINDOW, plays_on

BUSY_DAY = date(2026, 11, 20)  # a Friday: 83 plays at the 300-track catalog


@dataclass(frozen=True)
class CaptureResult:
    day: str
    catalog_size: int
    api_mode: str
    latency_ms: int
    every_minutes: int
    plays: int  # plays the fake generated that day
    lost_without_captures: int  # what one daily read of the day cannot reach
    captures: int
    capture_calls: int
    capture_s3_writes: int  # pages, capture manifest, state
    capture_seconds: float
    capture_gaps: int
    daily_calls: int
    daily_s3_writes: int
    daily_seconds: float
    lambda_memory_mb: int

    @property
    def capture_gb_seconds(self) -> float:
        return self.capture_seconds * self.lambda_memory_mb / 1024

    @property
    def daily_gb_seconds(self) -> float:
        return self.daily_seconds * self.lambda_memory_mb / 1024


def measure_capture(catalog_size: int = 300, api_mode: str = "development", latency_ms: int = LATENCY_MS) -> dict:
    config = load_config("local", {"extract": {"api_mode": api_mode}})
    with moto_server(), FakeSpotify(size=catalog_size, mode=api_mode, day=BUSY_DAY, latency_ms=latency_ms) as server:
        _store_secrets(server)
        settings = _settings(server)
        before = BUSY_DAY - timedelta(days=1)
        server.set_day(before)
        _check(run_extraction({"time": f"{before.isoformat()}T06:15:00Z"}, lambda: 900_000, settings))

        captures: list[dict[str, Any]] = []
        capture_seconds = 0.0
        for moment in (datetime.combine(BUSY_DAY, t, UTC) for t in config.capture_times):
            server.set_moment(moment)
            started = time.perf_counter()
            captures.append(_check(run_capture(capture_event(moment.isoformat()), lambda: 900_000, settings)))
            capture_seconds += time.perf_counter() - started

        server.set_day(BUSY_DAY)
        started = time.perf_counter()
        daily = _check(run_extraction({"time": f"{BUSY_DAY.isoformat()}T06:15:00Z"}, lambda: 900_000, settings))
        daily_seconds = time.perf_counter() - started
        plays = len(plays_on(server.catalog, BUSY_DAY))
    result = CaptureResult(
        day=BUSY_DAY.isoformat(),
        catalog_size=catalog_size,
        api_mode=api_mode,
        latency_ms=latency_ms,
        every_minutes=config.capture.every_minutes,
        plays=plays,
        lost_without_captures=max(0, plays - RECENTLY_PLAYED_WINDOW),
        captures=len(captures),
        capture_calls=sum(sum(c["calls"].values()) for c in captures),
        capture_s3_writes=sum(len(c["files"]) + 2 for c in captures),
        capture_seconds=capture_seconds,
        capture_gaps=sum(len(c["gaps"]) for c in captures) + len(daily["gaps"]),
        daily_calls=sum(daily["calls"].values()),
        # Its own page files (the capture files it lists are not written again), the manifest, the state twice.
        daily_s3_writes=sum(1 for key in daily["files"] if "/captures/" not in key) + 3,
        daily_seconds=daily_seconds,
        lambda_memory_mb=config.extract.lambda_memory_mb,
    )
    return {
        **result.__dict__,
        "capture_gb_seconds": result.capture_gb_seconds,
        "daily_gb_seconds": result.daily_gb_seconds,
    }


def _check(summary: dict[str, Any]) -> dict[str, Any]:
    if summary.get("status") != "complete":
        raise RuntimeError(f"a capture benchmark read ended {summary.get('status')}: {summary.get('error')}")
    return summary
