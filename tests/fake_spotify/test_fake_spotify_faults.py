"""Fault injection (`local.fake_spotify.faults`): each kind as a client sees it over HTTP, and the rule syntax."""

from __future__ import annotations

import json

import pytest
import requests

from local.fake_spotify import FakeSpotify, FaultPlan
from local.fake_spotify.faults import DELETE_PLAYLIST, EXPIRE_TOKEN, MALFORMED, RATE_LIMIT, SERVER_ERROR, SLOW
from tests.fake_spotify.clients import api_get, big_playlist_id, user_client, user_token


def test_a_rate_limit_answers_429_with_retry_after_then_expires(server: FakeSpotify) -> None:
    # Given a user token and one 429 planned for the saved tracks
    token = user_token(server)
    rule = server.faults.rate_limit("/v1/me/tracks", retry_after=7)
    # When the client calls twice
    limited, next_call = api_get(server, "/me/tracks", token), api_get(server, "/me/tracks", token)
    # Then the first is rate limited with the wait, the second succeeds
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "7"
    assert limited.json() == {"error": {"status": 429, "message": "API rate limit exceeded"}}
    assert next_call.status_code == 200
    assert (rule.hits, rule.live) == (1, False)


def test_the_quota_variant_carries_the_quota_exceeded_reason(server: FakeSpotify) -> None:
    server.faults.rate_limit("/v1/search", retry_after=3600, quota=True)
    response = api_get(server, "/search", user_token(server), q="x", type="track")
    assert response.json() == {"error": {"status": 429, "message": "Too many requests", "reason": "QUOTA_EXCEEDED"}}
    assert response.headers["Retry-After"] == "3600"


def test_a_rule_without_a_count_hits_every_matching_request_until_cleared(server: FakeSpotify) -> None:
    token = user_token(server)
    server.faults.rate_limit("/v1/me$", times=None)
    assert [api_get(server, "/me", token).status_code for _ in range(3)] == [429, 429, 429]
    assert api_get(server, "/me/tracks", token).status_code == 200, "the regex decides which paths it hits"
    server.faults.clear()
    assert api_get(server, "/me", token).status_code == 200


@pytest.mark.parametrize(("status", "message"), [(500, "Server error."), (502, "Bad gateway."), (503, None)])
def test_a_burst_of_server_errors_hits_the_next_n_requests(
    server: FakeSpotify, status: int, message: str | None
) -> None:
    token = user_token(server)
    server.faults.server_errors("/v1/me/playlists", status=status, times=3)
    responses = [api_get(server, "/me/playlists", token) for _ in range(4)]
    assert [r.status_code for r in responses] == [status, status, status, 200]
    expected = {"status": status} if message is None else {"status": status, "message": message}
    assert responses[0].json() == {"error": expected}


def test_a_slow_response_makes_a_client_with_a_short_timeout_time_out(server: FakeSpotify) -> None:
    token = user_token(server)
    server.faults.slow("/v1/me/top/tracks", delay_ms=1000)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(server.api_url + "me/top/tracks", headers={"Authorization": f"Bearer {token}"}, timeout=0.2)
    assert api_get(server, "/me/top/tracks", token).status_code == 200


def test_a_slow_answer_is_decided_and_logged_on_arrival_even_if_the_tokens_expire_while_it_is_held(
    server: FakeSpotify,
) -> None:
    token = user_token(server)
    held = server.faults.slow("/v1/me/top/tracks", delay_ms=30_000)
    try:
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.get(server.api_url + "me/top/tracks", headers={"Authorization": f"Bearer {token}"}, timeout=0.2)
        # In the log at once, with the answer its token earned when it arrived ...
        assert [(r.path, r.status) for r in server.requests][-1] == ("/v1/me/top/tracks", 200)
        server.tokens.expire_all()
        # ... and the request made after the expiry comes after it
        assert api_get(server, "/me/top/tracks", token).status_code == 401
    finally:
        held.release()
    assert [r.status for r in server.requests if r.path == "/v1/me/top/tracks"] == [200, 401]


def test_a_dropped_connection_gives_the_client_a_connection_error_and_is_logged_without_status(
    server: FakeSpotify,
) -> None:
    token = user_token(server)
    server.faults.drop_connection("/v1/me/top/artists")
    with pytest.raises(requests.exceptions.ConnectionError):
        api_get(server, "/me/top/artists", token)
    assert server.requests[-1].status is None
    assert api_get(server, "/me/top/artists", token).status_code == 200


def test_a_malformed_body_is_a_200_whose_json_is_cut_short(server: FakeSpotify) -> None:
    token = user_token(server)
    complete = api_get(server, "/me/playlists", token).content
    server.faults.malformed_json("/v1/me/playlists")
    response = api_get(server, "/me/playlists", token)
    assert response.status_code == 200
    assert complete.startswith(response.content) and len(response.content) < len(complete)
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_tokens_expire_after_n_api_calls_and_a_new_token_works(server: FakeSpotify) -> None:
    # Given a token and an expiry planned after two calls
    token = user_token(server)
    server.faults.expire_token_after(2)
    # When the client goes on with the same token
    statuses = [api_get(server, "/me", token).status_code for _ in range(3)]
    # Then the third call finds it expired, and a refreshed token works
    assert statuses == [200, 200, 401]
    assert api_get(server, "/me", token).json() == {"error": {"status": 401, "message": "The access token expired"}}
    assert api_get(server, "/me", user_token(server)).status_code == 200


@pytest.mark.parametrize(("status", "message"), [(403, "Forbidden"), (404, "Service not found")])
def test_a_removed_endpoint_answers_as_spotify_does(server: FakeSpotify, status: int, message: str) -> None:
    server.faults.remove_endpoint("^/v1/me/top/artists$", status=status)
    responses = [api_get(server, "/me/top/artists", user_token(server)) for _ in range(2)]
    assert [r.json() for r in responses] == [{"error": {"status": status, "message": message}}] * 2


def test_a_deleted_playlist_is_404_while_listings_still_name_it(server: FakeSpotify) -> None:
    token = user_token(server)
    playlist_id = big_playlist_id(server)
    server.faults.delete_playlist(playlist_id)
    assert api_get(server, f"/playlists/{playlist_id}", token).status_code == 404
    assert api_get(server, f"/playlists/{playlist_id}/items", token).json() == {
        "error": {"status": 404, "message": "Resource not found"}
    }
    listed = [p["id"] for p in api_get(server, "/me/playlists", token, limit="50").json()["items"]]
    assert playlist_id in listed
    other = listed[1]
    assert api_get(server, f"/playlists/{other}/items", token).status_code == 200


def test_faults_reach_the_token_endpoint_too(server: FakeSpotify) -> None:
    server.faults.server_errors("^/api/token$", status=503, times=1)
    with pytest.raises(requests.HTTPError):
        user_token(server)
    assert user_token(server)


def test_spotipy_retries_through_a_short_burst_of_server_errors(server: FakeSpotify) -> None:
    # spotipy's own retry adapter (urllib3 Retry) retries 5xx on GET; three retries cover two failures.
    client = user_client(server, retries=3, status_retries=3, backoff_factor=0)
    server.faults.server_errors("^/v1/me/?$", status=502, times=2)
    assert client.me()["id"] == server.catalog.user.id
    assert [r.status for r in server.requests if r.path.rstrip("/") == "/v1/me"] == [502, 502, 200]


@pytest.mark.parametrize(
    ("spec", "kind", "attributes"),
    [
        ("429:/v1/me/tracks:retry_after=2:times=1", RATE_LIMIT, {"retry_after": 2, "times": 1, "quota": False}),
        ("429:/v1/search:quota=true:times=always", RATE_LIMIT, {"quota": True, "times": None}),
        ("503:/v1/playlists:times=3", SERVER_ERROR, {"status": 503, "times": 3}),
        ("500:/v1/", SERVER_ERROR, {"status": 500, "times": 3}),
        ("slow:/v1/search:ms=800:times=always", SLOW, {"delay_ms": 800, "times": None}),
        ("malformed:/v1/albums", MALFORMED, {"times": 1}),
        ("expire:/v1/:after=10", EXPIRE_TOKEN, {"after_calls": 10}),
        ("delete-playlist:abc", DELETE_PLAYLIST, {"status": 404, "times": None}),
    ],
)
def test_the_command_line_rule_syntax_builds_the_same_rules(spec: str, kind: str, attributes: dict) -> None:
    rule = FaultPlan().add(spec)
    assert rule.kind == kind
    assert {name: getattr(rule, name) for name in attributes} == attributes


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ("teapot:/v1/", "unknown kind 'teapot'"),
        ("429", "has no path"),
        ("429:/v1/:retry_after=soon", "retry_after='soon' is not a whole number"),
        ("429:/v1/:colour=red", "unknown option(s) colour"),
        ("429:/v1/:times", "is not key=value"),
        ("429:/v1/(:times=1", "not a valid regular expression"),
        ("429:/v1/:times=0", "must be at least 1"),
        ("remove:/v1/:status=500", "answers 403 or 404"),
    ],
)
def test_a_bad_rule_is_refused_with_what_is_wrong(spec: str, complaint: str) -> None:
    plan = FaultPlan()
    with pytest.raises(ValueError, match=None) as refused:
        plan.add(spec)
    assert complaint in str(refused.value)
    assert plan.rules == []


def test_a_live_rule_can_be_narrowed_by_changing_its_path(server: FakeSpotify) -> None:
    token = user_token(server)
    rule = server.faults.rate_limit("^/v1/me", times=None)
    rule.path = "^/v1/me/tracks$"
    assert api_get(server, "/me", token).status_code == 200
    assert api_get(server, "/me/tracks", token).status_code == 429
