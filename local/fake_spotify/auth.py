"""Accounts service of the fake Spotify: the token endpoint and the bearer tokens the API accepts.

`POST /api/token` takes HTTP Basic client authentication (or `client_id`/`client_secret` in the form) and the
grants `client_credentials` (an app token: catalog endpoints only) and `refresh_token` (a user token with the
granted `scope`; the answer repeats `scope` and, when rotation is on, carries a new `refresh_token`). Errors use
the accounts service's shape: `{"error": "invalid_grant", "error_description": "..."}`.

The client id, secret and first refresh token derive from the seed, so a restarted server accepts the same
credentials. A rotated refresh token is revoked once used: stricter than Spotify, so a client that loses the
new token fails at once instead of weeks later.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from local.fake_spotify import names

APP = "app"
USER = "user"
# Everything the extraction reads; Spotify returns the granted scopes space-separated.
DEFAULT_USER_SCOPE = (
    "playlist-read-private playlist-read-collaborative user-library-read user-read-recently-played "
    "user-top-read user-read-private user-read-email"
)


@dataclass
class AccessToken:
    value: str
    kind: str  # APP or USER
    scope: frozenset[str]
    expires_at: float  # on the service's clock
    revoked: bool = False


@dataclass(frozen=True)
class AuthProblem:
    """Why a request's bearer token is not accepted: the API's status and message."""

    status: int
    message: str


@dataclass(frozen=True)
class TokenAnswer:
    status: int
    body: dict[str, object]


class TokenService:
    def __init__(
        self,
        seed: int,
        ttl_seconds: int,
        rotate_refresh_token: bool,
        user_scope: str = DEFAULT_USER_SCOPE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl_seconds < 1:
            raise ValueError(f"token_ttl_seconds={ttl_seconds} must be at least 1")
        self.client_id = names.hex_digest("fake-spotify", seed, "client-id", length=32)
        self.client_secret = names.hex_digest("fake-spotify", seed, "client-secret", length=32)
        self.user_scope = " ".join(user_scope.split())
        self.ttl_seconds = ttl_seconds
        self.rotate_refresh_token = rotate_refresh_token
        self._clock = clock
        self._lock = threading.Lock()
        first_refresh = "AQ" + "".join(names.spotify_id("fake-spotify", seed, "refresh", n) for n in range(3))
        self._refresh_tokens: dict[str, frozenset[str]] = {first_refresh: frozenset(self.user_scope.split())}
        self._revoked_refresh: set[str] = set()
        self._latest_refresh = first_refresh
        self._tokens: dict[str, AccessToken] = {}

    @property
    def refresh_token(self) -> str:
        """The refresh token that works now (the latest one when rotation is on)."""
        with self._lock:
            return self._latest_refresh

    # -- the token endpoint ------------------------------------------------------------------------------------
    def token_request(self, form: dict[str, str], authorization: str | None) -> TokenAnswer:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
                client_id, _, client_secret = decoded.partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return _oauth_error("invalid_client", "Invalid client")
        if client_id != self.client_id:
            return _oauth_error("invalid_client", "Invalid client")
        if client_secret != self.client_secret:
            return _oauth_error("invalid_client", "Invalid client secret")
        grant_type = form.get("grant_type")
        if not grant_type:
            return _oauth_error("unsupported_grant_type", "grant_type parameter is missing")
        if grant_type == "client_credentials":
            token = self._issue(APP, frozenset())
            body = {"access_token": token.value, "token_type": "Bearer", "expires_in": self.ttl_seconds}
            return TokenAnswer(200, body)
        if grant_type == "refresh_token":
            return self._refresh(form.get("refresh_token"))
        if grant_type == "authorization_code":
            return _oauth_error("invalid_grant", "Invalid authorization code")
        return _oauth_error(
            "unsupported_grant_type", "grant_type must be client_credentials, authorization_code or refresh_token"
        )

    def _refresh(self, refresh_token: str | None) -> TokenAnswer:
        if not refresh_token:
            return _oauth_error("invalid_request", "refresh_token must be supplied")
        with self._lock:
            if refresh_token in self._revoked_refresh:
                return _oauth_error("invalid_grant", "Refresh token revoked")
            scope = self._refresh_tokens.get(refresh_token)
            if scope is None:
                return _oauth_error("invalid_grant", "Invalid refresh token")
            body: dict[str, object] = {}
            if self.rotate_refresh_token:
                new_refresh = "AQ" + secrets.token_urlsafe(64)
                del self._refresh_tokens[refresh_token]
                self._revoked_refresh.add(refresh_token)
                self._refresh_tokens[new_refresh] = scope
                self._latest_refresh = new_refresh
                body["refresh_token"] = new_refresh
        token = self._issue(USER, scope)
        return TokenAnswer(
            200,
            {
                "access_token": token.value,
                "token_type": "Bearer",
                "expires_in": self.ttl_seconds,
                "scope": " ".join(sorted(scope)),
                **body,
            },
        )

    def _issue(self, kind: str, scope: frozenset[str]) -> AccessToken:
        token = AccessToken("BQ" + secrets.token_urlsafe(90), kind, scope, self._clock() + self.ttl_seconds)
        with self._lock:
            self._tokens[token.value] = token
        return token

    # -- the API side -----------------------------------------------------------------------------------------
    def authenticate(self, authorization: str | None) -> AccessToken | AuthProblem:
        if not authorization:
            return AuthProblem(401, "No token provided")
        scheme, _, value = authorization.partition(" ")
        if scheme != "Bearer" or not value.strip():
            return AuthProblem(400, "Only valid bearer authentication supported")
        with self._lock:
            token = self._tokens.get(value.strip())
        if token is None:
            return AuthProblem(401, "Invalid access token")
        if token.revoked or self._clock() >= token.expires_at:
            return AuthProblem(401, "The access token expired")
        return token

    def issued_access_tokens(self) -> list[str]:
        """Every access token issued so far (tests check none of them leaks into stored data)."""
        with self._lock:
            return list(self._tokens)

    def expire_all(self) -> int:
        """Expire every access token issued so far (a fault); returns how many were still valid."""
        now = self._clock()
        with self._lock:
            live = [t for t in self._tokens.values() if not t.revoked and now < t.expires_at]
            for token in live:
                token.revoked = True
        return len(live)


def _oauth_error(error: str, description: str) -> TokenAnswer:
    return TokenAnswer(400, {"error": error, "error_description": description})
