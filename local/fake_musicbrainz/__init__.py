"""A fake MusicBrainz web service (ISRC lookups) for the local runtime and the tests.

`FakeMusicBrainz` serves the recordings of the fake Spotify catalog's ISRCs (`MusicBrainzCatalog`) over real HTTP,
in the real service's JSON shapes, with its one-request-per-second rule (503 when called faster) and the fake
Spotify's fault injection (`FaultPlan`). Run it alone with `python -m local.fake_musicbrainz --help`.
"""

from local.fake_musicbrainz.catalog import MusicBrainzCatalog
from local.fake_musicbrainz.server import FakeMusicBrainz, LoggedLookup

__all__ = ["FakeMusicBrainz", "LoggedLookup", "MusicBrainzCatalog"]
