"""The two token flows against the fake accounts service: refresh, rotation written back, a refused token
forgotten once, and refused credentials told in one line."""

from __future__ import annotations

import json

import boto3
import pytest

from extract.auth import ClientCredentialsAuth, RefreshTokenAuth, TokenEndpointUnavailable, token_fingerprint
from extract.credentials import AppCredentials, CredentialsError, SecretsManagerTokenCache
from local.fake_spotify import FakeSpotify

TOKEN_SECRET = "spotify-pipeline/test/spotify-user-token"
CLIENT_SECRET = "spotify-pipeline/test/spotify-client"
SCOPE = "user-read-recently-played user-top-read"


def user_auth(server: FakeSpotify, refresh_token: str | None = None) -> RefreshTokenAuth:
    token_info = {"refresh_token": refresh_token or server.refresh_token, "scope": server.user_scope}
    boto3.client("secretsmanager").create_secret(Name=TOKEN_SECRET, SecretString=json.dumps(token_info))
    app = AppCredentials(server.client_id, server.client_secret)
    return RefreshTokenAuth(app, SecretsManagerTokenCache(TOKEN_SECRET, token_info), SCOPE, server.token_url, 5)


def stored_token() -> dict:
    return json.loads(boto3.client("secretsmanager").get_secret_value(SecretId=TOKEN_SECRET)["SecretString"])


def test_the_stored_refresh_token_gets_an_access_token_cached_in_the_secret(aws: str, spotify: FakeSpotify) -> None:
    auth = user_auth(spotify)
    access_token = auth.get_access_token()
    assert access_token.startswith("BQ")
    assert stored_token()["access_token"] == access_token
    # A second call in the same run reuses it: one token request in all
    assert auth.get_access_token() == access_token
    assert [r.path for r in spotify.requests] == ["/api/token"]


def test_a_rotated_refresh_token_is_kept_so_the_next_run_can_refresh(aws: str) -> None:
    with FakeSpotify(mode="development", rotate_refresh_token=True) as server:
        # Given a run that refreshed, and Spotify rotated the refresh token (revoking the old one)
        user_auth(server).get_access_token()
        # When the next run starts from what the secret holds
        next_run = stored_token()
        app = AppCredentials(server.client_id, server.client_secret)
        cache = SecretsManagerTokenCache(TOKEN_SECRET, {**next_run, "expires_at": 0})
        # Then it can refresh again, and the secret follows the rotation once more
        assert RefreshTokenAuth(app, cache, SCOPE, server.token_url, 5).get_access_token().startswith("BQ")
        assert stored_token()["refresh_token"] == server.refresh_token != next_run["refresh_token"]


def test_a_refused_access_token_is_forgotten_and_refreshed(aws: str, spotify: FakeSpotify) -> None:
    auth = user_auth(spotify)
    first = auth.get_access_token()
    auth.forget_token(token_fingerprint(first))
    assert auth.get_access_token() != first


def test_a_token_another_worker_already_replaced_is_not_refreshed_again(aws: str, spotify: FakeSpotify) -> None:
    auth = user_auth(spotify)
    first = auth.get_access_token()
    auth.forget_token(token_fingerprint(first))
    second = auth.get_access_token()
    # A second worker reports the same old token: the current one is kept
    auth.forget_token(token_fingerprint(first))
    assert auth.get_access_token() == second


def test_a_revoked_refresh_token_is_one_line_saying_how_to_set_a_new_one(aws: str, spotify: FakeSpotify) -> None:
    auth = user_auth(spotify, refresh_token="AQ-revoked-long-ago")
    with pytest.raises(CredentialsError) as error:
        auth.get_access_token()
    message = str(error.value)
    assert "\n" not in message
    assert f"Spotify refused the refresh token in secret {TOKEN_SECRET!r} (invalid_grant)" in message
    assert f"put-secret-value --secret-id {TOKEN_SECRET}" in message
    assert "AQ-revoked-long-ago" not in message


def test_a_wrong_client_secret_is_one_line_naming_its_secret(spotify: FakeSpotify) -> None:
    auth = ClientCredentialsAuth(AppCredentials(spotify.client_id, "wrong"), CLIENT_SECRET, spotify.token_url, 5)
    with pytest.raises(CredentialsError) as error:
        auth.get_access_token()
    assert f"Spotify refused the client id and secret in secret {CLIENT_SECRET!r} (invalid_client)" in str(error.value)


def test_an_unavailable_token_endpoint_is_transient(spotify: FakeSpotify) -> None:
    spotify.faults.server_errors("^/api/token", status=503, times=1)
    auth = ClientCredentialsAuth(
        AppCredentials(spotify.client_id, spotify.client_secret), CLIENT_SECRET, spotify.token_url, 5
    )
    with pytest.raises(TokenEndpointUnavailable):
        auth.get_access_token()
    assert auth.get_access_token().startswith("BQ")
