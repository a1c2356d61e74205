"""Each model table, built by the job from the two-run backfill: a development-mode day (2026 API shape: `item`
entries, no popularity/followers/label) and an extended-mode day (`track` entries, batch bodies, every field).
The runs' pages are in transform_fixtures.py, rendered by the fake Spotify's renderer."""

from __future__ import annotations

from datetime import UTC, date, datetime

from transform_fixtures import (
    ALBUM_FOUR,
    ALBUM_TAKK,
    ALBUM_YORU,
    ALBUM_ZERO,
    BEYONCE,
    COUNTDOWN,
    HOPPIPOLLA,
    KINO,
    LOVE_ON_TOP,
    NEWS_EPISODE,
    OLD_FAVOURITES,
    ROAD_TRIP,
    SIGUR_ROS,
    SILENCE,
    YOASOBI,
    YORU,
)

from contracts.model import TABLES

# The widest (640-pixel) images the renderer gives the album "4" and Beyoncé.
FOUR_COVER = "https://i.scdn.co/image/ab67616d0640a998584f075b63c42f0872c4"
BEYONCE_IMAGE = "https://i.scdn.co/image/ab676161064002fc9052e2b517edae34591f"


def _by_key(rows: list[dict], *key: str) -> dict:
    return {tuple(row[k] for k in key) if len(key) > 1 else row[key[0]]: row for row in rows}


def test_dim_track_has_one_row_per_track_from_its_most_complete_record(backfill):
    # Given Love On Top in plays, a top list, a playlist and (simplified) in its album's track list,
    # a local file in a playlist and a track with a zero duration
    # When the job has run
    development = _by_key(backfill.processed.rows("dim_track", backfill.development), "track_id")
    extended = _by_key(backfill.processed.rows("dim_track", backfill.extended), "track_id")

    # Then each track is one row; the local file is dropped and the zero-duration track quarantined
    assert set(development) == {LOVE_ON_TOP, HOPPIPOLLA, YORU}
    assert SILENCE not in development
    # the full track object won over the album's simplified one: ISRC and album are known
    love_on_top = development[LOVE_ON_TOP]
    assert (love_on_top["isrc"], love_on_top["album_id"], love_on_top["track_number"]) == (
        "USTRK_LOVEON",
        ALBUM_FOUR,
        1,
    )
    # popularity is null where the development mode no longer returns it, known in extended mode
    assert love_on_top["popularity"] is None
    assert extended[LOVE_ON_TOP]["popularity"] == 81
    # non-ASCII names survive
    assert development[YORU]["track_name"] == "夜に駆ける"
    # a track seen only in an album's track list takes its album from the page and has no ISRC
    countdown = extended[COUNTDOWN]
    assert (countdown["album_id"], countdown["isrc"], countdown["track_number"]) == (ALBUM_FOUR, None, 51)


def test_dim_album_prefers_the_full_album_and_keeps_the_release_date_as_given(backfill):
    development = _by_key(backfill.processed.rows("dim_album", backfill.development), "album_id")
    extended = _by_key(backfill.processed.rows("dim_album", backfill.extended), "album_id")

    assert set(development) == {ALBUM_FOUR, ALBUM_TAKK, ALBUM_YORU}  # "0000" release date: quarantined
    assert ALBUM_ZERO not in development
    releases = {
        album_id: (row["release_date"], row["release_date_precision"], row["release_year"])
        for album_id, row in development.items()
    }
    assert releases == {
        ALBUM_FOUR: ("2011-06-24", "day", 2011),
        ALBUM_TAKK: ("2005", "year", 2005),
        ALBUM_YORU: ("2021-01", "month", 2021),
    }
    # the label comes only with the full album of the extended mode
    assert development[ALBUM_FOUR]["label"] is None
    assert extended[ALBUM_FOUR]["label"] == "Parkwood"
    # the widest of the cover images
    assert development[ALBUM_FOUR]["image_url"] == FOUR_COVER
    assert development[ALBUM_TAKK]["album_name"] == "Takk…"


def test_dim_artist_has_full_details_when_the_api_gives_them(backfill):
    development = _by_key(backfill.processed.rows("dim_artist", backfill.development), "artist_id")
    extended = _by_key(backfill.processed.rows("dim_artist", backfill.extended), "artist_id")

    assert set(development) == {BEYONCE, SIGUR_ROS, YOASOBI, KINO}
    details = ("genres", "followers", "popularity", "image_url")
    # genres are deprecated but still sent in development mode; followers and popularity are not
    assert [development[BEYONCE][d] for d in details] == [["pop", "r&b"], None, None, BEYONCE_IMAGE]
    assert [extended[BEYONCE][d] for d in details] == [["pop", "r&b"], 30_000_000, 88, BEYONCE_IMAGE]
    # an artist only ever seen credited on a track: name only
    assert [development[KINO][d] for d in ("artist_name", *details)] == ["Кино", None, None, None, None]
    assert development[SIGUR_ROS]["artist_name"] == "Sigur Rós"


def test_bridges_keep_every_credited_artist_with_its_position(backfill):
    track_credits = {
        (row["track_id"], row["artist_id"], row["artist_position"])
        for row in backfill.processed.rows("bridge_track_artist", backfill.development)
    }
    album_credits = {
        (row["album_id"], row["artist_id"], row["artist_position"])
        for row in backfill.processed.rows("bridge_album_artist", backfill.development)
    }

    assert track_credits == {
        (LOVE_ON_TOP, BEYONCE, 0),
        (HOPPIPOLLA, SIGUR_ROS, 0),
        (YORU, YOASOBI, 0),
        (YORU, KINO, 1),  # the featured artist, not only the first
    }
    assert album_credits == {
        (ALBUM_FOUR, BEYONCE, 0),
        (ALBUM_TAKK, SIGUR_ROS, 0),
        (ALBUM_YORU, YOASOBI, 0),
        (ALBUM_YORU, KINO, 1),
    }


def test_dim_playlist_has_every_playlist_read_with_its_owner_and_size(backfill):
    playlists = _by_key(backfill.processed.rows("dim_playlist", backfill.development), "playlist_id")

    assert set(playlists) == {ROAD_TRIP, OLD_FAVOURITES}
    road_trip = playlists[ROAD_TRIP]
    assert road_trip["playlist_name"] == "Road trip ☀"
    assert (road_trip["owner_id"], road_trip["owner_name"]) == ("listener", "Zoë")
    assert (road_trip["snapshot_id"], road_trip["total_items"], road_trip["is_public"]) == ("snap-pl_roadtrip", 6, True)


def test_fact_playlist_item_holds_tracks_and_episodes_at_their_positions(backfill):
    # Given a playlist whose first page is embedded in the playlist object and whose items page continues at
    # offset 2 with a removed track, an episode, a track added twice and another track
    development = _by_key(
        backfill.processed.rows("fact_playlist_item", backfill.development), "playlist_id", "position"
    )
    extended = _by_key(backfill.processed.rows("fact_playlist_item", backfill.extended), "playlist_id", "position")

    # Then positions follow the pages; the local file (1) and the removed track (2) are dropped
    entries = {
        position: (row["item_type"], row["track_id"], row["episode_id"]) for (_, position), row in development.items()
    }
    assert entries == {
        0: ("track", LOVE_ON_TOP, None),
        3: ("episode", None, NEWS_EPISODE),
        4: ("track", LOVE_ON_TOP, None),
        5: ("track", YORU, None),
    }
    first = development[(ROAD_TRIP, 0)]
    assert first["added_at"] == datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    assert (first["added_by"], first["snapshot_date"]) == ("listener", date(2026, 11, 24))
    # the older `track` shape reads the same; an old playlist has no added_at / added_by
    assert {p: row["track_id"] for (_, p), row in extended.items()} == {0: LOVE_ON_TOP, 1: HOPPIPOLLA}
    assert (extended[(ROAD_TRIP, 0)]["added_at"], extended[(ROAD_TRIP, 0)]["added_by"]) == (None, None)


def test_fact_play_has_each_play_once(backfill):
    # Given two history pages that both hold the 05:00 play of Love On Top
    plays = _by_key(backfill.processed.rows("fact_play", backfill.development), "played_at")

    assert {played_at: row["track_id"] for played_at, row in plays.items()} == {
        datetime(2026, 11, 24, 5, 0, 0, 123000, tzinfo=UTC): LOVE_ON_TOP,
        datetime(2026, 11, 24, 4, 0, tzinfo=UTC): HOPPIPOLLA,
        datetime(2026, 11, 24, 3, 0, tzinfo=UTC): YORU,
    }
    contexts = {row["track_id"]: (row["context_type"], row["context_uri"]) for row in plays.values()}
    assert contexts[LOVE_ON_TOP] == ("playlist", f"spotify:playlist:{ROAD_TRIP}")
    assert contexts[HOPPIPOLLA] == (None, None)


def test_fact_top_item_ranks_each_list_per_time_range(backfill):
    ranks = {
        (row["time_range"], row["item_type"], row["rank"]): row["item_id"]
        for row in backfill.processed.rows("fact_top_item", backfill.development)
    }

    assert ranks == {
        ("short_term", "track", 1): LOVE_ON_TOP,
        ("short_term", "track", 2): YORU,
        # no time_range in the request: the API's default
        ("medium_term", "artist", 1): BEYONCE,
        ("medium_term", "artist", 2): YOASOBI,
    }


def test_fact_saved_track_has_each_saved_track_with_its_time(backfill):
    saved = backfill.processed.rows("fact_saved_track", backfill.development)

    # the saved entry whose track was removed from the catalog is dropped
    assert [(row["track_id"], row["saved_at"]) for row in saved] == [
        (HOPPIPOLLA, datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    ]


def test_every_row_carries_its_run_and_the_raw_file_it_was_read_from(backfill):
    checked = 0
    for run in (backfill.development, backfill.extended):
        listed = {run.location.page_file_key(source, 0) for source in run.lines}
        for table in TABLES:
            rows = backfill.processed.rows(table.name, run) + backfill.processed.quarantine(table.name, run)
            checked += len(rows)
            for row in rows:
                assert (row["run_id"], row["ingest_date"].isoformat()) == (run.run_id, run.ingest_date)
                assert row["source_file"] in listed
    assert checked > 50
