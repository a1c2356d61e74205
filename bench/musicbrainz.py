"""The MusicBrainz enrichment benchmark: its calls against the number of new ISRCs, on two consecutive days.

The real extraction (default sources, development mode) against the fake Spotify and the fake MusicBrainz on moto,
as in `make run`: day one sees every ISRC for the first time, day two only the tracks new that day. A lookup is one
call, so calls / new ISRCs is 1.00 when no call is wasted (a 503 retried, an ISRC asked twice). The fake holds the
run to the local runtime's interval ([env.local.musicbrainz] min_interval_seconds); at the real service's one
request a second the same lookups need at least `calls` seconds, which the table states beside the measured time.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any

from bench.extraction import _settings, _store_secrets, moto_server
from config import load_config
from extract.run import run_extraction
from local.fake_musicbrainz import FakeMusicBrainz
from local.fake_spotify import FakeSpotify

DAY = date(2026, 11, 24)
MUSICBRAINZ_SOURCE = "musicbrainz_recordings"


@dataclass(frozen=True)
class EnrichmentDay:
    day: str
    new_isrcs: int  # ISRCs due this run: seen for the first time (or left pending by the day before)
    calls: int  # requests to MusicBrainz, retries included (the manifest's calls)
    server_requests: int  # what the fake server saw (must equal `calls`)
    found: int
    not_found: int
    pending: int
    shortest_interval_seconds: float | None  # between two requests, as the server saw them arrive
    seconds: float  # the whole run, Spotify and MusicBrainz
    seconds_at_one_per_second: float  # the least the lookups take at the real service's rate


def measure_musicbrainz(catalog_size: int = 300, api_mode: str = "development") -> list[dict[str, Any]]:
    config = load_config("local")
    interval = config.musicbrainz.min_interval_seconds
    days = []
    with (
        moto_server(),
        FakeSpotify(size=catalog_size, mode=api_mode, day=DAY) as spotify,
        FakeMusicBrainz(spotify.catalog, min_interval_seconds=interval) as musicbrainz,
    ):
        _store_secrets(spotify)
        settings = replace(_settings(spotify), musicbrainz=config.musicbrainz, musicbrainz_url=musicbrainz.ws_url)
        for day in (DAY, DAY + timedelta(days=1)):
            spotify.set_day(day)
            musicbrainz.reset_requests()
            started = time.perf_counter()
            summary = run_extraction({"time": f"{day.isoformat()}T06:15:00Z"}, lambda: 900_000, settings)
            seconds = time.perf_counter() - started
            if summary.get("status") != "complete":
                raise RuntimeError(
                    f"the MusicBrainz benchmark run ended {summary.get('status')}: {summary.get('error')}"
                )
            lookups = summary["musicbrainz"]
            calls = summary["calls"].get(MUSICBRAINZ_SOURCE, 0)
            intervals = musicbrainz.intervals()
            days.append(
                EnrichmentDay(
                    day=day.isoformat(),
                    new_isrcs=lookups["due"],
                    calls=calls,
                    server_requests=len(musicbrainz.requests),
                    found=lookups["found"],
                    not_found=lookups["not_found"],
                    pending=lookups["pending"],
                    shortest_interval_seconds=min(intervals) if intervals else None,
                    seconds=seconds,
                    seconds_at_one_per_second=float(calls),
                )
            )
    return [{**asdict(d), "interval_seconds": interval, "catalog_size": catalog_size} for d in days]
