"""What moves day by day in the fake Spotify: plays, playlist adds and removals, saved tracks, top lists.

Everything is a pure function of (catalog seed, size, day):
- plays: each day has its own number of plays (weekdays fewer, Friday to Sunday often more than 50, so the API's
  50-play window loses some), spread over the day, drawn from the user's lasting favourites, the songs of the
  week and the odd random track; some plays have no context. The API answers recently played as of a moment
  (`recent_plays_as_of`): a read at 10:30 sees the latest 50 plays up to 10:30, and the window slides through the
  day as in the real API;
- playlists and saved tracks: from `EPOCH` on, every day adds (and sometimes removes) tracks in the playlists
  that change and saves a few tracks; a changed playlist gets a new `snapshot_id`; before `EPOCH` the catalog
  is as built (entries added after the day are hidden);
- top lists: `short_term` ranks the last 4 weeks of plays (moves daily); `medium_term` and `long_term` rank the
  lasting favourites and the songs of the last 6 or 12 months of weeks (move weekly).
"""

from __future__ import annotations

import base64
import hashlib
import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from contracts.raw_zone import TimeRange
from local.fake_spotify.catalog import Catalog, EntryKind, Playlist, PlaylistEntry

EPOCH = date(2026, 1, 1)
# The recently-played endpoint never returns more than the latest 50 plays.
RECENTLY_PLAYED_WINDOW = 50
_FIRST_MONDAY = date(2000, 1, 3)


@dataclass(frozen=True)
class Context:
    """Where a play came from: a playlist, album or artist id, or the user id for the liked-songs collection."""

    type: str
    id: str


@dataclass(frozen=True)
class Play:
    track_id: str
    played_at: datetime
    context: Context | None


@dataclass(frozen=True)
class PlaylistState:
    playlist: Playlist
    entries: tuple[PlaylistEntry, ...]
    snapshot_id: str


@dataclass(frozen=True)
class DayState:
    day: date
    as_of: datetime  # the moment the API answers from: the end of the day, or a moment in it (`at_moment`)
    plays: tuple[Play, ...]  # all plays of the day, oldest first
    recent_plays: tuple[Play, ...]  # the latest 50 plays up to `as_of`, newest first: all the API ever returns
    playlists: dict[str, PlaylistState]
    saved_tracks: tuple[tuple[str, datetime], ...]  # (track id, added_at), newest first
    top_tracks: dict[str, tuple[str, ...]]  # time range -> track ids, best first
    top_artists: dict[str, tuple[str, ...]]


def end_of_day(day: date) -> datetime:
    """The last moment of `day` (UTC) the API answers from: a daily run sees that day's plays in full."""
    return datetime.combine(day, time(23, 59, 59, 999_000), UTC)


def recent_plays_as_of(catalog: Catalog, moment: datetime) -> tuple[Play, ...]:
    """The latest 50 plays up to and including `moment`, newest first: all the API returns at that moment."""
    recent: list[Play] = []
    back = moment.astimezone(UTC).date()
    while len(recent) < RECENTLY_PLAYED_WINDOW:
        recent.extend(p for p in reversed(plays_on(catalog, back)) if p.played_at <= moment)
        back -= timedelta(days=1)
    return tuple(recent[:RECENTLY_PLAYED_WINDOW])


def plays_between(catalog: Catalog, first_day: date, moment: datetime) -> tuple[Play, ...]:
    """Every play the fake generated from the start of `first_day` up to `moment`, oldest first: the ground truth
    a reconciliation compares the warehouse with."""
    plays: list[Play] = []
    day = first_day
    while day <= moment.astimezone(UTC).date():
        plays.extend(p for p in plays_on(catalog, day) if p.played_at <= moment)
        day += timedelta(days=1)
    return tuple(plays)


def compute_day_state(catalog: Catalog, day: date) -> DayState:
    as_of = end_of_day(day)
    plays_by_day = {d: plays_on(catalog, d) for d in (day - timedelta(days=n) for n in range(28))}
    playlists, saved = _library_on(catalog, day, as_of)
    top_tracks = {
        TimeRange.SHORT: _rank(Counter(p.track_id for plays in plays_by_day.values() for p in plays)),
        TimeRange.MEDIUM: _rank(_affinity(catalog, day, weeks=26, lasting_weight=30.0)),
        TimeRange.LONG: _rank(_affinity(catalog, day, weeks=52, lasting_weight=60.0)),
    }
    # Spotify keeps at most 50 top tracks and 50 top artists per user and time range (spotify/web-api #200, #1592).
    track_cap = min(50, max(20, catalog.size // 3))
    artist_cap = min(50, len(catalog.artists) - 1)
    return DayState(
        day=day,
        as_of=as_of,
        plays=plays_by_day[day],
        recent_plays=recent_plays_as_of(catalog, as_of),
        playlists=playlists,
        saved_tracks=tuple(sorted(saved.items(), key=lambda s: (s[1], s[0]), reverse=True)),
        top_tracks={r: ranked[:track_cap] for r, ranked in top_tracks.items()},
        top_artists={r: _rank_artists(catalog, ranked)[:artist_cap] for r, ranked in top_tracks.items()},
    )


def at_moment(state: DayState, catalog: Catalog, moment: datetime) -> DayState:
    """The day's state as the API answers at `moment` of that day: the recently-played window up to `moment`.
    (Playlists, saved tracks and top lists move once a day, as of its end.)"""
    if moment.astimezone(UTC).date() != state.day:
        raise ValueError(f"moment {moment.isoformat()} is not on {state.day}; move the catalog to its day first")
    return replace(state, as_of=moment, recent_plays=recent_plays_as_of(catalog, moment))


def plays_on(catalog: Catalog, day: date) -> tuple[Play, ...]:
    """All plays of one day, oldest first; the count depends on the day (more from Friday to Sunday)."""
    rng = random.Random(f"fake-spotify:{catalog.seed}:plays:{day.isoformat()}")
    busy = day.weekday() >= 4
    scale = min(max(catalog.size / 300, 0.5), 4.0)
    count = max(1, round((rng.randint(55, 85) if busy else rng.randint(22, 45)) * scale))
    midnight = datetime.combine(day, time(), UTC)
    offsets = sorted(rng.sample(range(86_400_000), count))
    songs_of_the_week = _songs_of_week(catalog, _week(day))
    playlist_ids = [p.id for p in catalog.playlists.values()]
    plays = []
    for offset in offsets:
        pick = rng.random()
        if pick < 0.5:
            rank = min(int(rng.paretovariate(1.1)) - 1, len(catalog.core_favourites) - 1)
            track_id = catalog.core_favourites[rank]
        elif pick < 0.88:
            track_id = rng.choice(songs_of_the_week)
        else:
            track_id = rng.choice(catalog.track_ids)
        track = catalog.tracks[track_id]
        source = rng.random()
        if source < 0.4:
            context: Context | None = Context("playlist", rng.choice(playlist_ids))
        elif source < 0.7:
            context = Context("album", track.album_id)
        elif source < 0.8:
            context = Context("artist", track.artist_ids[0])
        elif source < 0.85:
            context = Context("collection", catalog.user.id)
        else:
            context = None
        plays.append(Play(track_id, midnight + timedelta(milliseconds=offset), context))
    return tuple(plays)


def _week(day: date) -> int:
    return (day - _FIRST_MONDAY).days // 7


def _songs_of_week(catalog: Catalog, week: int) -> tuple[str, ...]:
    rng = random.Random(f"fake-spotify:{catalog.seed}:week:{week}")
    return tuple(rng.sample(catalog.track_ids, min(30, max(5, catalog.size // 10))))


def _library_on(catalog: Catalog, day: date, as_of: datetime) -> tuple[dict[str, PlaylistState], dict[str, datetime]]:
    """Playlist entries and saved tracks on `day`: the built catalog, then every day's changes from EPOCH on."""

    def visible(moment: datetime | None) -> bool:
        return moment is None or moment <= as_of

    changing = [p for p in catalog.playlists.values() if p.changes_daily]
    # Once every built entry and save is visible (the catalog's are all older than EPOCH), the replay no longer
    # depends on `as_of`: it resumes from the latest day a call replayed up to, so consecutive days replay one day
    # each rather than every day since EPOCH again (a year of days: 66,000 day-steps, 13 s, instead of 365).
    whole = all(visible(e.added_at) for p in catalog.playlists.values() for e in p.base_entries) and all(
        visible(added_at) for _, added_at in catalog.base_saved
    )
    with catalog._lock:
        replayed = catalog._replayed_library if whole else None
    if replayed is not None and replayed[0] <= day:
        current = replayed[0] + timedelta(days=1)
        entries = {playlist_id: list(items) for playlist_id, items in replayed[1].items()}
        saved = dict(replayed[2])
    else:
        current = EPOCH
        entries = {p.id: [e for e in p.base_entries if visible(e.added_at)] for p in catalog.playlists.values()}
        saved = {track_id: added_at for track_id, added_at in catalog.base_saved if visible(added_at)}
    while current <= day:
        midnight = datetime.combine(current, time(), UTC)
        songs_of_the_week = _songs_of_week(catalog, _week(current))
        for playlist in changing:
            _change_playlist(catalog, playlist, entries[playlist.id], current, midnight, songs_of_the_week)
        rng = random.Random(f"fake-spotify:{catalog.seed}:saves:{current.isoformat()}")
        for _ in range(rng.choices((0, 1, 2, 3), weights=(3, 4, 2, 1))[0]):
            track_id = rng.choice(songs_of_the_week)
            saved.setdefault(track_id, midnight + timedelta(seconds=rng.randint(0, 86_399)))
        if saved and rng.random() < 0.05:
            del saved[rng.choice(sorted(saved))]
        current += timedelta(days=1)
    if whole and day >= EPOCH:
        with catalog._lock:
            if catalog._replayed_library is None or catalog._replayed_library[0] < day:
                copied = {playlist_id: tuple(items) for playlist_id, items in entries.items()}
                catalog._replayed_library = (day, copied, dict(saved))
    states = {
        playlist_id: PlaylistState(catalog.playlists[playlist_id], tuple(items), _snapshot_id(playlist_id, items))
        for playlist_id, items in entries.items()
    }
    return states, saved


def _change_playlist(
    catalog: Catalog,
    playlist: Playlist,
    items: list[PlaylistEntry],
    day: date,
    midnight: datetime,
    songs_of_the_week: tuple[str, ...],
) -> None:
    rng = random.Random(f"fake-spotify:{catalog.seed}:playlist:{playlist.id}:{day.isoformat()}")
    # Removals outweigh additions above the built size and fall short below it: playlists stay near their size.
    removal_weights = (4, 3, 2, 1) if len(items) > len(playlist.base_entries) else (6, 3, 1, 0)
    for _ in range(rng.choices((0, 1, 2, 3), weights=removal_weights)[0]):
        removable = [i for i, entry in enumerate(items) if not entry.pinned]
        if len(removable) > 5:
            del items[rng.choice(removable)]
    additions = []
    for _ in range(rng.choices((0, 1, 2, 3), weights=(5, 3, 1, 1))[0]):
        track_id = rng.choice(songs_of_the_week) if rng.random() < 0.6 else rng.choice(catalog.track_ids)
        moment = midnight + timedelta(seconds=rng.randint(0, 86_399))
        additions.append(PlaylistEntry(EntryKind.TRACK, track_id, moment, rng.choice(playlist.editors)))
    items.extend(sorted(additions, key=lambda e: e.added_at or midnight))


def _snapshot_id(playlist_id: str, items: list[PlaylistEntry]) -> str:
    digest = hashlib.sha256(playlist_id.encode())
    for entry in items:
        digest.update(f"|{entry.kind}:{entry.ref}:{entry.added_at}:{entry.added_by}".encode())
    return base64.urlsafe_b64encode(digest.digest()).decode()[:32]


def _affinity(catalog: Catalog, day: date, weeks: int, lasting_weight: float) -> Counter[str]:
    scores: Counter[str] = Counter()
    favourites = catalog.core_favourites
    for rank, track_id in enumerate(favourites):
        scores[track_id] += lasting_weight * (1 - rank / len(favourites))
    this_week = _week(day)
    for week in range(this_week - weeks + 1, this_week + 1):
        for track_id in _songs_of_week(catalog, week):
            scores[track_id] += 1.0
    return scores


def _rank(scores: Counter[str]) -> tuple[str, ...]:
    return tuple(track_id for track_id, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0])))


def _rank_artists(catalog: Catalog, ranked_tracks: tuple[str, ...]) -> tuple[str, ...]:
    scores: Counter[str] = Counter()
    for position, track_id in enumerate(ranked_tracks):
        weight = len(ranked_tracks) - position
        lead, *featured = catalog.tracks[track_id].artist_ids
        scores[lead] += weight
        for artist_id in featured:
            scores[artist_id] += weight / 2
    scores.pop(catalog.various_artists_id, None)
    return _rank(scores)
