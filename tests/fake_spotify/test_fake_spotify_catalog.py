"""The synthetic catalog and its day-by-day movement (`local.fake_spotify.catalog`, `.activity`)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from local.fake_spotify.activity import RECENTLY_PLAYED_WINDOW
from local.fake_spotify.catalog import Catalog, EntryKind, Relation
from local.fake_spotify.names import EDITORIAL_PREFIX, is_spotify_id
from tests.fake_spotify.clients import DAY

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(seed=42, size=300)


def test_the_same_seed_size_and_day_give_the_same_catalog_and_day() -> None:
    # Given two catalogs built from the same seed and size
    first, second = Catalog(seed=42, size=300), Catalog(seed=42, size=300)
    # Then they hold the same entities, and the same day looks the same in both
    assert first.tracks == second.tracks
    assert first.playlists == second.playlists
    assert first.state_on(DAY) == second.state_on(DAY)


FINGERPRINT = """
import hashlib
from datetime import date
from local.fake_spotify.catalog import Catalog
catalog = Catalog(seed=42, size=120)
state = catalog.state_on(date(2026, 11, 24))
parts = (sorted(catalog.tracks.items()), state.recent_plays, [(k, v.snapshot_id) for k, v in state.playlists.items()],
         state.saved_tracks, state.top_tracks, state.top_artists)
print(hashlib.sha256(repr(parts).encode()).hexdigest())
"""


def test_the_catalog_does_not_depend_on_the_process_hash_seed() -> None:
    # Runs of `make run` on different days are different processes: the catalog must come out the same.
    def fingerprint(hash_seed: str) -> str:
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", FINGERPRINT],
            cwd=REPO_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    assert fingerprint("1") == fingerprint("2")


def test_another_seed_gives_another_catalog() -> None:
    assert set(Catalog(seed=1, size=60).tracks).isdisjoint(Catalog(seed=2, size=60).tracks)


def test_ids_are_22_character_base62_and_only_editorial_ids_have_the_editorial_prefix(catalog: Catalog) -> None:
    ids = [*catalog.tracks, *catalog.albums, *catalog.artists, *catalog.playlists, *catalog.episodes]
    assert all(is_spotify_id(i) for i in ids)
    editorial = {p.id for p in catalog.playlists.values() if p.relation == Relation.EDITORIAL}
    assert len(editorial) == 2
    assert {i for i in ids if i.startswith(EDITORIAL_PREFIX)} == editorial


def test_size_is_the_number_of_tracks_and_the_rest_scales_with_it() -> None:
    small, large = Catalog(seed=3, size=60), Catalog(seed=3, size=1200)
    assert (len(small.tracks), len(large.tracks)) == (60, 1200)
    assert len(large.artists) > 3 * len(small.artists)
    assert len(large.albums) > 3 * len(small.albums)
    assert len(large.playlists) > len(small.playlists)
    assert len(large.state_on(DAY).plays) > len(small.state_on(DAY).plays)


@pytest.mark.parametrize("size", [10, 1_000_000])
def test_a_size_out_of_range_is_refused_with_the_range(size: int) -> None:
    with pytest.raises(ValueError, match=r"catalog size .* use 30 to 200000 tracks"):
        Catalog(seed=1, size=size)


@pytest.mark.parametrize("size", [30, 300])
def test_every_catalog_carries_the_awkward_data_of_real_catalogs(size: int) -> None:
    catalog = Catalog(seed=11, size=size)
    names = [a.name for a in catalog.artists.values()] + [t.name for t in catalog.tracks.values()]
    assert any(not name.isascii() for name in names)
    assert {"Beyoncé", "Sigur Rós"} <= {a.name for a in catalog.artists.values()}
    assert any(any("\u3040" <= c <= "\u30ff" for c in n) for n in names)  # Japanese
    assert any(any("\u0400" <= c <= "\u04ff" for c in n) for n in names)  # Cyrillic
    assert max(len(t.artist_ids) for t in catalog.tracks.values()) > 1
    assert {a.album_type for a in catalog.albums.values()} == {"album", "single", "compilation"}
    assert {a.release_date_precision for a in catalog.albums.values()} == {"year", "month", "day"}
    assert any(a.genres for a in catalog.artists.values())
    isrc_uses = Counter(t.isrc for t in catalog.tracks.values())
    assert any(count > 1 for count in isrc_uses.values()), "a single's recording should come back on an album"
    assert any(t.preview_url is None for t in catalog.tracks.values())


@pytest.mark.parametrize("size", [30, 300])
def test_the_users_playlists_hold_every_quirk_of_real_playlists(size: int) -> None:
    catalog = Catalog(seed=5, size=size)
    owned = [p for p in catalog.playlists.values() if p.relation == Relation.OWNED]
    entries = [e for p in owned for e in p.base_entries]
    kinds = Counter(e.kind for e in entries)
    assert kinds[EntryKind.REMOVED] >= 1
    assert kinds[EntryKind.LOCAL] >= 1
    assert kinds[EntryKind.EPISODE] >= 1
    assert any(count > 1 for count in Counter(e.ref for e in owned[0].base_entries).values()), "a track twice"
    assert any(all(e.added_at is None and e.added_by is None for e in p.base_entries) for p in owned)
    relations = Counter(p.relation for p in catalog.playlists.values())
    assert relations[Relation.COLLABORATIVE] == 1
    assert relations[Relation.FOLLOWED] >= 2
    assert {p.owner_id for p in catalog.playlists.values() if p.relation == Relation.FOLLOWED}.isdisjoint(
        {catalog.user.id}
    )


def test_each_day_has_its_own_plays_and_some_days_exceed_the_50_play_window(catalog: Catalog) -> None:
    week = [catalog.state_on(DAY + timedelta(days=n)) for n in range(7)]
    counts = [len(state.plays) for state in week]
    assert len(set(counts)) > 1
    assert max(counts) > RECENTLY_PLAYED_WINDOW
    assert min(counts) < RECENTLY_PLAYED_WINDOW
    assert week[0].plays != week[1].plays
    assert all(state.day == play.played_at.date() for state in week for play in state.plays)


def test_recently_played_is_the_latest_50_plays_newest_first_across_days(catalog: Catalog) -> None:
    state = catalog.state_on(DAY)  # a Tuesday with fewer than 50 plays: the window reaches into Monday
    recent = state.recent_plays
    assert len(recent) == RECENTLY_PLAYED_WINDOW
    assert [p.played_at for p in recent] == sorted((p.played_at for p in recent), reverse=True)
    assert recent[0] == state.plays[-1]
    assert recent[len(state.plays)].played_at.date() == DAY - timedelta(days=1)
    assert all(p.played_at <= state.as_of for p in recent)


def test_some_plays_have_no_context(catalog: Catalog) -> None:
    plays = [p for n in range(3) for p in catalog.state_on(DAY + timedelta(days=n)).plays]
    assert any(p.context is None for p in plays)
    assert {p.context.type for p in plays if p.context} >= {"playlist", "album", "artist"}


def test_playlists_change_from_one_day_to_the_next_with_a_new_snapshot_id(catalog: Catalog) -> None:
    # Given two consecutive weeks of days
    days = [catalog.state_on(DAY + timedelta(days=n)) for n in range(8)]
    changed = 0
    for before, after in itertools.pairwise(days):
        for playlist_id, state in after.playlists.items():
            previous = before.playlists[playlist_id]
            if state.entries != previous.entries:
                changed += 1
                # Then a changed playlist has a new snapshot id
                assert state.snapshot_id != previous.snapshot_id
            else:
                assert state.snapshot_id == previous.snapshot_id
    assert changed >= 7, "most days some playlist gains or loses tracks"
    additions = {e.added_at.date() for s in days[-1].playlists.values() for e in s.entries if e.added_at}
    assert DAY + timedelta(days=3) in additions


def test_the_old_playlist_and_editorial_playlists_never_change(catalog: Catalog) -> None:
    static = [p.id for p in catalog.playlists.values() if not p.changes_daily]
    assert len(static) >= 3
    first, later = catalog.state_on(DAY), catalog.state_on(DAY + timedelta(days=30))
    assert all(first.playlists[i].snapshot_id == later.playlists[i].snapshot_id for i in static)


def test_the_user_saves_tracks_over_time(catalog: Catalog) -> None:
    early, late = catalog.state_on(DAY), catalog.state_on(DAY + timedelta(days=14))
    assert late.saved_tracks != early.saved_tracks
    newest_first = [added_at for _, added_at in late.saved_tracks]
    assert newest_first == sorted(newest_first, reverse=True)
    assert newest_first[0].date() > DAY


def test_top_lists_move_short_term_daily_and_longer_ranges_weekly(catalog: Catalog) -> None:
    tuesday, wednesday = catalog.state_on(DAY), catalog.state_on(DAY + timedelta(days=1))
    next_week = catalog.state_on(DAY + timedelta(days=7))
    assert tuesday.top_tracks["short_term"] != wednesday.top_tracks["short_term"]
    assert tuesday.top_tracks["medium_term"] == wednesday.top_tracks["medium_term"]
    assert tuesday.top_tracks["medium_term"] != next_week.top_tracks["medium_term"]
    assert tuesday.top_tracks["long_term"] != next_week.top_tracks["long_term"]
    assert catalog.various_artists_id not in tuesday.top_artists["short_term"]


def test_a_day_before_the_changes_begin_shows_only_what_was_added_by_then(catalog: Catalog) -> None:
    state = catalog.state_on(date(2020, 6, 1))
    for playlist_state in state.playlists.values():
        assert all(e.added_at is None or e.added_at <= state.as_of for e in playlist_state.entries)
    assert all(added_at <= state.as_of for _, added_at in state.saved_tracks)
    assert len(state.plays) >= 1


def test_some_tracks_credits_change_from_day_to_day_as_the_api_serves_them(server) -> None:
    from tests.fake_spotify.clients import app_client

    # Given a re-credited track (its main and first featured artist swap two days out of four)
    catalog = server.catalog
    assert catalog.recredited
    track = catalog.tracks[next(iter(catalog.recredited))]
    spotify = app_client(server)
    served = []
    # When the API is asked for it on four consecutive days
    for offset in range(4):
        server.set_day(DAY + timedelta(days=offset))
        served.append(tuple(a["id"] for a in spotify.track(track.id)["artists"]))

    # Then it lists the same artists, in both orders, each with one main artist
    lead, first, *rest = track.artist_ids
    assert set(served) == {track.artist_ids, (first, lead, *rest)}
    # ... while a track that is not re-credited never changes
    steady = next(t for t in catalog.track_ids if t not in catalog.recredited)
    assert {catalog.track_artist_ids(catalog.tracks[steady], DAY + timedelta(days=d)) for d in range(4)} == {
        catalog.tracks[steady].artist_ids
    }


def test_a_days_library_is_the_same_whether_the_days_before_it_were_asked_first_or_not() -> None:
    from local.fake_spotify.activity import EPOCH

    # Given one catalog asked for 40 consecutive days (the playlists move daily), then for an earlier day again
    days = [EPOCH + timedelta(days=n) for n in range(40)]
    walked = Catalog(seed=7, size=120)
    in_order = [walked.state_on(day) for day in days]
    again = walked.state_on(days[5])

    # When each day is asked of a catalog that saw no day before
    def alone(day: date):
        return Catalog(seed=7, size=120).state_on(day)

    # Then every day's playlists and saved tracks are what a fresh catalog says, in the same order
    for day, state in [*zip(days[::13], in_order[::13], strict=True), (days[-1], in_order[-1]), (days[5], again)]:
        fresh = alone(day)
        assert state.playlists == fresh.playlists, day
        assert state.saved_tracks == fresh.saved_tracks, day
    assert in_order[-1].playlists != in_order[0].playlists  # the days do move
