"""Helpers the fake Spotify's tests share: tokens, spotipy clients as the extraction builds them, catalog picks."""

from __future__ import annotations

from datetime import date

import requests
import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOAuth

from local.fake_spotify import FakeSpotify
from local.fake_spotify.catalog import Relation

DAY = date(2026, 11, 24)  # a Tuesday


def user_token(fake: FakeSpotify) -> str:
    response = requests.post(
        fake.token_url,
        data={"grant_type": "refresh_token", "refresh_token": fake.refresh_token},
        auth=(fake.client_id, fake.client_secret),
        timeout=5,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def app_token(fake: FakeSpotify) -> str:
    response = requests.post(
        fake.token_url, data={"grant_type": "client_credentials"}, auth=(fake.client_id, fake.client_secret), timeout=5
    )
    response.raise_for_status()
    return response.json()["access_token"]


def api_get(fake: FakeSpotify, path: str, token: str | None, **params: str) -> requests.Response:
    """GET an API path (`/me/tracks`) with a bearer token, no retries."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(fake.base_url + "/v1" + path, params=params, headers=headers, timeout=5)


def user_client(fake: FakeSpotify, **options: object) -> spotipy.Spotify:
    """spotipy as the extraction uses it: refresh-token flow, the fake's token URL and API prefix."""
    cache = MemoryCacheHandler(
        {
            "access_token": "expired",
            "token_type": "Bearer",
            "expires_in": 0,
            "expires_at": 0,
            "refresh_token": fake.refresh_token,
            "scope": fake.user_scope,
        }
    )
    auth = SpotifyOAuth(
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        redirect_uri="http://127.0.0.1:8888/callback",
        scope=fake.user_scope,
        cache_handler=cache,
        open_browser=False,
    )
    auth.OAUTH_TOKEN_URL = fake.token_url
    client = spotipy.Spotify(auth_manager=auth, **options)  # type: ignore[arg-type]
    client.prefix = fake.api_url
    return client


def app_client(fake: FakeSpotify) -> spotipy.Spotify:
    # An in-memory token cache: spotipy's default writes a `.cache` file into the working directory.
    auth = SpotifyClientCredentials(
        client_id=fake.client_id, client_secret=fake.client_secret, cache_handler=MemoryCacheHandler()
    )
    auth.OAUTH_TOKEN_URL = fake.token_url
    client = spotipy.Spotify(auth_manager=auth)
    client.prefix = fake.api_url
    return client


def playlist_ids(fake: FakeSpotify, relation: str) -> list[str]:
    return [p.id for p in fake.catalog.playlists.values() if p.relation == relation]


def big_playlist_id(fake: FakeSpotify) -> str:
    """The user's first playlist: several pages, a removed track, local files and a duplicate."""
    return playlist_ids(fake, Relation.OWNED)[0]


def episodes_playlist_id(fake: FakeSpotify) -> str:
    """The user's second playlist: podcast episodes between the songs."""
    return playlist_ids(fake, Relation.OWNED)[1]


def old_playlist_id(fake: FakeSpotify) -> str:
    """The user's third playlist: from before Spotify recorded added_at and added_by."""
    return playlist_ids(fake, Relation.OWNED)[2]
