"""The accounts service and bearer tokens of the fake Spotify (`local.fake_spotify.auth`)."""

from __future__ import annotations

import pytest
import requests

from local.fake_spotify import FakeSpotify
from local.fake_spotify.auth import AccessToken, AuthProblem, TokenService
from tests.fake_spotify.clients import DAY, api_get, app_token, user_client, user_token


def token_request(fake: FakeSpotify, auth: tuple[str, str] | None = None, **form: str) -> requests.Response:
    return requests.post(fake.token_url, data=form, auth=auth or (fake.client_id, fake.client_secret), timeout=5)


def test_client_credentials_give_an_app_token_with_its_lifetime(development_server: FakeSpotify) -> None:
    response = token_request(development_server, grant_type="client_credentials")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600


def test_client_credentials_in_the_form_body_are_accepted_too(development_server: FakeSpotify) -> None:
    response = requests.post(
        development_server.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": development_server.client_id,
            "client_secret": development_server.client_secret,
        },
        timeout=5,
    )
    assert response.status_code == 200


def test_a_refresh_answers_with_the_granted_scope_and_keeps_the_refresh_token(development_server: FakeSpotify) -> None:
    response = token_request(
        development_server, grant_type="refresh_token", refresh_token=development_server.refresh_token
    )
    body = response.json()
    assert set(body["scope"].split()) == set(development_server.user_scope.split())
    assert "refresh_token" not in body
    assert token_request(
        development_server, grant_type="refresh_token", refresh_token=development_server.refresh_token
    ).ok


def test_with_rotation_a_refresh_returns_a_new_refresh_token_and_revokes_the_old_one() -> None:
    with FakeSpotify(seed=3, size=60, day=DAY, rotate_refresh_token=True) as fake:
        first = fake.refresh_token
        body = token_request(fake, grant_type="refresh_token", refresh_token=first).json()
        assert body["refresh_token"] != first
        assert fake.refresh_token == body["refresh_token"]
        again = token_request(fake, grant_type="refresh_token", refresh_token=first)
        assert (again.status_code, again.json()) == (
            400,
            {"error": "invalid_grant", "error_description": "Refresh token revoked"},
        )
        assert token_request(fake, grant_type="refresh_token", refresh_token=body["refresh_token"]).ok


@pytest.mark.parametrize(
    ("auth", "form", "error"),
    [
        (("wrong", "secret"), {"grant_type": "client_credentials"}, "invalid_client"),
        (None, {}, "unsupported_grant_type"),
        (None, {"grant_type": "password"}, "unsupported_grant_type"),
        (None, {"grant_type": "refresh_token"}, "invalid_request"),
        (None, {"grant_type": "refresh_token", "refresh_token": "AQnope"}, "invalid_grant"),
    ],
)
def test_bad_token_requests_answer_400_with_the_oauth_error(
    development_server: FakeSpotify, auth: tuple[str, str] | None, form: dict[str, str], error: str
) -> None:
    response = token_request(development_server, auth=auth, **form)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert response.json()["error_description"]


def test_a_wrong_client_secret_is_named(development_server: FakeSpotify) -> None:
    response = token_request(
        development_server, auth=(development_server.client_id, "nope"), grant_type="client_credentials"
    )
    assert response.json() == {"error": "invalid_client", "error_description": "Invalid client secret"}


def test_credentials_derive_from_the_seed_so_a_restarted_server_accepts_them() -> None:
    with FakeSpotify(seed=9, size=60, day=DAY) as first:
        credentials = (first.client_id, first.client_secret, first.refresh_token)
    with FakeSpotify(seed=9, size=60, day=DAY) as second:
        assert (second.client_id, second.client_secret, second.refresh_token) == credentials


@pytest.mark.parametrize("path", ["/me", "/me/tracks", "/me/playlists", "/me/player/recently-played", "/me/top/tracks"])
def test_an_app_token_cannot_read_the_current_user(development_server: FakeSpotify, path: str) -> None:
    response = api_get(development_server, path, app_token(development_server))
    assert response.status_code == 401
    assert response.json() == {"error": {"status": 401, "message": "Valid user authentication required"}}


def test_a_user_token_without_a_scope_is_refused_where_the_scope_is_needed() -> None:
    with FakeSpotify(seed=3, size=60, day=DAY, user_scope="user-read-private playlist-read-private") as fake:
        token = user_token(fake)
        response = api_get(fake, "/me/player/recently-played", token)
        assert (response.status_code, response.json()["error"]["message"]) == (403, "Insufficient client scope")
        assert api_get(fake, "/me", token).status_code == 200


@pytest.mark.parametrize(
    ("header", "status", "message"),
    [
        (None, 401, "No token provided"),
        ("Bearer not-a-token", 401, "Invalid access token"),
        ("Basic abc", 400, "Only valid bearer authentication supported"),
    ],
)
def test_requests_without_a_valid_bearer_token_are_refused(
    development_server: FakeSpotify, header: str | None, status: int, message: str
) -> None:
    headers = {"Authorization": header} if header else {}
    response = requests.get(development_server.api_url + "tracks/x", headers=headers, timeout=5)
    assert (response.status_code, response.json()) == (status, {"error": {"status": status, "message": message}})


def test_a_token_past_its_lifetime_is_expired() -> None:
    # Given a token service on a clock the test moves
    now = [1000.0]
    service = TokenService(seed=1, ttl_seconds=60, rotate_refresh_token=False, clock=lambda: now[0])
    token = service.token_request(
        {"grant_type": "client_credentials", "client_id": service.client_id, "client_secret": service.client_secret},
        None,
    ).body["access_token"]
    assert isinstance(service.authenticate(f"Bearer {token}"), AccessToken)
    # When its lifetime has passed
    now[0] += 60
    # Then the API refuses it as expired
    assert service.authenticate(f"Bearer {token}") == AuthProblem(401, "The access token expired")


def test_spotipy_refreshes_with_the_stored_refresh_token_and_reads_the_user(development_server: FakeSpotify) -> None:
    client = user_client(development_server)
    me = client.me()
    assert me["id"] == development_server.catalog.user.id
    assert me["display_name"] == "Zoë Ångström"


def test_the_service_lists_every_access_token_it_issued(server: FakeSpotify) -> None:
    issued = {user_token(server), app_token(server)}
    assert set(server.tokens.issued_access_tokens()) == issued
