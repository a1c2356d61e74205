"""Artist and album ids found in raw pages, across both API shapes and the nulls real data has."""

from __future__ import annotations

from contracts.raw_zone import Source
from extract.entities import detailed_ids, embedded_page, mentioned_ids, newest_play_ms


def track(track_id: str, album_id: str | None, *artist_ids: str) -> dict:
    return {
        "type": "track",
        "id": track_id,
        "album": {"type": "album", "id": album_id, "artists": [{"type": "artist", "id": artist_ids[0]}]},
        "artists": [{"type": "artist", "id": a, "name": "Sigur Rós"} for a in artist_ids],
    }


def test_ids_are_found_at_any_depth_of_a_playlist_page() -> None:
    # Given a development-mode playlist page: a track, a removed track, a local file and an episode
    page = {
        "items": [
            {"item": track("t1", "al1", "ar1", "ar2")},
            {"item": None},
            {"is_local": True, "item": {"type": "track", "id": None, "album": {"type": "album", "id": None}}},
            {"item": {"type": "episode", "id": "e1", "show": {"type": "show", "id": "s1"}}},
        ]
    }
    # When its ids are collected
    artists, albums = mentioned_ids(page)
    # Then every real artist and album is there, and no null
    assert artists == {"ar1", "ar2"}
    assert albums == {"al1"}


def test_full_objects_come_from_top_artists_artist_search_and_the_detail_sources() -> None:
    assert detailed_ids(Source.TOP_ARTISTS, {"items": [{"type": "artist", "id": "a1"}]}) == ({"a1"}, set())
    assert detailed_ids(Source.ARTISTS, {"artists": [{"id": "a1"}, None]}) == ({"a1"}, set())
    assert detailed_ids(Source.ARTISTS, {"type": "artist", "id": "a2"}) == ({"a2"}, set())
    assert detailed_ids(Source.ALBUMS, {"type": "album", "id": "b1", "artists": [{"id": "a3"}]}) == (set(), {"b1"})
    assert detailed_ids(Source.SEARCH, {"artists": {"items": [{"id": "a4"}]}}) == ({"a4"}, set())
    # A track's album and artists are simplified objects: still to be fetched
    assert detailed_ids(Source.SAVED_TRACKS, {"items": [{"track": track("t", "b", "a")}]}) == (set(), set())


def test_embedded_page_prefers_items_and_falls_back_to_the_deprecated_tracks() -> None:
    development = {"items": {"items": [], "total": 0}}
    extended = {"tracks": {"items": [{}], "total": 1}}
    reference_only = {"items": {"href": "...", "total": 3}}
    assert embedded_page(development, "items", "tracks") is development["items"]
    assert embedded_page(extended, "items", "tracks") is extended["tracks"]
    assert embedded_page(reference_only, "items", "tracks") is None


def test_newest_play_is_exact_to_the_millisecond() -> None:
    page = {"items": [{"played_at": "2026-11-24T06:00:00.123Z"}, {"played_at": "2026-11-23T22:10:00.999Z"}]}
    assert newest_play_ms(page) == 1795500000123
    assert newest_play_ms({"items": [], "cursors": None}) is None
