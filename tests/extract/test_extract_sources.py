"""The user lists and searches against the fake Spotify over real HTTP: what is requested, how lists page, the
recently-played cursor across runs, search limits per mode, and that a whole run in either mode makes exactly the
minimum calls (playlists and details: test_playlist_tasks, test_detail_tasks)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest

from contracts.raw_zone import Source
from local.fake_spotify import FakeSpotify
from local.fake_spotify.catalog import Relation


def api_requests(server: FakeSpotify, path_part: str = "") -> list[Any]:
    return [r for r in server.requests if r.path.startswith("/v1/") and path_part in r.path]


def playlist_ids(server: FakeSpotify, relation: str) -> list[str]:
    return [p.id for p in server.catalog.playlists_with(relation)]


def items(pages: list[dict[str, Any]], key: str = "items") -> list[Any]:
    return [item for page in pages for item in page["response"][key]]


def played_ms(play: dict[str, Any]) -> int:
    moment = datetime.fromisoformat(play["played_at"])
    return (moment - datetime(1970, 1, 1, tzinfo=moment.tzinfo)) // timedelta(milliseconds=1)


# -- user sources -------------------------------------------------------------------------------------------------
def test_recently_played_reads_on_from_the_cursor_the_last_run_left(
    spotify: FakeSpotify, extract: Any, only: Any
) -> None:
    # Given a first run with no cursor yet
    first = extract(spotify, only(user=["recently_played"]))
    first_plays = items(first.raw.pages(Source.RECENTLY_PLAYED))
    cursor = first.summary["cursors"]["recently_played_after"]
    assert "after" not in first.raw.pages(Source.RECENTLY_PLAYED)[0]["request"]["params"]
    assert int(cursor) == max(played_ms(p) for p in first_plays)
    # When the next day's run reads recently played
    second = extract(spotify, only(user=["recently_played"]), day=spotify.day + timedelta(days=1))
    pages = second.raw.pages(Source.RECENTLY_PLAYED)
    new_plays = items(pages)
    # Then it asks for plays after the cursor, gets only those, and moves the cursor on
    assert pages[0]["request"]["params"]["after"] == cursor
    assert new_plays and all(played_ms(p) > int(cursor) for p in new_plays)
    assert int(second.summary["cursors"]["recently_played_after"]) == max(played_ms(p) for p in new_plays)


def test_top_items_are_read_for_each_time_range_to_the_end_of_the_list(
    spotify: FakeSpotify, extract: Any, only: Any
) -> None:
    run = extract(spotify, only(user=["top_tracks", "top_artists"]))
    for source, per_range in ((Source.TOP_TRACKS, 50), (Source.TOP_ARTISTS, 50)):
        for time_range in ("short_term", "medium_term", "long_term"):
            pages = run.raw.pages(source, time_range)
            assert {p["request"]["params"]["time_range"] for p in pages} == {time_range}
            assert len(items(pages)) == per_range
    # Spotify keeps 50 of each per range, served in one page of 50: one call per range and list
    assert run.summary["calls"] == {Source.TOP_TRACKS: 3, Source.TOP_ARTISTS: 3}


def test_saved_tracks_are_paginated_over_many_pages_without_gaps_or_repeats(
    spotify: FakeSpotify, extract: Any, only: Any
) -> None:
    run = extract(spotify, only(user=["saved_tracks"]))
    pages = run.raw.pages(Source.SAVED_TRACKS)
    saved = items(pages)
    expected = len(spotify.catalog.state_on(spotify.day).saved_tracks)
    assert [p["request"]["params"]["offset"] for p in pages] == sorted(
        (str(offset) for offset in range(0, expected, 50)), key=int
    )
    assert len(saved) == expected == pages[0]["response"]["total"]
    assert len({(s["track"]["id"], s["added_at"]) for s in saved}) == expected


# -- catalog ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("mode", "page_size"), [("development", 10), ("extended", 50)])
def test_search_reads_at_most_the_configured_pages_at_the_mode_page_size(
    mode: str, page_size: int, extract: Any, only: Any
) -> None:
    with FakeSpotify(mode=mode) as server:
        run = extract(server, only(search_queries=["a"], search_types=["track", "artist"], search_max_pages=2))
    tracks = run.raw.pages(Source.SEARCH, "track:a")
    assert [p["request"]["params"]["limit"] for p in tracks] == [str(page_size)] * len(tracks)
    assert 1 <= len(tracks) <= 2
    assert run.raw.pages(Source.SEARCH, "artist:a")[0]["response"]["artists"]["items"]
    assert run.summary["calls"] == run.summary["min_calls"]


# -- efficiency ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["development", "extended"])
def test_a_normal_run_makes_exactly_the_minimum_calls_its_mode_allows(mode: str, extract: Any) -> None:
    with FakeSpotify(mode=mode) as server:
        sources = {
            "playlist_ids": [playlist_ids(server, Relation.FOLLOWED)[0]],
            "artist_ids": sorted(server.catalog.artists)[:5],
            "search_queries": ["love"],
        }
        run = extract(server, sources)
        logged = Counter(r.path.split("/")[2] for r in api_requests(server))
    assert run.summary["status"] == "complete"
    assert run.summary["calls"] == run.summary["min_calls"]
    # Every call the manifest counts reached the API, and every API request was counted
    assert sum(run.summary["calls"].values()) == sum(logged.values())
    assert run.raw.manifest.calls == run.summary["calls"]
