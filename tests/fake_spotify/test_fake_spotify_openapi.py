"""Every response of the fake Spotify, in both API modes, conforms to the public OpenAPI description.

The description (../shared/reference/spotify-web-api.openapi.yml, outside the repository) is read by
`openapi_contract`; its deviations list says what the real API does beyond the description.
"""

from __future__ import annotations

import pytest

from local.fake_spotify import FakeSpotify
from local.fake_spotify.catalog import Relation
from tests.fake_spotify.clients import api_get, app_token, user_token
from tests.fake_spotify.openapi_contract import OpenApiContract

# (description path, request path with placeholders, query, token): the placeholders come from the catalog.
CASES = [
    ("/me", "/me", {}, "user"),
    ("/me/player/recently-played", "/me/player/recently-played", {"limit": "50"}, "user"),
    ("/me/player/recently-played", "/me/player/recently-played", {"after": "{future}"}, "user"),
    ("/me/top/artists", "/me/top/artists", {"limit": "50", "time_range": "short_term"}, "user"),
    ("/me/top/tracks", "/me/top/tracks", {"limit": "50", "time_range": "long_term"}, "user"),
    ("/me/tracks", "/me/tracks", {"limit": "50"}, "user"),
    ("/me/playlists", "/me/playlists", {"limit": "50"}, "user"),
    ("/artists/{id}", "/artists/{artist}", {}, "app"),
    ("/albums/{id}", "/albums/{album}", {}, "app"),
    ("/albums/{id}/tracks", "/albums/{album}/tracks", {"limit": "50"}, "app"),
    ("/tracks/{id}", "/tracks/{track}", {}, "app"),
    (
        "/search",
        "/search",
        {"q": "a", "type": "album,artist,playlist,track,show,episode,audiobook", "limit": "10"},
        "app",
    ),
    ("/search", "/search", {"q": "Top 50", "type": "playlist"}, "app"),
    ("/artists", "/artists", {"ids": "{artists}"}, "app"),
    ("/albums", "/albums", {"ids": "{albums}"}, "app"),
    ("/tracks", "/tracks", {"ids": "{tracks}"}, "app"),
    ("/artists/{id}/top-tracks", "/artists/{artist}/top-tracks", {}, "app"),
    ("/users/{user_id}", "/users/{user}", {}, "app"),
    ("/users/{user_id}/playlists", "/users/{user}/playlists", {}, "app"),
    ("/markets", "/markets", {}, "app"),
    ("/browse/new-releases", "/browse/new-releases", {}, "app"),
    ("/browse/categories", "/browse/categories", {}, "app"),
    ("/audio-features/{id}", "/audio-features/{track}", {}, "app"),
    ("/recommendations", "/recommendations", {}, "app"),
    ("/me", "/me", {}, "app"),
    ("/tracks/{id}", "/tracks/0000000000000000000000", {}, "app"),
    ("/me/tracks", "/me/tracks", {"limit": "99"}, "user"),
]
PLAYLIST_CASES = [
    ("/playlists/{playlist_id}", "", {}),
    ("/playlists/{playlist_id}", "", {"additional_types": "track,episode"}),
    ("/playlists/{playlist_id}/items", "/items", {"limit": "50"}),
    ("/playlists/{playlist_id}/items", "/items", {"limit": "50", "additional_types": "track,episode"}),
    ("/playlists/{playlist_id}/tracks", "/tracks", {"limit": "100", "additional_types": "episode"}),
]
RELATIONS = [Relation.OWNED, Relation.COLLABORATIVE, Relation.FOLLOWED, Relation.EDITORIAL]


def placeholders(fake: FakeSpotify) -> dict[str, str]:
    catalog = fake.catalog
    return {
        "artist": next(iter(catalog.artists)),
        "album": max(catalog.albums.values(), key=lambda a: len(a.track_ids)).id,
        "track": catalog.track_ids[0],
        "artists": ",".join(list(catalog.artists)[:50]),
        "albums": ",".join(list(catalog.albums)[:20]),
        "tracks": ",".join(catalog.track_ids[:50]),
        "user": catalog.user.id,
        "future": str(int(catalog.state_on(fake.day).as_of.timestamp() * 1000) + 1),
    }


def check(openapi: OpenApiContract, fake: FakeSpotify, template: str, path: str, query: dict, token: str) -> int:
    response = api_get(fake, path, token, **query)
    problems = openapi.errors(fake.mode, template, response.status_code, response.json())
    assert not problems, f"{fake.mode} GET {path} {query} -> {response.status_code} breaks the description:\n" + (
        "\n".join(problems[:20])
    )
    return response.status_code


@pytest.mark.parametrize(
    ("template", "path", "query", "token_kind"), CASES, ids=[f"{c[1]}{c[2]}-{c[3]}" for c in CASES]
)
def test_endpoint_responses_conform_in_both_modes(
    openapi: OpenApiContract, mode_server: FakeSpotify, template: str, path: str, query: dict, token_kind: str
) -> None:
    values = placeholders(mode_server)
    token = user_token(mode_server) if token_kind == "user" else app_token(mode_server)
    check(
        openapi, mode_server, template, path.format(**values), {k: v.format(**values) for k, v in query.items()}, token
    )


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize(("template", "suffix", "query"), PLAYLIST_CASES, ids=[f"{c[1]}{c[2]}" for c in PLAYLIST_CASES])
def test_playlist_responses_conform_for_every_kind_of_playlist(
    openapi: OpenApiContract, mode_server: FakeSpotify, relation: str, template: str, suffix: str, query: dict
) -> None:
    token = user_token(mode_server)
    for playlist in (p for p in mode_server.catalog.playlists.values() if p.relation == relation):
        path = f"/playlists/{playlist.id}{suffix}"
        status = check(openapi, mode_server, template, path, query, token)
        assert status in (200, 403, 404)
        if status == 200 and suffix:
            # Read the remaining pages too: the quirks sit anywhere in a playlist.
            entries = mode_server.catalog.state_on(mode_server.day).playlists[playlist.id].entries
            for offset in range(50, len(entries), 50):
                check(openapi, mode_server, template, path, {**query, "offset": str(offset)}, token)


def test_error_responses_conform(openapi: OpenApiContract, server: FakeSpotify) -> None:
    token = user_token(server)
    server.faults.rate_limit("/v1/me/tracks", quota=True)
    check(openapi, server, "/me/tracks", "/me/tracks", {}, token)
    server.faults.server_errors("/v1/me/tracks", status=503, times=1)
    check(openapi, server, "/me/tracks", "/me/tracks", {}, token)
    server.faults.expire_token_after(0)
    check(openapi, server, "/me/tracks", "/me/tracks", {}, token)


def test_the_contract_check_catches_a_response_that_breaks_the_description(
    openapi: OpenApiContract, development_server: FakeSpotify
) -> None:
    # Given a real track response with one field of the wrong type
    body = api_get(
        development_server, f"/tracks/{development_server.catalog.track_ids[0]}", app_token(development_server)
    )
    broken = {**body.json(), "duration_ms": "3:47"}
    # Then the check names the field
    assert openapi.errors("development", "/tracks/{id}", 200, body.json()) == []
    assert openapi.errors("development", "/tracks/{id}", 200, broken) == [
        "duration_ms: '3:47' is not of type 'integer'"
    ]
    # And a local file is only acceptable inside a playlist, not as a catalog track
    local = {**body.json(), "id": None, "is_local": True}
    assert openapi.errors("development", "/tracks/{id}", 200, local) == ["id: None is not of type 'string'"]
