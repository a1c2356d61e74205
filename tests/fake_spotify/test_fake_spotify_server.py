"""`FakeSpotify` as a process component (`local.fake_spotify.server`): life cycle, addresses, log, latency."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from local.fake_spotify import FakeSpotify, LoggedRequest
from tests.fake_spotify.clients import DAY, api_get, user_token


def test_it_listens_on_a_free_loopback_port_and_names_its_urls() -> None:
    with FakeSpotify(seed=1, size=60, day=DAY) as fake:
        host, port = fake.base_url.removeprefix("http://").split(":")
        assert host == "127.0.0.1" and int(port) > 0
        assert fake.api_url == fake.base_url + "/v1/"
        assert fake.token_url == fake.base_url + "/api/token"


def test_start_returns_the_server_and_stop_closes_even_kept_alive_connections() -> None:
    fake = FakeSpotify(seed=1, size=60, day=DAY).start()
    session = requests.Session()  # keeps its connection open between requests
    token = session.post(
        fake.token_url, data={"grant_type": "client_credentials"}, auth=(fake.client_id, fake.client_secret), timeout=5
    ).json()["access_token"]
    url = fake.api_url + f"tracks/{fake.catalog.track_ids[0]}"
    assert session.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5).ok
    fake.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5)
    fake.stop()  # a second stop does nothing


def test_urls_need_a_started_server() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        _ = FakeSpotify(seed=1, size=60, day=DAY).base_url


def test_a_port_in_use_is_named() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=f"cannot listen on 127.0.0.1:{port}"):
            FakeSpotify(seed=1, size=60, day=DAY, port=port).start()


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        ({"mode": "premium"}, "mode 'premium' is unknown; use one of: development, extended"),
        ({"latency_ms": -1}, "latency_ms=-1 must be 0 or more"),
        ({"token_ttl_seconds": 0}, "token_ttl_seconds=0 must be at least 1"),
        ({"size": 5}, "use 30 to 200000 tracks"),
    ],
)
def test_bad_options_are_refused_with_what_to_change(options: dict, complaint: str) -> None:
    with pytest.raises(ValueError) as refused:
        FakeSpotify(day=DAY, **options)
    assert complaint in str(refused.value)


def test_the_request_log_records_method_path_query_and_status(server: FakeSpotify) -> None:
    token = user_token(server)
    api_get(server, "/me/top/tracks", token, time_range="short_term", limit="5")
    api_get(server, "/tracks/not-an-id", token)
    assert server.requests == [
        LoggedRequest("POST", "/api/token", {}, 200),
        LoggedRequest("GET", "/v1/me/top/tracks", {"time_range": "short_term", "limit": "5"}, 200),
        LoggedRequest("GET", "/v1/tracks/not-an-id", {}, 400),
    ]
    method, path, query, status = server.requests[1]  # plain tuples for callers that unpack
    assert (method, path, query, status) == (
        "GET",
        "/v1/me/top/tracks",
        {"time_range": "short_term", "limit": "5"},
        200,
    )
    server.reset_requests()
    assert server.requests == []


def test_it_serves_concurrent_clients(server: FakeSpotify) -> None:
    token = user_token(server)
    paths = ["/me", "/me/tracks", "/me/playlists", "/me/top/artists", "/me/player/recently-played"] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda path: api_get(server, path, token).status_code, paths))
    assert statuses == [200] * len(paths)
    assert len(server.requests) == len(paths) + 1


def test_latency_is_added_to_every_request(server: FakeSpotify) -> None:
    # A latency above the client's timeout shows it is applied (no clock is read here).
    server.latency_ms = 400
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(server.token_url, data={"grant_type": "client_credentials"}, timeout=0.1)
    server.latency_ms = 0
    assert user_token(server)


def test_non_ascii_text_is_sent_as_utf_8(development_server: FakeSpotify) -> None:
    response = api_get(development_server, "/me", user_token(development_server))
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "Zoë Ångström".encode() in response.content
