"""Credentials from Secrets Manager: each operator mistake is one line with the command that fixes it, and the
token cache writes a new token back without ever logging a value."""

from __future__ import annotations

import json
import logging

import boto3
import pytest

from extract.credentials import (
    CredentialsError,
    SecretsManagerTokenCache,
    read_app_credentials,
    read_user_token,
)

SECRET = "spotify-pipeline/test/spotify-client"
TOKEN_SECRET = "spotify-pipeline/test/spotify-user-token"
SCOPE = "user-read-recently-played user-top-read"
NO_VERSION = "<created without a value>"


def put(name: str, value: str) -> None:
    boto3.client("secretsmanager").create_secret(Name=name, SecretString=value)


def test_app_credentials_are_read_and_the_secret_is_not_in_their_repr(aws: str) -> None:
    put(SECRET, json.dumps({"client_id": "id-1", "client_secret": "s3cr3t-value"}))
    credentials = read_app_credentials(SECRET)
    assert credentials.client_id == "id-1"
    assert "s3cr3t-value" not in repr(credentials)


@pytest.mark.parametrize(
    ("stored", "problem"),
    [
        (None, "has no value"),  # the secret does not exist
        (NO_VERSION, "has no value"),  # the stack created it; nobody set it
        ("   ", "is empty"),
        ("not json", "is not a JSON object"),
        ('["a list"]', "is not a JSON object"),
        ('{"client_id": "id-1"}', "has no 'client_secret'"),
    ],
)
def test_a_missing_or_malformed_client_secret_is_one_line_with_the_fix(
    aws: str, stored: str | None, problem: str
) -> None:
    if stored == NO_VERSION:
        boto3.client("secretsmanager").create_secret(Name=SECRET)
    elif stored is not None:
        put(SECRET, stored)
    with pytest.raises(CredentialsError) as error:
        read_app_credentials(SECRET)
    message = str(error.value)
    assert "\n" not in message
    assert problem in message
    assert f"aws secretsmanager put-secret-value --secret-id {SECRET} --secret-string" in message


def test_a_user_token_without_the_needed_scope_names_the_missing_scope(aws: str) -> None:
    put(TOKEN_SECRET, json.dumps({"refresh_token": "AQ-token", "scope": "user-top-read"}))
    with pytest.raises(CredentialsError) as error:
        read_user_token(TOKEN_SECRET, SCOPE)
    assert "lacks the scope user-read-recently-played" in str(error.value)
    assert f'"scope":"{SCOPE}"' in str(error.value)


def test_a_user_token_without_refresh_token_is_refused(aws: str) -> None:
    put(TOKEN_SECRET, json.dumps({"scope": SCOPE}))
    with pytest.raises(CredentialsError, match="has no 'refresh_token'"):
        read_user_token(TOKEN_SECRET, SCOPE)


def test_an_operator_set_token_has_no_expiry_so_spotipy_refreshes_it(aws: str) -> None:
    cache = SecretsManagerTokenCache(TOKEN_SECRET, {"refresh_token": "AQ-token", "scope": SCOPE})
    assert cache.get_cached_token()["expires_at"] == 0


def test_a_rotated_refresh_token_is_written_back_without_logging_it(
    aws: str, caplog: pytest.LogCaptureFixture, extract_logs: list[str]
) -> None:
    # Given the operator's token in the secret
    put(TOKEN_SECRET, json.dumps({"refresh_token": "AQ-old", "scope": SCOPE}))
    cache = SecretsManagerTokenCache(TOKEN_SECRET, read_user_token(TOKEN_SECRET, SCOPE))
    # When spotipy saves a refreshed token with a rotated refresh token
    refreshed = {"access_token": "BQ-new-access", "refresh_token": "AQ-rotated", "scope": SCOPE, "expires_at": 9}
    with caplog.at_level(logging.DEBUG):
        cache.save_token_to_cache(refreshed)
    # Then the secret holds it for the next run, and no token value was logged
    stored = json.loads(boto3.client("secretsmanager").get_secret_value(SecretId=TOKEN_SECRET)["SecretString"])
    assert stored == refreshed
    logged = "\n".join(extract_logs) + caplog.text  # this module's records, and botocore's at DEBUG
    assert "stored the rotated refresh token" in logged
    assert "AQ-rotated" not in logged and "BQ-new-access" not in logged


def test_an_unchanged_token_is_not_written_again(aws: str) -> None:
    token = {"access_token": "BQ-a", "refresh_token": "AQ-old", "scope": SCOPE, "expires_at": 9}
    put(TOKEN_SECRET, json.dumps(token))
    cache = SecretsManagerTokenCache(TOKEN_SECRET, token)
    cache.save_token_to_cache(dict(token))
    versions = boto3.client("secretsmanager").list_secret_version_ids(SecretId=TOKEN_SECRET)["Versions"]
    assert len(versions) == 1


def test_the_granted_scope_is_kept_when_spotipy_saves_the_scope_it_asked_for(aws: str) -> None:
    # Given a token granted for every user source
    granted = "playlist-read-private user-library-read user-read-recently-played user-top-read"
    put(TOKEN_SECRET, json.dumps({"refresh_token": "AQ-old", "scope": granted}))
    cache = SecretsManagerTokenCache(TOKEN_SECRET, read_user_token(TOKEN_SECRET, SCOPE))
    # When a run that asked for fewer scopes saves its refreshed token
    cache.save_token_to_cache({"access_token": "BQ-a", "refresh_token": "AQ-old", "scope": SCOPE, "expires_at": 9})
    # Then a later run selecting more sources still finds the granted scope
    assert read_user_token(TOKEN_SECRET, granted)["scope"] == granted
