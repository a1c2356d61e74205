"""HTTP to the Spotify Web API through spotipy, with the raw status, headers and body of every response.

spotipy parses bodies (a malformed one silently becomes None), raises on error statuses, and retries 429 and 5xx
inside urllib3, sleeping the whole `Retry-After` (up to an hour). Here each worker thread gets its own spotipy
clients over its own `requests` session with no retry adapter; the session keeps the last response it received,
so the caller sees exactly what came back and decides about retries itself (extract.requester).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
import spotipy

from extract.auth import token_fingerprint

# spotipy logs every request's headers (the bearer token) at DEBUG and every error status at ERROR; the extractor
# logs each outcome itself, so spotipy's own records would only risk leaking a token and duplicate the rest.
logging.getLogger("spotipy").setLevel(logging.CRITICAL)

SpotifyCall = Callable[["SpotifyClient"], Any]


class SpotifyClient(spotipy.Spotify):
    """spotipy's client, plus the pre-2026 playlist items endpoint spotipy 2.26 no longer calls."""

    def playlist_tracks_legacy(self, playlist_id: str, limit: int, offset: int, additional_types: str) -> Any:
        # Extended-Quota apps keep /playlists/{id}/tracks, which serves 100 items a page to /items' 50.
        return self._get(
            f"playlists/{playlist_id}/tracks", limit=limit, offset=offset, additional_types=additional_types
        )


class _CapturingSession(requests.Session):
    """A session (one per thread) that keeps the last response it received."""

    last_response: requests.Response | None = None

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        response = super().request(*args, **kwargs)
        self.last_response = response
        return response


@dataclass(frozen=True)
class Exchange:
    """One request and its response; `status` None means no response came (connection error, timeout)."""

    status: int | None
    url: str
    headers: Mapping[str, str]
    content: bytes
    failure: str | None = None
    token_fingerprint: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        # JSON is UTF-8 (RFC 8259); guessing an encoding would garble non-ASCII names.
        return self.content.decode("utf-8", errors="replace")


class SpotifyTransport:
    def __init__(self, api_url: str, timeout_seconds: float, auth_managers: Mapping[str, Any]) -> None:
        self._api_url = api_url
        self._timeout = timeout_seconds
        self._auth_managers = auth_managers
        self._local = threading.local()

    def send(self, auth: str, call: SpotifyCall) -> Exchange:
        """Run one spotipy call with the `auth` ("user" or "app") token and return what the API answered.

        Raises CredentialsError (the secret needs fixing) or TokenEndpointUnavailable (retry) from the token flow.
        """
        client, session = self._client(auth)
        session.last_response = None
        try:
            call(client)
        except spotipy.SpotifyException as error:
            if session.last_response is None:  # refused before sending (e.g. an id spotipy cannot parse)
                return Exchange(status=error.http_status, url="", headers={}, content=b"", failure=error.msg)
        except requests.RequestException as error:
            url = getattr(getattr(error, "request", None), "url", None) or ""
            return Exchange(status=None, url=url, headers={}, content=b"", failure=type(error).__name__)
        response = session.last_response
        if response is None:
            raise RuntimeError("spotipy returned without sending a request")
        authorization = response.request.headers.get("Authorization", "")
        return Exchange(
            status=response.status_code,
            url=response.request.url or response.url,
            headers=dict(response.headers),
            content=response.content,
            token_fingerprint=token_fingerprint(authorization.removeprefix("Bearer ") or None),
        )

    def forget_token(self, auth: str, fingerprint: str | None) -> None:
        self._auth_managers[auth].forget_token(fingerprint)

    def _client(self, auth: str) -> tuple[SpotifyClient, _CapturingSession]:
        clients = getattr(self._local, "clients", None)
        if clients is None:
            clients = self._local.clients = {}
        if auth not in clients:
            session = _CapturingSession()
            client = SpotifyClient(
                auth_manager=self._auth_managers[auth],
                requests_session=session,  # a plain session: no urllib3 retries, statuses come back as they are
                requests_timeout=self._timeout,
            )
            client.prefix = self._api_url
            clients[auth] = (client, session)
        return clients[auth]
