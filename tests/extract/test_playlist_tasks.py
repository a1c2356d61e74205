"""Playlists against the fake Spotify over real HTTP: the detail of each, its items where the mode allows, the
embedded first page followed from where it ends, editorial and non-owned playlists skipped without a call in
development mode, and the fallback when the legacy items endpoint is refused."""

from __future__ import annotations

from typing import Any

from contracts.raw_zone import Source
from local.fake_spotify import FakeSpotify
from local.fake_spotify.catalog import Relation


def api_requests(server: FakeSpotify, path_part: str = "") -> list[Any]:
    return [r for r in server.requests if r.path.startswith("/v1/") and path_part in r.path]


def items(pages: list[dict[str, Any]], key: str = "items") -> list[Any]:
    return [item for page in pages for item in page["response"][key]]


def playlist_ids(server: FakeSpotify, relation: str) -> list[str]:
    return [p.id for p in server.catalog.playlists_with(relation)]


def biggest_owned_playlist(server: FakeSpotify) -> str:
    state = server.catalog.state_on(server.day)
    return max(playlist_ids(server, Relation.OWNED), key=lambda pid: len(state.playlists[pid].entries))


def test_development_mode_reads_items_only_of_playlists_the_user_owns_or_shares(
    spotify: FakeSpotify, extract: Any, only: Any
) -> None:
    run = extract(spotify, only(user=["user_playlists"]))
    readable = playlist_ids(spotify, Relation.OWNED) + playlist_ids(spotify, Relation.COLLABORATIVE)
    followed = playlist_ids(spotify, Relation.FOLLOWED)
    editorial = playlist_ids(spotify, Relation.EDITORIAL)
    # Every playlist's detail is kept, except editorial ones, which are skipped without a call
    assert {p["entity_id"] for p in run.raw.pages(Source.PLAYLISTS)} == set(readable + followed)
    assert not [r for r in spotify.requests if any(e in r.path for e in editorial)]
    # Followed playlists: no item call at all; the skip is reported
    assert not [r for r in api_requests(spotify, "/items") if any(f in r.path for f in followed)]
    skipped = {(s["source"], s["entity_id"]) for s in run.summary["skipped"]}
    assert {(Source.PLAYLIST_ITEMS, f) for f in followed} <= skipped
    # The big playlist: its first page of items is embedded in the detail, the rest read from there on /items
    big = biggest_owned_playlist(spotify)
    total = len(spotify.catalog.state_on(spotify.day).playlists[big].entries)
    (detail,) = run.raw.pages(Source.PLAYLISTS, big)
    embedded = len(detail["response"]["items"]["items"])
    rest = run.raw.pages(Source.PLAYLIST_ITEMS, big)
    assert [int(p["request"]["params"]["offset"]) for p in rest] == list(range(embedded, total, 50))
    assert {p["request"]["endpoint"] for p in rest} == {"/v1/playlists/{playlist_id}/items"}
    assert embedded + len(items(rest)) == total
    assert not api_requests(spotify, "/tracks")
    assert run.summary["errors"] == []


def test_extended_mode_reads_every_playlist_through_the_legacy_endpoint(
    spotify_extended: FakeSpotify, extract: Any, only: Any
) -> None:
    run = extract(spotify_extended, only(user=["user_playlists"]))
    big = biggest_owned_playlist(spotify_extended)
    rest = run.raw.pages(Source.PLAYLIST_ITEMS, big)
    # 100 items a page: the detail's embedded page, then one more call
    assert [(p["request"]["params"]["offset"], p["request"]["params"]["limit"]) for p in rest] == [("100", "100")]
    assert rest[0]["request"]["endpoint"] == "/v1/playlists/{playlist_id}/tracks"
    followed = playlist_ids(spotify_extended, Relation.FOLLOWED)
    assert all(run.raw.pages(Source.PLAYLISTS, f)[0]["response"]["tracks"]["items"] for f in followed)
    assert run.summary["skipped"] == []
    # Editorial playlists are tried (an older Extended-Quota app may read them) and their 404 recorded
    errors = {(e["entity_id"], e["status"]) for e in run.summary["errors"]}
    assert errors == {(e, 404) for e in playlist_ids(spotify_extended, Relation.EDITORIAL)}


def test_catalog_playlists_use_the_app_token_and_the_user_token_only_for_items(
    spotify: FakeSpotify, extract: Any, only: Any
) -> None:
    big, followed = biggest_owned_playlist(spotify), playlist_ids(spotify, Relation.FOLLOWED)[0]
    run = extract(spotify, only(playlist_ids=[big, followed]))
    # The app token gets no embedded items, so the owned playlist's items are read from the start
    assert [p["request"]["params"]["offset"] for p in run.raw.pages(Source.PLAYLIST_ITEMS, big)] == [
        "0",
        "50",
        "100",
        "150",
    ]
    assert run.raw.pages(Source.PLAYLIST_ITEMS, followed) == []
    assert len(run.raw.pages(Source.PLAYLISTS)) == 2


def test_a_configured_editorial_playlist_is_reported_in_development_mode(
    spotify: FakeSpotify, extract: Any, only: Any
) -> None:
    editorial = playlist_ids(spotify, Relation.EDITORIAL)[0]
    run = extract(spotify, only(playlist_ids=[editorial]))
    (error,) = run.summary["errors"]
    assert error["entity_id"] == editorial
    assert "remove it from [sources] playlist_ids" in error["message"]
    assert not [r for r in spotify.requests if editorial in r.path]


def test_a_refused_legacy_playlist_endpoint_falls_back_to_items(
    spotify_extended: FakeSpotify, extract: Any, only: Any
) -> None:
    spotify_extended.faults.remove_endpoint(r"^/v1/playlists/[^/]+/tracks", status=403)
    run = extract(spotify_extended, only(user=["user_playlists"]))
    big = biggest_owned_playlist(spotify_extended)
    total = len(spotify_extended.catalog.state_on(spotify_extended.day).playlists[big].entries)
    (detail,) = run.raw.pages(Source.PLAYLISTS, big)
    embedded = len(detail["response"]["tracks"]["items"])
    rest = run.raw.pages(Source.PLAYLIST_ITEMS, big)
    assert {p["request"]["endpoint"] for p in rest} == {"/v1/playlists/{playlist_id}/items"}
    assert [int(p["request"]["params"]["offset"]) for p in rest] == list(range(embedded, total, 50))
    assert [f["fallback"] for f in run.summary["fallbacks"]] == ["/v1/playlists/{playlist_id}/items"]
    assert run.summary["calls"][Source.PLAYLIST_ITEMS] == run.summary["min_calls"][Source.PLAYLIST_ITEMS] + 1
