"""A fake Spotify Web API and accounts service for the local runtime, the tests and the benchmarks.

`FakeSpotify` serves a deterministic synthetic catalog (`Catalog`) over real HTTP, in the shapes and with the
restrictions of the real API in late 2026 (development or extended mode), with faults on demand (`FaultPlan`).
Run it alone with `python -m local.fake_spotify --help`.
"""

from local.fake_spotify.catalog import Catalog
from local.fake_spotify.faults import FaultPlan, FaultRule
from local.fake_spotify.server import FakeSpotify, LoggedRequest

__all__ = ["Catalog", "FakeSpotify", "FaultPlan", "FaultRule", "LoggedRequest"]
