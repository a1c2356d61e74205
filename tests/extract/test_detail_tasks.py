"""Artist and album details against the fake Spotify over real HTTP: one by one or in batches by mode, the
fallback when a batch endpoint is refused, album tracks beyond the embedded page, and enrichment that fetches
each new id once and never again."""

from __future__ import annotations

import dataclasses
from typing import Any

from contracts.raw_zone import Source
from local.fake_spotify import FakeSpotify


def api_requests(server: FakeSpotify, path_part: str = "") -> list[Any]:
    return [r for r in server.requests if r.path.startswith("/v1/") and path_part in r.path]


def items(pages: list[dict[str, Any]], key: str = "items") -> list[Any]:
    return [item for page in pages for item in page["response"][key]]


def test_development_mode_fetches_artists_and_albums_one_by_one(spotify: FakeSpotify, extract: Any, only: Any) -> None:
    artists, albums = sorted(spotify.catalog.artists)[:3], sorted(spotify.catalog.albums)[:2]
    run = extract(spotify, only(artist_ids=artists, album_ids=albums))
    assert sorted(p["entity_id"] for p in run.raw.pages(Source.ARTISTS)) == artists
    assert sorted(p["response"]["id"] for p in run.raw.pages(Source.ALBUMS)) == albums
    assert not [r for r in api_requests(spotify) if "ids" in r.query]
    assert run.summary["calls"] == {Source.ARTISTS: 3, Source.ALBUMS: 2}


def test_extended_mode_fetches_artists_in_batches_of_50_and_albums_of_20(
    spotify_extended: FakeSpotify, extract: Any, only: Any
) -> None:
    artists, albums = sorted(spotify_extended.catalog.artists)[:60], sorted(spotify_extended.catalog.albums)[:25]
    run = extract(spotify_extended, only(artist_ids=artists, album_ids=albums))
    batches = [p["request"]["params"]["ids"].split(",") for p in run.raw.pages(Source.ARTISTS)]
    assert sorted(len(b) for b in batches) == [10, 50]
    assert sorted(a["id"] for p in run.raw.pages(Source.ARTISTS) for a in p["response"]["artists"]) == artists
    assert sorted(len(p["response"]["albums"]) for p in run.raw.pages(Source.ALBUMS)) == [5, 20]
    assert run.summary["calls"] == {Source.ARTISTS: 2, Source.ALBUMS: 2}


def test_album_tracks_beyond_the_embedded_first_page_are_read(spotify: FakeSpotify, extract: Any, only: Any) -> None:
    # Given an album of 120 tracks (the synthetic catalog's albums are short: one is lengthened here)
    catalog = spotify.catalog
    album_id = sorted(catalog.albums)[0]
    catalog.albums[album_id] = dataclasses.replace(catalog.albums[album_id], track_ids=tuple(catalog.tracks)[:120])
    run = extract(spotify, only(album_ids=[album_id]))
    # Then the detail's 50 embedded tracks are followed by two pages of album tracks
    pages = run.raw.pages(Source.ALBUM_TRACKS, album_id)
    assert [p["request"]["params"]["offset"] for p in pages] == ["50", "100"]
    (album,) = run.raw.pages(Source.ALBUMS, album_id)
    assert len(album["response"]["tracks"]["items"]) + len(items(pages)) == 120


def test_details_of_new_ids_are_fetched_once_and_not_again_next_run(
    spotify: FakeSpotify, extract: Any, only: Any
) -> None:
    sources = only(user=["saved_tracks"], enrich=True)
    first = extract(spotify, sources)
    seen_albums = {i["track"]["album"]["id"] for i in items(first.raw.pages(Source.SAVED_TRACKS))}
    fetched = [p["entity_id"] for p in first.raw.pages(Source.ALBUMS)]
    assert sorted(fetched) == sorted(seen_albums)  # every album once, none twice
    assert first.raw.pages(Source.ARTISTS)
    # When the same library is read again
    second = extract(spotify, sources)
    # Then no detail is fetched again
    assert set(second.summary["calls"]) == {Source.SAVED_TRACKS}
    assert second.raw.pages(Source.ALBUMS) == second.raw.pages(Source.ARTISTS) == []


def test_artists_carried_in_full_by_top_artists_are_not_fetched(spotify: FakeSpotify, extract: Any, only: Any) -> None:
    run = extract(spotify, only(user=["top_artists", "top_tracks"], top_time_ranges=["long_term"], enrich=True))
    top = {a["id"] for a in items(run.raw.pages(Source.TOP_ARTISTS))}
    fetched = {p["entity_id"] for p in run.raw.pages(Source.ARTISTS)}
    assert fetched and not fetched & top


def test_a_refused_batch_endpoint_falls_back_to_single_gets_logged_once(
    spotify_extended: FakeSpotify, extract: Any, extract_logs: list[str], only: Any
) -> None:
    # Given an Extended-Quota app that has lost the batch artists endpoint
    spotify_extended.faults.remove_endpoint(r"^/v1/artists/?$", status=403)
    artists = sorted(spotify_extended.catalog.artists)[:70]
    run = extract(spotify_extended, only(artist_ids=artists))
    # Then the run fetched every artist one by one and says so once
    assert sorted(p["entity_id"] for p in run.raw.pages(Source.ARTISTS)) == artists
    assert run.summary["fallbacks"] == [{"endpoint": "/v1/artists", "status": 403, "fallback": "/v1/artists/{id}"}]
    assert sum("/v1/artists answered 403" in line for line in extract_logs) == 1
    assert run.summary["errors"] == []
    # The refused batch calls (those in flight when the first refusal came) are the only calls above the minimum
    refused = [r for r in api_requests(spotify_extended, "/v1/artists") if r.status == 403]
    assert 1 <= len(refused) <= 2
    assert run.summary["min_calls"][Source.ARTISTS] == 70
    assert run.summary["calls"][Source.ARTISTS] == 70 + len(refused)
