"""The MusicBrainz enrichment inside the daily run: each ISRC seen is looked up once across runs, a run stopped by
its enrichment budget leaves the rest pending and the next day's run resumes them first, the answers are in the
raw zone and the manifest. Real runs of the extraction against the fake Spotify, moto and the fake MusicBrainz
(at a short interval: the interval itself is test_musicbrainz_lookups.py's)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from contracts.raw_zone import Source
from extract.capture import capture_event
from extract.run import run_capture, run_extraction
from extract.settings import MusicBrainzSettings
from local.fake_musicbrainz import FakeMusicBrainz
from local.fake_spotify import FakeSpotify

MB = Source.MUSICBRAINZ_RECORDINGS
NEXT_DAY = date(2026, 11, 25)  # the day after the `extract` fixture's
INTERVAL = 0.05
# One list of 50 tracks: 50 ISRCs or so, a handful of seconds of lookups at most.
TOP_TRACKS = {"user": ["top_tracks"], "top_time_ranges": ["short_term"]}


@pytest.fixture
def musicbrainz(spotify: FakeSpotify) -> Iterator[FakeMusicBrainz]:
    with FakeMusicBrainz(spotify.catalog, min_interval_seconds=INTERVAL) as fake:
        yield fake


def looked_up(musicbrainz: FakeMusicBrainz) -> list[str]:
    return [r.path.rsplit("/", 1)[1] for r in musicbrainz.requests]


def top_track_isrcs(run: Any) -> set[str]:
    return {
        item["external_ids"]["isrc"] for page in run.raw.pages(Source.TOP_TRACKS) for item in page["response"]["items"]
    }


def test_each_isrc_is_looked_up_once_across_runs(
    spotify: FakeSpotify, musicbrainz: FakeMusicBrainz, extract: Callable[..., Any], only: Callable[..., Any]
) -> None:
    options = {"url": musicbrainz.ws_url, "min_interval_seconds": INTERVAL}
    first = extract(spotify, only(**TOP_TRACKS), musicbrainz=options)
    first_lookups = looked_up(musicbrainz)
    musicbrainz.reset_requests()
    second = extract(spotify, only(**TOP_TRACKS), musicbrainz=options, day=NEXT_DAY)

    assert sorted(first_lookups) == sorted(top_track_isrcs(first))  # every ISRC seen, once
    assert len(first_lookups) == len(set(first_lookups))
    assert not set(looked_up(musicbrainz)) & set(first_lookups)  # the next run asks none of them again
    found = {line["entity_id"] for line in first.raw.pages(MB)}
    not_found = {n.entity_id for n in first.raw.manifest.not_found}
    assert found | not_found == set(first_lookups) and not found & not_found
    assert not_found, "the fake catalog's top tracks include an ISRC MusicBrainz does not know"
    assert first.raw.manifest.calls[MB] == first.raw.manifest.min_calls[MB] == len(first_lookups)
    assert second.summary["status"] == "complete"


def test_a_run_stopped_by_its_budget_is_resumed_the_next_day(
    spotify: FakeSpotify,
    musicbrainz: FakeMusicBrainz,
    extract: Callable[..., Any],
    only: Callable[..., Any],
    raw_zone: Any,
) -> None:
    # 1 s at 0.2 s a lookup reaches a handful of the ~50 ISRCs; the next day's 30 s reach the rest.
    slow = {"url": musicbrainz.ws_url, "min_interval_seconds": 0.2, "time_budget_seconds": 1}
    first = extract(spotify, only(**TOP_TRACKS), musicbrainz=slow)
    first_lookups = looked_up(musicbrainz)
    pending = [p.entity_id for p in first.raw.manifest.pending if p.source == MB]
    musicbrainz.reset_requests()
    second = extract(
        spotify,
        only(**TOP_TRACKS),
        day=NEXT_DAY,
        musicbrainz={**slow, "min_interval_seconds": INTERVAL, "time_budget_seconds": 30},
    )

    assert pending and first.summary["musicbrainz"]["stop_reason"].startswith("the MusicBrainz time budget")
    assert first.summary["status"] == "complete"  # Spotify's part is whole: the lookups wait, nothing is lost
    assert looked_up(musicbrainz)[: len(pending)] == pending  # what was left goes first
    every_lookup = first_lookups + looked_up(musicbrainz)
    assert len(every_lookup) == len(set(every_lookup))  # none twice
    assert set(every_lookup) == top_track_isrcs(first) | top_track_isrcs(second)  # none lost
    assert not [p for p in second.raw.manifest.pending if p.source == MB]
    assert not [p for p in raw_zone.state()["pending"] if p["source"] == MB]
    assert set(raw_zone.state()["known_isrcs"]) == {
        line["entity_id"] for r in (first, second) for line in r.raw.pages(MB)
    }


def test_a_capture_makes_no_lookup_and_leaves_its_new_isrcs_to_the_daily_run(
    spotify: FakeSpotify,
    musicbrainz: FakeMusicBrainz,
    settings_for: Callable[..., Any],
    only: Callable[..., Any],
    raw_zone: Any,
) -> None:
    enabled = MusicBrainzSettings(
        enabled=True, user_agent="tests/1.0 ( tests@example.org )", min_interval_seconds=INTERVAL,
        time_budget_seconds=30, retry_not_found_after_days=30,
    )  # fmt: skip
    settings = replace(
        settings_for(spotify, only(user=["recently_played"])), musicbrainz=enabled, musicbrainz_url=musicbrainz.ws_url
    )
    moment = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    spotify.set_moment(moment)
    captured = run_capture(capture_event(moment.isoformat()), lambda: 600_000, settings, now=lambda: moment)
    left = [p["entity_id"] for p in raw_zone.state()["pending"] if p["source"] == MB]
    spotify.set_day(date(2026, 11, 24))
    daily = run_extraction({"time": "2026-11-24T06:15:00Z"}, lambda: 600_000, settings)

    assert captured["status"] == "complete" and left
    assert looked_up(musicbrainz)[: len(left)] == left  # asked by the daily run, those first
    assert daily["musicbrainz"]["pending"] == 0
