"""What the fake MusicBrainz knows: the fake Spotify catalog's recordings, by ISRC, in the web service's JSON shapes.

Derived only from the fake Spotify `Catalog` (its seed and size), so the same catalog always gives the same answers.
Like the real database, it is incomplete and untidy, and every catalog carries each quirk at least once:

- some ISRCs are not in MusicBrainz at all (the lookup answers 404);
- some ISRCs have several recordings (a remaster shares the original's code);
- a single and the album that repeats it are one recording (one ISRC) on two releases;
- some releases have no label (`label-info` is empty);
- community genres for artists Spotify gives none (and Spotify gives none at all in development mode).

Shapes follow `GET /ws/2/isrc/<isrc>?inc=releases+artist-credits+tags+genres&fmt=json`: `{"isrc", "recordings":
[{"id", "title", "length", "artist-credit": [{"name", "joinphrase", "artist": {..., "genres", "tags"}}], "releases":
[{"id", "title", "status", "date", "country", "release-events", "label-info": [{"catalog-number", "label"}]}],
"genres", "tags"}]}`.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from local.fake_spotify.catalog import Album, Artist, Catalog, Track

# Release countries as MusicBrainz gives them; XW is its code for a worldwide (digital) release.
COUNTRIES = {"GB": "United Kingdom", "US": "United States", "DE": "Germany", "SE": "Sweden", "JP": "Japan",
             "FR": "France", "XW": "[Worldwide]"}  # fmt: skip
# Community genres MusicBrainz has where Spotify has none for an artist.
COMMUNITY_GENRES = ("electronic", "rock", "pop", "folk", "jazz", "hip hop", "ambient", "synth-pop")
# Shares of the catalog's ISRCs with each quirk (the first ISRCs always carry them, see `MusicBrainzCatalog`).
MISSING_SHARE = 0.1
SEVERAL_RECORDINGS_SHARE = 0.1
NO_LABEL_SHARE = 0.15


def mbid(*parts: object) -> str:
    """A MusicBrainz identifier (a UUID) derived only from `parts`."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "fake-musicbrainz:" + ":".join(map(str, parts))))


def _genre(name: str, count: int) -> dict[str, Any]:
    return {"id": mbid("genre", name), "name": name, "count": count, "disambiguation": ""}


@dataclass
class MusicBrainzCatalog:
    """The recordings of a fake Spotify catalog's ISRCs; `lookup(isrc)` is the ISRC resource's body, or None."""

    spotify: Catalog
    missing_isrcs: frozenset[str] = field(init=False)
    several_recordings_isrcs: frozenset[str] = field(init=False)
    unlabelled_album_ids: frozenset[str] = field(init=False)
    _tracks_by_isrc: dict[str, list[Track]] = field(init=False, repr=False)
    _artist_genres: dict[str, tuple[str, ...]] = field(init=False, repr=False)
    _countries: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        rng = random.Random(f"fake-musicbrainz:{self.spotify.seed}")
        self._tracks_by_isrc = {}
        for track_id in self.spotify.track_ids:
            track = self.spotify.tracks[track_id]
            self._tracks_by_isrc.setdefault(track.isrc, []).append(track)
        isrcs = list(self._tracks_by_isrc)
        # The second ISRC is always missing and the third always has two recordings; the rest by chance.
        missing, several = {isrcs[1]}, {isrcs[2]}
        for isrc in isrcs[3:]:
            roll = rng.random()
            if roll < MISSING_SHARE:
                missing.add(isrc)
            elif roll < MISSING_SHARE + SEVERAL_RECORDINGS_SHARE:
                several.add(isrc)
        self.missing_isrcs, self.several_recordings_isrcs = frozenset(missing), frozenset(several)
        albums = list(self.spotify.albums)
        self.unlabelled_album_ids = frozenset([albums[0], *(a for a in albums[1:] if rng.random() < NO_LABEL_SHARE)])
        self._countries = {a: rng.choice(sorted(COUNTRIES)) for a in albums}
        self._artist_genres = {}
        for artist in self.spotify.artists.values():
            # The community tags an artist Spotify lists no genre for (all but "Various Artists", as in MusicBrainz).
            community = (
                () if artist.id == self.spotify.various_artists_id else rng.sample(COMMUNITY_GENRES, rng.choice((1, 2)))
            )
            self._artist_genres[artist.id] = artist.genres or tuple(community)

    @property
    def isrcs(self) -> list[str]:
        """Every ISRC of the Spotify catalog, in catalog order (missing ones included)."""
        return list(self._tracks_by_isrc)

    def lookup(self, isrc: str) -> dict[str, Any] | None:
        """The body of `/ws/2/isrc/<isrc>` with releases, artist credits, tags and genres; None when unknown."""
        tracks = self._tracks_by_isrc.get(isrc.upper())
        if tracks is None or isrc.upper() in self.missing_isrcs:
            return None
        original = self._recording(tracks, remaster=False)
        recordings = [original]
        if isrc.upper() in self.several_recordings_isrcs:
            recordings.append(self._recording(tracks[:1], remaster=True))
        return {"isrc": isrc.upper(), "recordings": recordings}

    def recording_id(self, isrc: str, remaster: bool = False) -> str:
        return mbid("recording", isrc, "remaster" if remaster else "original")

    def artist_id(self, artist_id: str) -> str:
        return mbid("artist", artist_id)

    def release_id(self, album_id: str, remaster: bool = False) -> str:
        return mbid("release", album_id, "remaster" if remaster else "original")

    def genres_of(self, artist_id: str) -> tuple[str, ...]:
        """The community genres of a Spotify artist in MusicBrainz."""
        return self._artist_genres.get(artist_id, ())

    # -- shapes ------------------------------------------------------------------------------------------------
    def _recording(self, tracks: list[Track], remaster: bool) -> dict[str, Any]:
        first = tracks[0]
        artists = [self.spotify.artists[a] for a in first.artist_ids]
        genres = self.genres_of(artists[0].id)
        releases = [self._release(self.spotify.albums[t.album_id], remaster) for t in tracks]
        return {
            "id": self.recording_id(first.isrc, remaster),
            "title": first.name + (" (2024 remaster)" if remaster else ""),
            "length": first.duration_ms,
            "video": False,
            "disambiguation": "2024 remaster" if remaster else "",
            "first-release-date": min(r["date"] for r in releases),
            "artist-credit": [self._credit(a, i, len(artists)) for i, a in enumerate(artists)],
            "releases": releases,
            "genres": [_genre(g, 3 - i) for i, g in enumerate(genres)],
            "tags": [{"name": g, "count": 3 - i} for i, g in enumerate(genres)],
        }

    def _credit(self, artist: Artist, position: int, count: int) -> dict[str, Any]:
        genres = self.genres_of(artist.id)
        return {
            "name": artist.name,
            "joinphrase": " feat. " if position == 0 and count > 1 else (", " if position < count - 1 else ""),
            "artist": {
                "id": self.artist_id(artist.id),
                "name": artist.name,
                "sort-name": artist.name,
                "type": "Group" if " " in artist.name else "Person",
                "disambiguation": "",
                "genres": [_genre(g, 5 - i) for i, g in enumerate(genres)],
                "tags": [{"name": g, "count": 5 - i} for i, g in enumerate(genres)],
            },
        }

    def _release(self, album: Album, remaster: bool) -> dict[str, Any]:
        country = "XW" if remaster else self._countries[album.id]
        date = "2024-03-01" if remaster else album.release_date
        unlabelled = remaster or album.id in self.unlabelled_album_ids
        return {
            "id": self.release_id(album.id, remaster),
            "title": album.name + (" (Remastered)" if remaster else ""),
            "status": "Official",
            "status-id": mbid("release-status", "official"),
            "date": date,
            "country": country,
            "release-events": [
                {
                    "date": date,
                    "area": {
                        "id": mbid("area", country),
                        "name": COUNTRIES[country],
                        "sort-name": COUNTRIES[country],
                        "iso-3166-1-codes": [country],
                        "disambiguation": "",
                    },
                }
            ],
            "label-info": []
            if unlabelled
            else [
                {
                    "catalog-number": f"{album.label[:3].upper()}-{album.upc[-4:]}",
                    "label": {"id": mbid("label", album.label), "name": album.label, "disambiguation": ""},
                }
            ],
            "barcode": album.upc,
            "disambiguation": "",
            "packaging": None,
            "quality": "normal",
            "text-representation": {"language": "eng", "script": "Latn"},
        }
