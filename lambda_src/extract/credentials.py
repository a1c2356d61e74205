"""Spotify credentials kept in AWS Secrets Manager: the app's client id and secret, and the user's token.

The operator sets both secrets once (README); the stack creates them empty. The user token secret holds
spotipy's token_info: at least `{"refresh_token": ..., "scope": ...}`; after a run it also caches
`access_token` and `expires_at`, and a refresh token Spotify rotated is written back, otherwise the next run
would present a revoked one. No value read here is ever logged, returned in a summary or written to S3.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from spotipy.cache_handler import CacheHandler

from contracts.operator_secrets import SecretError, read_secret_object, require_keys

log = logging.getLogger(__name__)
# botocore logs request and response bodies at DEBUG, secret values included; whatever level the function runs
# at, those records are never emitted.
logging.getLogger("botocore").setLevel(max(logging.INFO, logging.getLogger("botocore").level))


class CredentialsError(Exception):
    """A secret is missing, empty, malformed or refused by Spotify; the message says which and how to fix it."""


@dataclass(frozen=True)
class AppCredentials:
    client_id: str
    client_secret: str = field(repr=False)


def _secrets_client() -> Any:
    return boto3.client("secretsmanager")


def set_app_secret_command(secret_id: str) -> str:
    return (
        f"aws secretsmanager put-secret-value --secret-id {secret_id} "
        """--secret-string '{"client_id":"<client id>","client_secret":"<client secret>"}'"""
    )


def set_user_token_command(secret_id: str, scope: str) -> str:
    return (
        f"aws secretsmanager put-secret-value --secret-id {secret_id} "
        f"""--secret-string '{{"refresh_token":"<refresh token>","scope":"{scope}"}}'"""
    )


def _read_secret_json(secret_id: str, how_to_set: str, required: tuple[str, ...]) -> dict[str, Any]:
    """The secret's JSON object with each `required` key a non-empty string (contracts.operator_secrets)."""
    fix = f"set it with: {how_to_set}"
    try:
        value = read_secret_object(secret_id, fix)
        require_keys(value, required, secret_id, fix)
    except SecretError as error:
        raise CredentialsError(str(error)) from None
    return value


def read_app_credentials(secret_id: str) -> AppCredentials:
    how_to_set = set_app_secret_command(secret_id)
    value = _read_secret_json(secret_id, how_to_set, required=("client_id", "client_secret"))
    return AppCredentials(client_id=value["client_id"].strip(), client_secret=value["client_secret"].strip())


def read_user_token(secret_id: str, required_scope: str) -> dict[str, Any]:
    """The stored token_info, checked to carry a refresh token and every scope the selected sources need."""
    how_to_set = set_user_token_command(secret_id, required_scope)
    token_info = _read_secret_json(secret_id, how_to_set, required=("refresh_token",))
    granted = set(str(token_info.get("scope") or "").split())
    missing = sorted(set(required_scope.split()) - granted)
    if missing:
        raise CredentialsError(
            f"secret {secret_id!r} lacks the scope {' '.join(missing)} the selected user sources need; "
            f"authorize the app with scope {required_scope!r} and set it with: {how_to_set}"
        )
    return token_info


class SecretsManagerTokenCache(CacheHandler):
    """spotipy's token cache backed by the user token secret.

    Reads come from memory (the secret is read once a run). A saved token is written back to the secret when it
    differs from what is stored: a new access token (cached for a re-run within the hour) or a rotated refresh
    token (which Spotify may issue on any refresh; losing it would lock the pipeline out).
    """

    def __init__(self, secret_id: str, token_info: dict[str, Any]) -> None:
        self.secret_id = secret_id
        self._lock = threading.Lock()
        self._token_info = dict(token_info)
        self._granted_scope = token_info.get("scope")

    def get_cached_token(self) -> dict[str, Any]:
        with self._lock:
            token_info = copy.deepcopy(self._token_info)
        # An operator-set secret has no expiry: spotipy then treats it as expired and refreshes.
        token_info.setdefault("expires_at", 0)
        return token_info

    def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
        # spotipy stores the scope this run asked for, not the scope the user granted; keeping the granted one
        # lets a later run that selects more sources use the same token.
        token_info = {**token_info, "scope": self._granted_scope or token_info.get("scope")}
        with self._lock:
            changed = token_info != self._token_info
            rotated = token_info.get("refresh_token") != self._token_info.get("refresh_token")
            self._token_info = dict(token_info)
        if not changed:
            return
        try:
            _secrets_client().put_secret_value(SecretId=self.secret_id, SecretString=json.dumps(token_info))
        except (ClientError, BotoCoreError) as error:
            if rotated:
                # The run goes on with the token in memory; the operator must act before the next run.
                log.error(
                    "Spotify rotated the refresh token but secret %r could not be updated (%s): the next run will "
                    "be refused; grant secretsmanager:PutSecretValue on it, then re-authorize and set it with: %s",
                    self.secret_id,
                    type(error).__name__,
                    set_user_token_command(self.secret_id, str(token_info.get("scope", ""))),
                )
            else:
                log.warning("could not cache the access token in secret %r (%s)", self.secret_id, type(error).__name__)
            return
        if rotated:
            log.info("stored the rotated refresh token in secret %r", self.secret_id)

    def expire_access_token(self) -> None:
        """Forget the access token in memory (the API refused it), so the next request refreshes it."""
        with self._lock:
            self._token_info["expires_at"] = 0


class MemoryTokenCache(CacheHandler):
    """In-memory cache for the app token (client credentials need no storage: a new token costs one request)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._token_info: dict[str, Any] | None = None

    def get_cached_token(self) -> dict[str, Any] | None:
        with self._lock:
            return copy.deepcopy(self._token_info)

    def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
        with self._lock:
            self._token_info = dict(token_info)

    def expire_access_token(self) -> None:
        with self._lock:
            if self._token_info is not None:
                self._token_info["expires_at"] = 0
