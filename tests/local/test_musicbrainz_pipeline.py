"""`make run` with MusicBrainz on (the local configuration's default): the session's fault-free daily runs
(tests/daily_runs.py: two days, then the second again from the saved state) looked every ISRC up once, kept the
fake MusicBrainz's interval, and the reports carry labels and genres from MusicBrainz where development mode's
Spotify gives none. No run of its own: it reads the `daily_runs` fixture."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

pytestmark = pytest.mark.slow


def test_every_isrc_was_looked_up_once_across_the_days_and_the_rerun(daily_runs) -> None:
    looked_up = Counter(r.path.rsplit("/", 1)[1] for r in daily_runs.musicbrainz_requests)
    seen = {row[4] for row in daily_runs.core_after_day_2["dim_track"] if row[4]}  # isrc

    assert looked_up and max(looked_up.values()) == 1
    assert set(looked_up) == {isrc.upper() for isrc in seen}
    assert {r.status for r in daily_runs.musicbrainz_requests} <= {200, 404}


def test_no_two_requests_reached_musicbrainz_within_its_interval(daily_runs) -> None:
    interval = daily_runs.config.musicbrainz.min_interval_seconds
    times = [r.at for r in daily_runs.musicbrainz_requests]

    assert all(later - earlier >= interval for earlier, later in itertools.pairwise(times))


def test_labels_and_genres_come_from_musicbrainz_where_spotify_gives_none(daily_runs) -> None:
    report = daily_runs.musicbrainz_report
    label_sources = dict(report["label_sources"])
    genre_sources = dict(report["genre_sources"])

    assert label_sources.get("musicbrainz", 0) > 0  # development mode: Spotify gives no label
    assert "spotify" not in label_sources
    # The fake Spotify still lists (deprecated) genres for most artists: those stay; MusicBrainz fills the others.
    assert genre_sources.get("musicbrainz", 0) > 0 and genre_sources.get("spotify", 0) > 0
    assert report["album_genres"][0][0] > 0
    assert report["matched_tracks"][0][0] > 0
