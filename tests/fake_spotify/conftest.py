"""Fixtures for the fake Spotify's tests: running servers in both API modes and the OpenAPI contract."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.fake_spotify import FakeSpotify
from tests.fake_spotify.clients import DAY
from tests.fake_spotify.openapi_contract import SPEC_PATH, OpenApiContract


@pytest.fixture(scope="session")
def development_server() -> Iterator[FakeSpotify]:
    """Shared by tests that only read; tests that change faults, the day or tokens use `server`."""
    with FakeSpotify(seed=42, size=300, mode="development", day=DAY) as fake:
        yield fake


@pytest.fixture(scope="session")
def extended_server() -> Iterator[FakeSpotify]:
    with FakeSpotify(seed=42, size=300, mode="extended", day=DAY) as fake:
        yield fake


@pytest.fixture(params=["development", "extended"])
def mode_server(request: pytest.FixtureRequest) -> FakeSpotify:
    """The shared server of each API mode in turn."""
    return request.getfixturevalue(f"{request.param}_server")


@pytest.fixture
def server() -> Iterator[FakeSpotify]:
    """A fresh development-mode server this test may change."""
    with FakeSpotify(seed=7, size=120, mode="development", day=DAY) as fake:
        yield fake


@pytest.fixture(scope="session")
def openapi() -> OpenApiContract:
    if not SPEC_PATH.is_file():
        pytest.skip(f"the public OpenAPI description is not at {SPEC_PATH.resolve()} (it lives outside the repository)")
    return OpenApiContract(SPEC_PATH)
