"""Which artist and album details a run fetches: each id seen for the first time, once, remembered across runs.

An id is known once its full object has been kept by some run: fetched from the artists/albums sources, or
carried in full by another page (top artists, artist search results). Ids configured as catalog sources are
fetched every run (they are daily snapshots); ids already requested in this run never again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from extract.entities import detailed_ids, mentioned_ids
from extract.isrcs import mentioned_isrcs
from extract.requester import RawPage

ARTIST = "artist"
ALBUM = "album"


class EntityRegistry:
    def __init__(self, known_artist_ids: Iterable[str] = (), known_album_ids: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._known = {ARTIST: set(known_artist_ids), ALBUM: set(known_album_ids)}
        self._seen: dict[str, set[str]] = {ARTIST: set(), ALBUM: set()}
        self._detailed: dict[str, set[str]] = {ARTIST: set(), ALBUM: set()}
        self._requested: dict[str, set[str]] = {ARTIST: set(), ALBUM: set()}
        self._isrcs: dict[str, None] = {}  # in the order first seen (MusicBrainz looks them up, extract.musicbrainz)

    def observe(self, page: RawPage) -> None:
        """Note the ids a kept page mentions, and those it carries in full."""
        if page.response is None:
            return
        artists, albums = mentioned_ids(page.response)
        full_artists, full_albums = detailed_ids(page.source, page.response)
        isrcs = sorted(mentioned_isrcs(page.response))
        with self._lock:
            self._isrcs.update(dict.fromkeys(isrcs))
            self._seen[ARTIST] |= artists
            self._seen[ALBUM] |= albums
            self._detailed[ARTIST] |= full_artists
            self._detailed[ALBUM] |= full_albums

    def claim(self, kind: str, always: Iterable[str], enrich: bool) -> list[str]:
        """The ids of `kind` to fetch now, marked as requested: `always` (configured or pending) plus, when
        enriching, every id seen in this run and known from no run; never one requested or kept in full in this
        run already."""
        with self._lock:
            wanted = list(dict.fromkeys(always))
            if enrich:
                wanted += sorted(self._seen[kind] - self._known[kind])
            done = self._requested[kind] | self._detailed[kind]
            claimed = [i for i in dict.fromkeys(wanted) if i not in done]
            self._requested[kind].update(claimed)
            return claimed

    def seen_isrcs(self) -> list[str]:
        """Every track ISRC the run's pages mentioned, in the order first seen."""
        with self._lock:
            return list(self._isrcs)

    def known_after_run(self, kind: str) -> frozenset[str]:
        """Known ids for the next run: those known before plus every full object kept in this run."""
        with self._lock:
            return frozenset(self._known[kind] | self._detailed[kind])
