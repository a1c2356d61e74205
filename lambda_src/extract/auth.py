"""spotipy auth managers for an unattended run: the user's stored refresh token and the app's client credentials.

Both point at the configured token URL (`OAUTH_TOKEN_URL` on the instance), get a token under a lock (worker
threads share them, and two concurrent refreshes could each rotate the refresh token), can forget a token the API
refused (401), and never fall into spotipy's interactive browser flow: a Lambda has nobody to log in.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import requests
from spotipy.exceptions import SpotifyOauthError
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOAuth

from extract.credentials import (
    AppCredentials,
    CredentialsError,
    MemoryTokenCache,
    SecretsManagerTokenCache,
    set_app_secret_command,
    set_user_token_command,
)

# Never used: the refresh-token flow sends no redirect, but spotipy requires one. 127.0.0.1, as Spotify demands
# of loopback redirect URIs since 2025-11.
UNUSED_REDIRECT_URI = "http://127.0.0.1:8888/callback"


class TokenEndpointUnavailable(Exception):
    """The token endpoint failed transiently (5xx or no response): retried like any API request."""


class _TokenSession(requests.Session):
    """Keeps the last token response, so a refusal (4xx: fix the secret) is told from an outage (5xx: retry)."""

    last_status: int | None = None

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        self.last_status = None
        response = super().request(*args, **kwargs)
        self.last_status = response.status_code
        return response


def _no_answer(error: requests.RequestException) -> TokenEndpointUnavailable:
    # Includes a token body that is not JSON (requests' JSONDecodeError is a RequestException).
    return TokenEndpointUnavailable(f"the token endpoint gave no usable answer ({type(error).__name__})")


def token_fingerprint(access_token: str | None) -> str | None:
    """A one-way digest to recognise a token without keeping or logging it."""
    return hashlib.sha256(access_token.encode()).hexdigest() if access_token else None


class _TokenManagement:
    """What both auth managers add to spotipy's: a lock, forgetting a refused token, explaining failures."""

    _lock: threading.Lock
    _token_session: _TokenSession
    cache_handler: Any

    def forget_token(self, fingerprint: str | None) -> None:
        """The API answered 401 to the token with this fingerprint: refresh on the next request, unless another
        worker has refreshed it already."""
        with self._lock:
            cached = self.cache_handler.get_cached_token() or {}
            if fingerprint is None or token_fingerprint(cached.get("access_token")) == fingerprint:
                self.cache_handler.expire_access_token()

    def _explain(self, error: Exception) -> Exception:
        status = self._token_session.last_status
        if status is None or status >= 500:
            return TokenEndpointUnavailable(f"the token endpoint answered {status or 'nothing'}")
        return self._refusal(status, error)

    def _refusal(self, status: int, error: Exception) -> CredentialsError:
        raise NotImplementedError


class RefreshTokenAuth(_TokenManagement, SpotifyOAuth):
    def __init__(
        self, app: AppCredentials, cache: SecretsManagerTokenCache, scope: str, token_url: str, timeout: float
    ) -> None:
        self._lock = threading.Lock()
        self._token_session = _TokenSession()
        super().__init__(
            client_id=app.client_id,
            client_secret=app.client_secret,
            redirect_uri=UNUSED_REDIRECT_URI,
            scope=scope,
            cache_handler=cache,
            requests_session=self._token_session,
            requests_timeout=timeout,
            open_browser=False,
        )
        self.OAUTH_TOKEN_URL = token_url
        self._secret_id = cache.secret_id

    def get_access_token(self, code: Any = None, as_dict: bool = False, check_cache: bool = True) -> Any:
        with self._lock:
            try:
                return super().get_access_token(code=code, as_dict=as_dict, check_cache=check_cache)
            except SpotifyOauthError as error:
                raise self._explain(error) from None
            except requests.RequestException as error:
                raise _no_answer(error) from None

    def get_auth_response(self, open_browser: Any = None) -> str:
        # spotipy asks for an interactive login when the cached token cannot be used; here that is the operator's
        # job, done once outside the Lambda.
        raise CredentialsError(
            f"the token in secret {self._secret_id!r} cannot be refreshed without a new login; authorize the app "
            f"with scope {self.scope!r} and set it with: {set_user_token_command(self._secret_id, self.scope)}"
        )

    def _refusal(self, status: int, error: Exception) -> CredentialsError:
        reason = getattr(error, "error", None) or f"HTTP {status}"
        return CredentialsError(
            f"Spotify refused the refresh token in secret {self._secret_id!r} ({reason}); authorize the app again "
            f"and set it with: {set_user_token_command(self._secret_id, self.scope)}"
        )


class ClientCredentialsAuth(_TokenManagement, SpotifyClientCredentials):
    def __init__(self, app: AppCredentials, secret_id: str, token_url: str, timeout: float) -> None:
        self._lock = threading.Lock()
        self._token_session = _TokenSession()
        super().__init__(
            client_id=app.client_id,
            client_secret=app.client_secret,
            cache_handler=MemoryTokenCache(),
            requests_session=self._token_session,
            requests_timeout=timeout,
        )
        self.OAUTH_TOKEN_URL = token_url
        self._secret_id = secret_id

    def get_access_token(self, as_dict: bool = False, check_cache: bool = True) -> Any:
        with self._lock:
            try:
                return super().get_access_token(as_dict=as_dict, check_cache=check_cache)
            except SpotifyOauthError as error:
                raise self._explain(error) from None
            except requests.RequestException as error:
                raise _no_answer(error) from None

    def _refusal(self, status: int, error: Exception) -> CredentialsError:
        reason = getattr(error, "error", None) or f"HTTP {status}"
        return CredentialsError(
            f"Spotify refused the client id and secret in secret {self._secret_id!r} ({reason}); "
            f"set the app's credentials with: {set_app_secret_command(self._secret_id)}"
        )
