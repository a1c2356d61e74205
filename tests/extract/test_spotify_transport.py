"""spotipy over HTTP with nothing hidden: the status, headers and body as sent, no retries or sleeps inside."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from extract import endpoints as ep
from extract.auth import ClientCredentialsAuth
from extract.credentials import AppCredentials
from extract.transport import SpotifyTransport
from local.fake_spotify import FakeSpotify


@pytest.fixture
def transport(spotify: FakeSpotify) -> SpotifyTransport:
    app = AppCredentials(spotify.client_id, spotify.client_secret)
    auth = ClientCredentialsAuth(app, "client-secret-id", spotify.token_url, timeout=5)
    return SpotifyTransport(spotify.api_url, 5, {ep.APP: auth})


def catalog_ids(spotify: FakeSpotify, count: int) -> list[str]:
    return sorted(spotify.catalog.artists)[:count]


def test_a_page_comes_back_with_status_url_and_body(spotify: FakeSpotify, transport: SpotifyTransport) -> None:
    artist_id = catalog_ids(spotify, 1)[0]
    exchange = transport.send(ep.APP, lambda sp: sp.artist(artist_id))
    assert exchange.status == 200
    assert exchange.url == f"{spotify.api_url}artists/{artist_id}"
    assert f'"id":"{artist_id}"' in exchange.text


def test_a_429_is_returned_at_once_with_its_retry_after(spotify: FakeSpotify, transport: SpotifyTransport) -> None:
    # Given a 429 asking for an hour: spotipy's own retries would sleep it out
    spotify.faults.rate_limit("^/v1/artists/", retry_after=3600, times=1)
    exchange = transport.send(ep.APP, lambda sp: sp.artist(catalog_ids(spotify, 1)[0]))
    # Then the caller sees it, after a single request
    assert (exchange.status, exchange.headers["Retry-After"]) == (429, "3600")
    assert [r.status for r in spotify.requests if r.path.startswith("/v1/")] == [429]


def test_server_errors_are_not_retried_inside(spotify: FakeSpotify, transport: SpotifyTransport) -> None:
    spotify.faults.server_errors("^/v1/artists/", status=502, times=3)
    exchange = transport.send(ep.APP, lambda sp: sp.artist(catalog_ids(spotify, 1)[0]))
    assert exchange.status == 502
    assert len([r for r in spotify.requests if r.path.startswith("/v1/")]) == 1


def test_a_malformed_body_is_visible_as_text(spotify: FakeSpotify, transport: SpotifyTransport) -> None:
    spotify.faults.malformed_json("^/v1/artists/")
    exchange = transport.send(ep.APP, lambda sp: sp.artist(catalog_ids(spotify, 1)[0]))
    assert exchange.status == 200
    assert exchange.text.startswith('{"') and not exchange.text.endswith("}")


def test_a_dropped_connection_is_an_exchange_without_status(spotify: FakeSpotify, transport: SpotifyTransport) -> None:
    spotify.faults.drop_connection("^/v1/artists/")
    exchange = transport.send(ep.APP, lambda sp: sp.artist(catalog_ids(spotify, 1)[0]))
    assert exchange.status is None
    assert exchange.failure == "ConnectionError"


def test_concurrent_workers_each_see_their_own_response(spotify: FakeSpotify, transport: SpotifyTransport) -> None:
    ids = catalog_ids(spotify, 24)
    with ThreadPoolExecutor(6) as pool:
        exchanges = list(pool.map(lambda i: transport.send(ep.APP, lambda sp: sp.artist(i)), ids))
    assert [e.url.rsplit("/", 1)[1] for e in exchanges] == ids
    assert all(f'"id":"{i}"' in e.text for i, e in zip(ids, exchanges, strict=True))
