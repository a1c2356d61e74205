"""The synthetic Spotify catalog: artists, albums, tracks, shows, users and playlists, all derived from a seed.

`Catalog(seed, size)` builds the static part (what exists); `Catalog.state_on(day)` gives what moves day by
day (plays, playlist contents, saved tracks, top lists; see `activity`). The same (seed, size, day) always
gives the same answers. `size` is the number of tracks; artists, albums, playlists and daily plays scale with it.

Every catalog, however small, carries the quirks of real data: non-ASCII names, multi-artist tracks, the same
recording (ISRC) on a single and an album, compilations by "Various Artists", year- and month-precision release
dates, tracks available nowhere, and in the user's playlists: a removed track, local files, podcast episodes,
the same track twice and an old playlist whose `added_at`/`added_by` are null. Credits change over time: a few
multi-artist tracks have their main and first featured artist swapped on some days (`track_artist_ids`), as
Spotify's credits are corrected after release.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from local.fake_spotify import names

if TYPE_CHECKING:
    from local.fake_spotify.activity import DayState

MIN_SIZE = 30
MAX_SIZE = 200_000


@dataclass(frozen=True)
class Artist:
    id: str
    name: str
    genres: tuple[str, ...]
    popularity: int
    followers: int


@dataclass(frozen=True)
class Album:
    id: str
    name: str
    album_type: str  # album | single | compilation
    artist_ids: tuple[str, ...]
    release_date: str
    release_date_precision: str  # year | month | day
    label: str
    popularity: int
    upc: str
    markets: tuple[str, ...]
    track_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Track:
    id: str
    name: str
    album_id: str
    artist_ids: tuple[str, ...]  # the main artist first, then 0-3 featured artists
    disc_number: int
    track_number: int
    duration_ms: int
    explicit: bool
    isrc: str
    popularity: int
    preview_url: str | None
    markets: tuple[str, ...]


@dataclass(frozen=True)
class Show:
    id: str
    name: str
    publisher: str
    episode_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Episode:
    id: str
    name: str
    show_id: str
    release_date: str
    duration_ms: int


@dataclass(frozen=True)
class LocalFile:
    """A file from the user's disk added to a playlist: no Spotify ids at all."""

    artist: str
    album: str
    title: str
    duration_seconds: int


@dataclass(frozen=True)
class User:
    id: str
    display_name: str | None


class EntryKind:
    TRACK = "track"
    EPISODE = "episode"
    LOCAL = "local"
    REMOVED = "removed"  # a track Spotify no longer has: the API answers `track`/`item` null


@dataclass(frozen=True)
class PlaylistEntry:
    kind: str
    ref: str | LocalFile  # track id, episode id, removed track id, or the local file
    added_at: datetime | None
    added_by: str | None  # user id
    pinned: bool = False  # quirk entries the daily changes never remove


class Relation:
    OWNED = "owned"
    COLLABORATIVE = "collaborative"  # owned by someone else, the user collaborates
    FOLLOWED = "followed"
    EDITORIAL = "editorial"  # Spotify-owned, 37i9dQZF1...


@dataclass(frozen=True)
class Playlist:
    id: str
    name: str
    description: str
    owner_id: str
    relation: str
    public: bool
    collaborative: bool
    followers: int
    changes_daily: bool
    base_entries: tuple[PlaylistEntry, ...] = ()
    editors: tuple[str, ...] = ()  # who adds tracks when it changes


@dataclass
class Catalog:
    """Everything that exists in the fake Spotify, derived from `seed` and `size` only."""

    seed: int = 42
    size: int = 300
    user: User = field(init=False)
    users: dict[str, User] = field(init=False, default_factory=dict)
    artists: dict[str, Artist] = field(init=False, default_factory=dict)
    albums: dict[str, Album] = field(init=False, default_factory=dict)
    tracks: dict[str, Track] = field(init=False, default_factory=dict)
    shows: dict[str, Show] = field(init=False, default_factory=dict)
    episodes: dict[str, Episode] = field(init=False, default_factory=dict)
    playlists: dict[str, Playlist] = field(init=False, default_factory=dict)
    track_ids: tuple[str, ...] = field(init=False, default=())  # in catalog order
    various_artists_id: str = field(init=False, default="")
    core_favourites: tuple[str, ...] = field(init=False, default=())  # track ids the user always comes back to
    recredited: dict[str, int] = field(init=False, default_factory=dict)  # track id -> phase of its credit changes
    base_saved: tuple[tuple[str, datetime], ...] = field(init=False, default=())
    _states: dict[date, DayState] = field(init=False, default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock, repr=False, compare=False)
    # The playlists' entries and the saves after the latest day the activity replayed (activity._library_on).
    _replayed_library: tuple[date, dict[str, tuple[PlaylistEntry, ...]], dict[str, datetime]] | None = field(
        init=False, default=None, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not isinstance(self.size, int) or not MIN_SIZE <= self.size <= MAX_SIZE:
            raise ValueError(f"catalog size {self.size!r} is out of range; use {MIN_SIZE} to {MAX_SIZE} tracks")
        rng = random.Random(f"fake-spotify:{self.seed}:catalog")
        self._build_users()
        self._build_artists(rng)
        self._build_albums_and_tracks(rng)
        self.track_ids = tuple(self.tracks)
        self._build_shows(rng)
        self.core_favourites = tuple(rng.sample(self.track_ids, min(60, max(10, self.size // 5))))
        self._build_playlists(rng)
        self._build_saved(rng)
        self._build_credit_changes()

    # -- what moves day by day -----------------------------------------------------------------------------
    def state_on(self, day: date) -> DayState:
        """The catalog as the API shows it just after `day` ends (UTC): that day's plays are the newest."""
        from local.fake_spotify.activity import compute_day_state

        with self._lock:
            state = self._states.get(day)
        if state is None:
            state = compute_day_state(self, day)
            with self._lock:
                if len(self._states) >= 16:
                    self._states.pop(next(iter(self._states)))
                self._states[day] = state
        return state

    def track_artist_ids(self, track: Track, day: date | None) -> tuple[str, ...]:
        """The track's artists as the API lists them on `day` (all days alike when None): a re-credited track
        swaps its main and first featured artist for two days out of every four."""
        phase = self.recredited.get(track.id)
        if day is None or phase is None or (day.toordinal() + phase) % 4 < 2:
            return track.artist_ids
        lead, first, *rest = track.artist_ids
        return (first, lead, *rest)

    # -- construction ----------------------------------------------------------------------------------------
    def _id(self, kind: str, index: int) -> str:
        return names.spotify_id("fake-spotify", self.seed, kind, index)

    def _build_credit_changes(self) -> None:
        # A random stream of its own, so that the rest of the catalog is what it was before credits changed.
        rng = random.Random(f"fake-spotify:{self.seed}:credits")
        shared = [t for t in self.track_ids if len(self.tracks[t].artist_ids) > 1]
        # Core favourites first: the user plays them often, so a changed credit meets plays in the reports.
        candidates = [t for t in shared if t in self.core_favourites] or shared
        chosen = rng.sample(candidates, min(len(candidates), max(2, len(shared) // 10)))
        self.recredited = {track_id: rng.randrange(4) for track_id in chosen}

    def _build_users(self) -> None:
        self.user = User(names.user_id("fake-spotify", self.seed, "user", 0), names.USER_NAMES[0])
        others = [User(names.user_id("fake-spotify", self.seed, "user", i), n) for i, n in enumerate(names.USER_NAMES)]
        # One friend never set a display name: the API answers null.
        others[-1] = User(others[-1].id, None)
        self.users = {u.id: u for u in [self.user, *others[1:], User("spotify", "Spotify")]}

    def _build_artists(self, rng: random.Random) -> None:
        count = max(12, self.size // 4)
        artist_names = list(names.ANCHOR_ARTISTS[: min(len(names.ANCHOR_ARTISTS), count)])
        seen = set(artist_names)
        while len(artist_names) < count:
            name = f"{rng.choice(names.ARTIST_WORDS_A)} {rng.choice(names.ARTIST_WORDS_B)}"
            if name in seen:
                name = f"{name} {len(artist_names)}"
            seen.add(name)
            artist_names.append(name)
        for index, name in enumerate(artist_names):
            genre_count = rng.choice((0, 1, 1, 2, 2, 3))
            artist = Artist(
                id=self._id("artist", index),
                name=name,
                genres=tuple(rng.sample(names.GENRES, genre_count)),
                popularity=rng.randint(3, 96),
                followers=int(rng.paretovariate(1.2) * 900),
            )
            self.artists[artist.id] = artist
        self.various_artists_id = self._id("artist", "various")
        self.artists[self.various_artists_id] = Artist(self.various_artists_id, names.VARIOUS_ARTISTS, (), 0, 0)

    def _release(self, rng: random.Random, precision: str | None = None) -> tuple[str, str, int]:
        year = rng.choice((1968, 1975, 1981, 1987, 1994, 1999, 2003, 2008, 2011, 2015, 2019, 2022, 2024, 2025, 2026))
        month, dom = rng.randint(1, 12 if year < 2026 else 10), rng.randint(1, 28)
        if precision is None:
            old = year < 1995
            precision = rng.choice(("year", "year", "month", "day")) if old else rng.choice(("month", "day", "day"))
        text = {"year": f"{year}", "month": f"{year}-{month:02d}", "day": f"{year}-{month:02d}-{dom:02d}"}[precision]
        return text, precision, year

    def _markets(self, rng: random.Random) -> tuple[str, ...]:
        if rng.random() < 0.03:
            return ()  # available nowhere: the API still returns it, with an empty market list
        return tuple(sorted(rng.sample(names.MARKETS, rng.randint(8, len(names.MARKETS)))))

    def _build_albums_and_tracks(self, rng: random.Random) -> None:
        regular_artists = [a for a in self.artists if a != self.various_artists_id]
        singles_by_artist: dict[str, list[Track]] = {}
        title_index = 0
        album_index = 0
        while len(self.tracks) < self.size:
            album_type = rng.choices(("single", "album", "compilation"), weights=(3, 6, 1))[0]
            # The first three albums are fixed so that every catalog has a compilation and a single whose
            # recording (ISRC) comes back on an album; a third of the artists lead albums, the rest feature.
            album_type = ("single", "compilation", "album")[album_index] if album_index < 3 else album_type
            track_count = {"single": rng.randint(1, 3), "album": rng.randint(7, 14), "compilation": rng.randint(8, 14)}
            track_count_for_album = min(track_count[album_type], self.size - len(self.tracks))
            leading = max(4, len(regular_artists) // 3)
            main_artist = regular_artists[0 if album_index == 2 else album_index % leading]
            album_artists = (self.various_artists_id,) if album_type == "compilation" else (main_artist,)
            # ... and the three of them have the three release date precisions.
            forced_precision = ("year", "month", "day")[album_index] if album_index < 3 else None
            release_date, precision, year = self._release(rng, forced_precision)
            album_id = self._id("album", album_index)
            album_name = self._title(rng, title_index) + rng.choice(names.ALBUM_SUFFIXES)
            title_index += 1
            track_ids = []
            reusable = singles_by_artist.get(main_artist, []) if album_type == "album" else []
            for position in range(track_count_for_album):
                track_id = self._id("track", len(self.tracks))
                lead = rng.choice(regular_artists) if album_type == "compilation" else main_artist
                featured_count = rng.choices((0, 1, 2, 3), weights=(70, 18, 8, 4))[0]
                featured = [a for a in rng.sample(regular_artists, featured_count + 1) if a != lead][:featured_count]
                if reusable and position == 0:
                    # The album version of an earlier single: another track id, the same recording (ISRC).
                    single = reusable.pop()
                    name, isrc, featured = single.name, single.isrc, list(single.artist_ids[1:])
                else:
                    name = self._title(rng, title_index) + rng.choice(names.TITLE_SUFFIXES)
                    title_index += 1
                    isrc = (
                        f"{rng.choice(names.ISRC_COUNTRIES)}"
                        f"{''.join(rng.choices('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', k=3))}"
                        f"{year % 100:02d}{rng.randint(0, 99999):05d}"
                    )
                if featured and rng.random() < 0.5 and "feat." not in name:
                    name = f"{name} (feat. {self.artists[featured[0]].name})"
                track = Track(
                    id=track_id,
                    name=name,
                    album_id=album_id,
                    artist_ids=(lead, *featured),
                    disc_number=1 if position < 12 else 2,
                    track_number=position + 1 if position < 12 else position - 11,
                    duration_ms=rng.randint(95_000, 420_000),
                    explicit=rng.random() < 0.15,
                    isrc=isrc,
                    popularity=rng.randint(0, 90),
                    preview_url=(
                        f"https://p.scdn.co/mp3-preview/{names.hex_digest(track_id)}" if rng.random() < 0.1 else None
                    ),
                    markets=self._markets(rng),
                )
                self.tracks[track_id] = track
                track_ids.append(track_id)
                if album_type == "single":
                    singles_by_artist.setdefault(main_artist, []).append(track)
            self.albums[album_id] = Album(
                id=album_id,
                name=album_name,
                album_type=album_type,
                artist_ids=album_artists,
                release_date=release_date,
                release_date_precision=precision,
                label=rng.choice(names.LABELS),
                popularity=rng.randint(0, 90),
                upc=f"{rng.randint(10**11, 10**12 - 1)}",
                markets=self._markets(rng),
                track_ids=tuple(track_ids),
            )
            album_index += 1

    def _title(self, rng: random.Random, index: int) -> str:
        if index < len(names.ANCHOR_TITLES) * 2 and index % 2 == 0:
            return names.ANCHOR_TITLES[index // 2]
        return f"{rng.choice(names.TITLE_WORDS_A)} {rng.choice(names.TITLE_WORDS_B)}"

    def _build_shows(self, rng: random.Random) -> None:
        for show_index, show_name in enumerate(names.SHOW_NAMES):
            show_id = self._id("show", show_index)
            episode_ids = []
            for episode_index in range(3):
                episode_id = self._id("episode", show_index * 10 + episode_index)
                self.episodes[episode_id] = Episode(
                    id=episode_id,
                    name=f"{rng.choice(names.EPISODE_WORDS)} #{episode_index + 1}",
                    show_id=show_id,
                    release_date=f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}",
                    duration_ms=rng.randint(900_000, 4_800_000),
                )
                episode_ids.append(episode_id)
            self.shows[show_id] = Show(show_id, show_name, f"{show_name} Media", tuple(episode_ids))

    def _past_moment(self, rng: random.Random) -> datetime:
        start = datetime(2019, 1, 1, tzinfo=UTC)
        return start + timedelta(seconds=rng.randint(0, 7 * 365 * 86_400 - 1))

    def _track_entries(self, rng: random.Random, count: int, added_by: tuple[str, ...]) -> list[PlaylistEntry]:
        track_ids = rng.sample(self.track_ids, min(count, len(self.track_ids)))
        entries = [PlaylistEntry(EntryKind.TRACK, t, self._past_moment(rng), rng.choice(added_by)) for t in track_ids]
        return _chronological(entries)

    def _build_playlists(self, rng: random.Random) -> None:
        user = self.user.id
        friends = [u for u in self.users if u not in (user, "spotify")]
        owned_count = max(3, self.size // 60)
        followed_count = max(2, self.size // 100)
        small = min(60, max(12, self.size // 4))
        index = 0

        def add(
            relation: str,
            owner: str,
            entries: list[PlaylistEntry],
            changes_daily: bool = True,
            editors: tuple[str, ...] | None = None,
        ) -> Playlist:
            nonlocal index
            names_for = {
                Relation.OWNED: names.PLAYLIST_NAMES,
                Relation.COLLABORATIVE: ("Wir zusammen",),
                Relation.FOLLOWED: names.FOLLOWED_PLAYLIST_NAMES,
                Relation.EDITORIAL: names.EDITORIAL_PLAYLIST_NAMES,
            }[relation]
            same_relation = sum(1 for p in self.playlists.values() if p.relation == relation)
            name = names_for[same_relation % len(names_for)]
            if same_relation >= len(names_for):
                name = f"{name} {same_relation // len(names_for) + 1}"
            playlist_id = (
                names.editorial_id("fake-spotify", self.seed, "editorial", index)
                if relation == Relation.EDITORIAL
                else self._id("playlist", index)
            )
            playlist = Playlist(
                id=playlist_id,
                name=name,
                description=names.PLAYLIST_DESCRIPTIONS[index % len(names.PLAYLIST_DESCRIPTIONS)],
                owner_id=owner,
                relation=relation,
                public=relation != Relation.COLLABORATIVE,
                collaborative=relation == Relation.COLLABORATIVE,
                followers=rng.randint(0, 40) if relation != Relation.EDITORIAL else rng.randint(10**6, 3 * 10**7),
                # A dozen playlists moving daily is plenty; more would only slow `state_on` for big catalogs.
                changes_daily=changes_daily and index < 12,
                base_entries=tuple(entries),
                editors=editors or (owner,),
            )
            self.playlists[playlist_id] = playlist
            index += 1
            return playlist

        # The user's big playlist: several pages, with a removed track, two local files and a duplicate.
        big = self._track_entries(rng, min(max(40, self.size // 2), 250), (user,))
        removed_id = self._id("removed-track", 0)
        quirks = [
            PlaylistEntry(EntryKind.REMOVED, removed_id, self._past_moment(rng), user, pinned=True),
            *(
                PlaylistEntry(EntryKind.LOCAL, LocalFile(*local), self._past_moment(rng), user, pinned=True)
                for local in names.LOCAL_FILES[:2]
            ),
            PlaylistEntry(EntryKind.TRACK, big[0].ref, self._past_moment(rng), user, pinned=True),  # twice
        ]
        big = _chronological([*big, *quirks])
        add(Relation.OWNED, user, big)
        # A playlist with podcast episodes between the songs.
        with_episodes = self._track_entries(rng, small, (user,))
        for episode_id in list(self.episodes)[:2]:
            with_episodes.append(
                PlaylistEntry(EntryKind.EPISODE, episode_id, self._past_moment(rng), user, pinned=True)
            )
        add(Relation.OWNED, user, _chronological(with_episodes))
        # A playlist from before Spotify recorded who added what and when: added_at and added_by are null.
        old_entries = self._track_entries(rng, min(25, small), (user,))
        old = [PlaylistEntry(e.kind, e.ref, None, None, pinned=True) for e in old_entries]
        add(Relation.OWNED, user, old, changes_daily=False)
        for _ in range(owned_count - 3):
            add(Relation.OWNED, user, self._track_entries(rng, rng.randint(12, small), (user,)))
        collaborators = (friends[0], user, friends[1])
        collab = self._track_entries(rng, small, collaborators)
        local_file = LocalFile(*names.LOCAL_FILES[2])
        collab.append(PlaylistEntry(EntryKind.LOCAL, local_file, self._past_moment(rng), friends[0], pinned=True))
        add(Relation.COLLABORATIVE, friends[0], collab, editors=collaborators)
        for position in range(followed_count):
            owner = friends[position % len(friends)]
            entries = self._track_entries(rng, rng.randint(12, small), (owner,))
            if position == 0:
                entries.append(PlaylistEntry(EntryKind.REMOVED, removed_id, self._past_moment(rng), owner, pinned=True))
            add(Relation.FOLLOWED, owner, entries)
        for _ in range(2):
            add(Relation.EDITORIAL, "spotify", self._track_entries(rng, 50, ("spotify",)), changes_daily=False)

    def _build_saved(self, rng: random.Random) -> None:
        saved = rng.sample(self.track_ids, self.size // 3)
        self.base_saved = tuple(sorted(((t, self._past_moment(rng)) for t in saved), key=lambda s: s[1]))

    # -- look-ups ------------------------------------------------------------------------------------------
    def playlists_with(self, relation: str) -> list[Playlist]:
        """The playlists the user owns, collaborates on, follows, or the editorial ones (`Relation`)."""
        return [p for p in self.playlists.values() if p.relation == relation]

    def readable_by_user(self, playlist_id: str) -> bool:
        """Development mode serves items only for playlists the user owns or collaborates on."""
        playlist = self.playlists.get(playlist_id)
        return playlist is not None and playlist.relation in (Relation.OWNED, Relation.COLLABORATIVE)


def _chronological(entries: list[PlaylistEntry]) -> list[PlaylistEntry]:
    return sorted(entries, key=lambda e: e.added_at or datetime.min.replace(tzinfo=UTC))
