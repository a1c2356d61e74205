"""The Web API endpoints of the fake Spotify (`local.fake_spotify.api`, `.objects`), as clients see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from local.fake_spotify import FakeSpotify
from local.fake_spotify.catalog import Relation
from tests.fake_spotify.clients import (
    DAY,
    api_get,
    app_client,
    app_token,
    big_playlist_id,
    episodes_playlist_id,
    old_playlist_id,
    playlist_ids,
    user_client,
    user_token,
)

FORBIDDEN = {"error": {"status": 403, "message": "Forbidden"}}


def ms(played_at: str) -> int:
    return int(datetime.fromisoformat(played_at.replace("Z", "+00:00")).timestamp() * 1000)


# -- paging ----------------------------------------------------------------------------------------------------
def test_spotipy_follows_absolute_next_links_through_every_page(mode_server: FakeSpotify) -> None:
    # Given a user with more saved tracks than fit on many pages of 20
    client = user_client(mode_server)
    page = client.current_user_saved_tracks(limit=20)
    total = page["total"]
    assert total > 100
    # When spotipy follows `next` to the end
    collected, pages = [], 0
    while page:
        assert page["href"].startswith(mode_server.base_url + "/v1/me/tracks?")
        collected.extend(item["track"]["id"] for item in page["items"])
        pages += 1
        page = client.next(page)
    # Then it has read every saved track once, newest first, over all the pages
    assert pages == -(-total // 20)
    saved = mode_server.catalog.state_on(DAY).saved_tracks
    assert collected == [track_id for track_id, _ in saved]


def test_a_page_links_back_and_forth_keeping_its_other_parameters(development_server: FakeSpotify) -> None:
    token = user_token(development_server)
    page = api_get(development_server, "/me/top/tracks", token, time_range="short_term", limit="10", offset="10").json()
    assert page["next"] == f"{development_server.api_url}me/top/tracks?offset=20&limit=10&time_range=short_term"
    assert page["previous"] == f"{development_server.api_url}me/top/tracks?offset=0&limit=10&time_range=short_term"
    assert (page["offset"], page["limit"], len(page["items"])) == (10, 10, 10)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/me/tracks", {"limit": "51"}),
        ("/me/tracks", {"limit": "0"}),
        ("/me/playlists", {"offset": "-1"}),
        ("/me/top/artists", {"limit": "ten"}),
        ("/me/top/artists", {"time_range": "forever"}),
        ("/me/player/recently-played", {"limit": "51"}),
    ],
)
def test_out_of_range_paging_parameters_answer_400(
    development_server: FakeSpotify, path: str, params: dict[str, str]
) -> None:
    response = api_get(development_server, path, user_token(development_server), **params)
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


# -- recently played -------------------------------------------------------------------------------------------
def test_recently_played_pages_back_with_before_cursors_but_never_past_the_latest_50(
    development_server: FakeSpotify,
) -> None:
    client = user_client(development_server)
    page = client.current_user_recently_played(limit=20)
    played = []
    while page:
        assert page["cursors"]["before"] == str(ms(page["items"][-1]["played_at"]))
        played.extend(ms(item["played_at"]) for item in page["items"])
        page = client.next(page)
    assert len(played) == 50
    assert played == sorted(played, reverse=True)
    window = development_server.catalog.state_on(DAY).recent_plays
    assert played == [int(p.played_at.timestamp() * 1000) for p in window]


def test_after_a_cursor_only_newer_plays_come_back_newest_first(development_server: FakeSpotify) -> None:
    token = user_token(development_server)
    plays = development_server.catalog.state_on(DAY).plays
    cursor = int(plays[9].played_at.timestamp() * 1000)
    body = api_get(development_server, "/me/player/recently-played", token, after=str(cursor), limit="50").json()
    returned = [ms(item["played_at"]) for item in body["items"]]
    assert returned == [int(p.played_at.timestamp() * 1000) for p in reversed(plays[10:])]
    assert body["next"] is None
    assert body["cursors"] == {"after": str(returned[0]), "before": str(returned[-1])}


def test_a_day_with_more_than_50_plays_loses_the_oldest_ones_for_a_daily_run() -> None:
    # Given a Saturday with more plays than the API keeps, and the cursor of Friday's run
    with FakeSpotify(seed=42, size=300, day=DAY + timedelta(days=3)) as fake:
        friday_end = fake.catalog.state_on(DAY + timedelta(days=3)).as_of
        saturday = DAY + timedelta(days=4)
        fake.set_day(saturday)
        plays = fake.catalog.state_on(saturday).plays
        assert len(plays) > 50
        # When the daily run asks for everything after Friday's last play
        after = str(int(friday_end.timestamp() * 1000))
        body = api_get(fake, "/me/player/recently-played", user_token(fake), after=after, limit="50").json()
        # Then it gets Saturday's latest 50 plays and nothing more
        assert len(body["items"]) == 50
        assert body["next"] is None
        assert ms(body["items"][-1]["played_at"]) == int(plays[-50].played_at.timestamp() * 1000)


def test_a_read_at_a_moment_sees_the_plays_up_to_that_moment_and_the_window_slides() -> None:
    # Given a Saturday with more than 50 plays
    saturday = DAY + timedelta(days=4)
    with FakeSpotify(seed=42, size=300, day=saturday) as fake:
        plays = fake.catalog.state_on(saturday).plays
        assert len(plays) > 50
        token = user_token(fake)
        seen: list[list[int]] = []
        # When the API is read at 10:30 and again at 16:00 of that day
        for hour, minute in ((10, 30), (16, 0)):
            moment = datetime.combine(saturday, datetime.min.time(), UTC).replace(hour=hour, minute=minute)
            fake.set_moment(moment)
            body = api_get(fake, "/me/player/recently-played", token, limit="50").json()
            returned = [ms(item["played_at"]) for item in body["items"]]
            # Then each read holds exactly the latest 50 plays up to its moment, none later
            history = [p for d in range(2) for p in fake.catalog.state_on(saturday - timedelta(days=d)).plays]
            expected = sorted((p for p in history if p.played_at <= moment), key=lambda p: p.played_at)[-50:]
            assert returned == [int(p.played_at.timestamp() * 1000) for p in reversed(expected)]
            seen.append(returned)
        # and the window has slid: the later read no longer holds the earlier read's oldest plays
        assert seen[1][0] > seen[0][0]
        assert min(seen[1]) > min(seen[0])
        # and moving to a day again answers as of its end
        fake.set_day(saturday)
        body = api_get(fake, "/me/player/recently-played", token, limit="50").json()
        assert ms(body["items"][0]["played_at"]) == int(plays[-1].played_at.timestamp() * 1000)


def test_a_moment_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        FakeSpotify(day=DAY).set_moment(datetime(2026, 11, 24, 10, 30))


def test_an_empty_recently_played_page_has_null_cursors(development_server: FakeSpotify) -> None:
    future = str(int(development_server.catalog.state_on(DAY).as_of.timestamp() * 1000) + 1)
    body = api_get(
        development_server, "/me/player/recently-played", user_token(development_server), after=future
    ).json()
    assert (body["items"], body["next"], body["cursors"]) == ([], None, None)


def test_after_and_before_together_are_refused(development_server: FakeSpotify) -> None:
    response = api_get(
        development_server, "/me/player/recently-played", user_token(development_server), after="1", before="2"
    )
    assert response.status_code == 400


def test_some_plays_come_without_context(development_server: FakeSpotify) -> None:
    body = api_get(development_server, "/me/player/recently-played", user_token(development_server), limit="50").json()
    contexts = [item["context"] for item in body["items"]]
    assert None in contexts
    assert {c["type"] for c in contexts if c} >= {"playlist", "album"}


# -- playlists ---------------------------------------------------------------------------------------------------
def test_development_mode_lists_playlists_with_an_items_link(development_server: FakeSpotify) -> None:
    body = user_client(development_server).current_user_playlists(limit=50)
    first = body["items"][0]
    assert set(first["items"]) == {"href", "total"}
    assert "tracks" not in first
    assert body["total"] == len(development_server.catalog.playlists)


def test_extended_mode_lists_playlists_with_the_older_tracks_link(extended_server: FakeSpotify) -> None:
    first = user_client(extended_server).current_user_playlists(limit=1)["items"][0]
    assert first["tracks"]["href"].endswith("/tracks")
    assert "items" not in first


def test_development_mode_serves_items_of_own_playlists_under_item_only(development_server: FakeSpotify) -> None:
    client = user_client(development_server)
    page = client.playlist_items(big_playlist_id(development_server), limit=50)
    assert all("item" in entry and "track" not in entry for entry in page["items"])
    playlist = client.playlist(big_playlist_id(development_server))
    assert playlist["items"]["total"] == page["total"]
    assert "tracks" not in playlist
    second_page = client.next(playlist["items"])
    assert second_page["offset"] == len(playlist["items"]["items"])
    assert all("item" in entry for entry in second_page["items"])


def test_development_mode_refuses_items_of_playlists_the_user_only_follows(development_server: FakeSpotify) -> None:
    followed = playlist_ids(development_server, Relation.FOLLOWED)[0]
    response = api_get(development_server, f"/playlists/{followed}/items", user_token(development_server))
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    metadata_only = api_get(development_server, f"/playlists/{followed}", user_token(development_server)).json()
    assert metadata_only["name"] and "items" not in metadata_only


def test_development_mode_serves_items_of_the_collaborative_playlist(development_server: FakeSpotify) -> None:
    collaborative = playlist_ids(development_server, Relation.COLLABORATIVE)[0]
    page = user_client(development_server).playlist_items(collaborative, limit=50)
    assert len({entry["added_by"]["id"] for entry in page["items"]}) > 1


def test_development_mode_needs_a_user_token_for_playlist_items(development_server: FakeSpotify) -> None:
    own = big_playlist_id(development_server)
    response = api_get(development_server, f"/playlists/{own}/items", app_token(development_server))
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert "items" not in app_client(development_server).playlist(own)


def test_extended_mode_serves_items_of_any_playlist_under_item_and_track(extended_server: FakeSpotify) -> None:
    followed = playlist_ids(extended_server, Relation.FOLLOWED)[0]
    page = app_client(extended_server).playlist_items(followed, limit=50)
    assert all(entry["item"] == entry["track"] for entry in page["items"])
    legacy = api_get(extended_server, f"/playlists/{followed}/tracks", app_token(extended_server), limit="100").json()
    assert all("track" in entry and "item" not in entry for entry in legacy["items"])
    assert legacy["total"] == page["total"]


def test_playlist_items_carry_the_quirks_of_real_playlists(development_server: FakeSpotify) -> None:
    client = user_client(development_server)
    entries = []
    page = client.playlist_items(big_playlist_id(development_server), limit=50)
    while page:
        entries.extend(page["items"])
        page = client.next(page)
    removed = [e for e in entries if e["item"] is None]
    assert len(removed) == 1 and removed[0]["added_at"]
    local = [e for e in entries if e["is_local"]]
    assert len(local) == 2
    for entry in local:
        track = entry["item"]
        assert (track["id"], track["href"], track["album"]["id"], track["album"]["release_date"]) == (None,) * 4
        assert track["uri"].startswith("spotify:local:") and track["uri"].rsplit(":", 1)[1].isdigit()
    track_ids = [e["item"]["id"] for e in entries if e["item"] and not e["is_local"]]
    assert len(track_ids) > len(set(track_ids)), "the same track is in the playlist twice"
    old = client.playlist_items(old_playlist_id(development_server), limit=50)["items"]
    assert all(e["added_at"] is None and e["added_by"] is None for e in old)


def test_episodes_come_as_episodes_only_when_the_client_asks_for_them(development_server: FakeSpotify) -> None:
    client = user_client(development_server)
    playlist_id = episodes_playlist_id(development_server)
    with_episodes = client.playlist_items(playlist_id, limit=50, additional_types=("track", "episode"))["items"]
    episodes = [e["item"] for e in with_episodes if e["item"]["type"] == "episode"]
    assert len(episodes) == 2 and all(e["show"]["type"] == "show" for e in episodes)
    tracks_only = client.playlist_items(playlist_id, limit=50, additional_types=("track",))["items"]
    shaped_as_tracks = [e["item"] for e in tracks_only if e["item"]["uri"].startswith("spotify:episode:")]
    assert len(shaped_as_tracks) == 2
    assert all(t["type"] == "track" and t["episode"] is True for t in shaped_as_tracks)


def test_a_playlist_has_a_snapshot_id_that_changes_when_its_items_change(server: FakeSpotify) -> None:
    token = user_token(server)
    owned = playlist_ids(server, Relation.OWNED)[:2]
    before = {p: api_get(server, f"/playlists/{p}", token).json()["snapshot_id"] for p in owned}
    changed = False
    for days in range(1, 8):
        server.set_day(DAY + timedelta(days=days))
        after = {p: api_get(server, f"/playlists/{p}", token).json()["snapshot_id"] for p in owned}
        changed = changed or after != before
    assert changed


def test_the_fields_filter_trims_playlist_items(development_server: FakeSpotify) -> None:
    own = big_playlist_id(development_server)
    body = api_get(
        development_server, f"/playlists/{own}/items", user_token(development_server), fields="total,items(added_at)"
    ).json()
    assert set(body) == {"total", "items"}
    assert all(set(entry) == {"added_at"} for entry in body["items"])
    bad = api_get(development_server, f"/playlists/{own}/items", user_token(development_server), fields="items(")
    assert bad.status_code == 400


@pytest.mark.parametrize("suffix", ["", "/items", "/tracks"])
def test_spotify_owned_editorial_playlists_are_not_found(extended_server: FakeSpotify, suffix: str) -> None:
    editorial = playlist_ids(extended_server, Relation.EDITORIAL)[0]
    assert editorial.startswith("37i9dQZF1")
    response = api_get(extended_server, f"/playlists/{editorial}{suffix}", user_token(extended_server))
    assert (response.status_code, response.json()) == (404, {"error": {"status": 404, "message": "Resource not found"}})


def test_editorial_playlists_are_listed_by_the_user_but_404_in_development_mode(
    development_server: FakeSpotify,
) -> None:
    listed = user_client(development_server).current_user_playlists(limit=50)["items"]
    editorial = [p["id"] for p in listed if p["id"].startswith("37i9dQZF1")]
    assert len(editorial) == 2
    assert api_get(development_server, f"/playlists/{editorial[0]}", user_token(development_server)).status_code == 404


# -- development-mode restrictions -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/tracks?ids={track}",
        "/tracks/?ids={track}",
        "/artists?ids={artist}",
        "/albums?ids={album}",
        "/playlists/{playlist}/tracks",
        "/browse/new-releases",
        "/browse/categories",
        "/artists/{artist}/top-tracks",
        "/markets",
        "/users/{user}",
        "/users/{user}/playlists",
    ],
)
def test_development_mode_answers_the_removed_endpoints_403_forbidden(
    development_server: FakeSpotify, path: str
) -> None:
    catalog = development_server.catalog
    url = path.format(
        track=catalog.track_ids[0],
        artist=next(iter(catalog.artists)),
        album=next(iter(catalog.albums)),
        playlist=big_playlist_id(development_server),
        user=catalog.user.id,
    )
    response = requests.get(
        development_server.api_url.rstrip("/") + url,
        headers={"Authorization": f"Bearer {user_token(development_server)}"},
        timeout=5,
    )
    assert (response.status_code, response.json()) == (403, FORBIDDEN)


def test_development_mode_leaves_out_the_fields_removed_in_february_2026(development_server: FakeSpotify) -> None:
    client = user_client(development_server)
    catalog = development_server.catalog
    track = client.track(catalog.track_ids[0])
    assert {"popularity", "available_markets", "linked_from"}.isdisjoint(track)
    assert track["external_ids"]["isrc"]
    assert {"popularity", "label", "available_markets"}.isdisjoint(client.album(next(iter(catalog.albums))))
    assert {"popularity", "followers"}.isdisjoint(client.artist(next(iter(catalog.artists))))
    assert {"country", "email", "product", "followers"}.isdisjoint(client.me())


def test_extended_mode_has_every_field(extended_server: FakeSpotify) -> None:
    client = user_client(extended_server)
    catalog = extended_server.catalog
    assert {"popularity", "available_markets", "external_ids"} <= set(client.track(catalog.track_ids[0]))
    assert {"popularity", "label", "available_markets"} <= set(client.album(next(iter(catalog.albums))))
    assert {"popularity", "followers", "genres"} <= set(client.artist(next(iter(catalog.artists))))
    assert {"country", "email", "product"} <= set(client.me())


@pytest.mark.parametrize(("limit", "status"), [("10", 200), ("11", 400)])
def test_development_mode_search_pages_hold_at_most_10(
    development_server: FakeSpotify, limit: str, status: int
) -> None:
    response = api_get(development_server, "/search", app_token(development_server), q="a", type="track", limit=limit)
    assert response.status_code == status


def test_development_mode_search_defaults_to_5_results(development_server: FakeSpotify) -> None:
    body = api_get(development_server, "/search", app_token(development_server), q="a", type="track").json()
    assert body["tracks"]["limit"] == 5 and len(body["tracks"]["items"]) == 5


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/audio-features/{track}", 403),
        ("/recommendations", 404),
        ("/artists/{artist}/related-artists", 404),
        ("/browse/featured-playlists", 404),
    ],
)
def test_the_endpoints_withdrawn_in_november_2024_stay_withdrawn_in_both_modes(
    mode_server: FakeSpotify, path: str, status: int
) -> None:
    catalog = mode_server.catalog
    url = path.format(track=catalog.track_ids[0], artist=next(iter(catalog.artists)))
    assert api_get(mode_server, url, app_token(mode_server)).status_code == status


# -- extended mode: batch gets -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "maximum"), [("tracks", 50), ("artists", 50), ("albums", 20)])
def test_extended_mode_batch_gets_take_up_to_their_maximum(
    extended_server: FakeSpotify, kind: str, maximum: int
) -> None:
    catalog = extended_server.catalog
    ids = list({"tracks": catalog.tracks, "artists": catalog.artists, "albums": catalog.albums}[kind])
    token = app_token(extended_server)
    full = api_get(extended_server, f"/{kind}", token, ids=",".join(ids[:maximum]))
    assert [entry["id"] for entry in full.json()[kind]] == ids[:maximum]
    too_many = api_get(extended_server, f"/{kind}", token, ids=",".join(ids[: maximum + 1]))
    assert too_many.status_code == 400


def test_extended_mode_batch_gets_answer_null_for_unknown_ids(extended_server: FakeSpotify) -> None:
    known = extended_server.catalog.track_ids[0]
    tracks = app_client(extended_server).tracks([known, "0000000000000000000000"])["tracks"]
    assert tracks[0]["id"] == known and tracks[1] is None


# -- catalog look-ups ------------------------------------------------------------------------------------------------
def test_spotipy_reads_an_album_and_pages_its_tracks_with_its_trailing_slash(mode_server: FakeSpotify) -> None:
    client = app_client(mode_server)
    album = max(mode_server.catalog.albums.values(), key=lambda a: len(a.track_ids))
    body = client.album(album.id)
    assert body["total_tracks"] == len(album.track_ids) == body["tracks"]["total"]
    page = client.album_tracks(album.id, limit=5)
    ids = []
    while page:
        ids.extend(t["id"] for t in page["items"])
        page = client.next(page)
    assert ids == list(album.track_ids)


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/tracks/not-an-id", 400, "Invalid base62 id"),
        ("/tracks/0000000000000000000000", 404, "Resource not found"),
        ("/nothing/here", 404, "Service not found"),
    ],
)
def test_bad_ids_and_unknown_paths_get_the_api_error_object(
    development_server: FakeSpotify, path: str, status: int, message: str
) -> None:
    response = api_get(development_server, path, app_token(development_server))
    assert (response.status_code, response.json()) == (status, {"error": {"status": status, "message": message}})


def test_search_ignores_case_and_accents_and_honours_field_filters(development_server: FakeSpotify) -> None:
    client = app_client(development_server)
    artists = client.search("sigur ros", type="artist", limit=10)["artists"]["items"]
    assert artists[0]["name"] == "Sigur Rós"
    tracks = client.search('artist:"Sigur Rós"', type="track", limit=10)["tracks"]["items"]
    assert tracks and all(any(a["name"] == "Sigur Rós" for a in t["artists"]) for t in tracks)


def test_search_returns_spotify_owned_playlists_as_null_items(development_server: FakeSpotify) -> None:
    found = app_client(development_server).search("Top 50", type="playlist", limit=10)["playlists"]
    assert found["total"] >= 1 and None in found["items"]


# -- the day moves -------------------------------------------------------------------------------------------------
def test_the_same_seed_and_day_give_the_same_bodies_on_two_servers() -> None:
    bodies = []
    for _ in range(2):
        with FakeSpotify(seed=5, size=90, day=DAY) as fake:
            token = user_token(fake)
            texts = [
                api_get(fake, path, token, limit="50").text.replace(fake.base_url, "<server>")
                for path in ("/me/player/recently-played", "/me/top/tracks", "/me/tracks", "/me/playlists")
            ]
            texts.append(api_get(fake, f"/playlists/{big_playlist_id(fake)}/items", token, limit="50").text)
            bodies.append([t.replace(fake.base_url, "<server>") for t in texts])
    assert bodies[0] == bodies[1]


def test_set_day_moves_plays_and_playlists(server: FakeSpotify) -> None:
    token = user_token(server)

    def snapshot() -> tuple[str, list[str]]:
        played = api_get(server, "/me/player/recently-played", token, limit="50").json()["items"]
        playlists = api_get(server, "/me/playlists", token, limit="50").json()["items"]
        return played[0]["played_at"], [p["snapshot_id"] for p in playlists]

    tuesday = snapshot()
    server.set_day(DAY + timedelta(days=1))
    wednesday = snapshot()
    assert wednesday[0] > tuesday[0], "the newest play is a day later"
    server.set_day(DAY + timedelta(days=8))
    assert snapshot()[1] != tuesday[1], "playlists changed within the week"
    server.set_day(DAY)
    assert snapshot() == tuesday
