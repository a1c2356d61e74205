"""powerbi.sql: each visual's SQL form, run on three days of listening history, gives the numbers the
report promises (see conftest for the history)."""

from __future__ import annotations

import datetime

import pytest
from dst_plays import DST_PLAYS

from powerbi.report import BAR, PAGES, Field, Filter, Place, Sort, Visual
from powerbi.sql import VisualQueryError, visual_query

VISUALS = {visual.name: visual for page in PAGES for visual in page.visuals}
D1, D2, D3 = (datetime.date(2026, 3, day) for day in (1, 2, 3))


@pytest.fixture
def run(history_warehouse, local_config):
    """`run(visual_name) -> (rows, total)` on the three-day warehouse."""
    snowflake = local_config.snowflake

    def run_visual(name: str) -> tuple[list[tuple], tuple | None]:
        query = visual_query(VISUALS[name], snowflake.database, snowflake.reporting_schema)
        total = history_warehouse.query(query.total_sql)[0] if query.total_sql else None
        return history_warehouse.query(query.rows_sql), total

    return run_visual


def test_the_overview_cards_count_plays_minutes_tracks_artists_and_the_explicit_share(run) -> None:
    values = {name: run(name)[0][0][0] for name in VISUALS if name.endswith("_card")}

    assert values["plays_card"] == 9
    assert values["listening_minutes_card"] == pytest.approx(2_583_000 / 60_000)
    assert values["distinct_tracks_card"] == 6
    assert values["distinct_artists_card"] == 4
    assert values["new_artists_card"] == 4
    assert values["explicit_share_card"] == pytest.approx(1 / 9)
    assert values["saved_track_count_card"] == 2
    assert values["rejected_rows_card"] == 1


def test_listening_trends_by_day_with_a_total_over_the_days(run) -> None:
    rows, total = run("listening_per_day")

    assert [(day, plays) for day, _, plays in rows] == [(D1, 3), (D2, 3), (D3, 3)]
    assert rows[0][1] == pytest.approx((305_000 * 2 + 330_000) / 60_000)
    assert total[1] == 9


def test_artists_new_to_the_listener_are_counted_on_the_day_of_their_first_play(run) -> None:
    rows, total = run("new_artists_per_day")

    assert [(day, int(new)) for day, new in rows] == [(D1, 2), (D2, 1), (D3, 1)]
    assert total == (4,)


def test_plays_by_genre_count_a_play_once_per_genre_of_its_main_artist(run) -> None:
    rows, total = run("plays_by_genre")

    assert rows == [("electronica", 7), ("art pop", 4), ("trip hop", 3), ("jazz", 1), ("soul", 1)]
    assert total is None  # a total of per-genre counts would count plays twice


def test_the_release_decade_mix_shares_add_up_to_one_with_unknown_decades_last(run) -> None:
    rows, total = run("release_decade_mix")

    assert [(None if decade is None else int(decade), round(share, 4)) for decade, share in rows] == [
        (1960, round(1 / 9, 4)),
        (1990, round(7 / 9, 4)),
        (None, round(1 / 9, 4)),
    ]
    assert total[0] == pytest.approx(1.0)


def test_most_played_artists_go_through_the_relationship_to_artists(run) -> None:
    rows, _ = run("most_played_artists")

    assert rows == [("Björk", 4), ("Massive Attack", 3), ("Nina Simone", 1), ("Unsigned", 1)]


def test_playlist_changes_per_day_are_blank_not_zero_where_nothing_changed(run) -> None:
    rows, total = run("playlist_changes_per_day")

    assert [(day, adds, removals) for day, adds, removals in rows] == [(D2, 1, 1), (D3, 1, None)]
    assert total == (2, 1)


def test_top_list_movement_leaves_out_the_first_snapshot_which_has_nothing_to_compare_with(run) -> None:
    rows, total = run("top_list_movement_per_day")

    # day 2: Teardrop up, Jóga down, Angel new; day 3: Angel and Massive Attack up, Jóga and Björk down
    assert rows == [(D2, 1, 1, 1), (D3, 2, 2, None)]
    assert total == (3, 3, 1)


def test_the_latest_short_term_top_tracks_show_rank_and_movement_of_the_latest_snapshot_only(run) -> None:
    rows, _ = run("latest_short_term_top_tracks")

    # Feeling Good left the list after day 1: blank in the latest snapshot, so left out
    assert [(name, int(rank), change) for name, rank, change in rows] == [
        ("Teardrop", 1, 0),
        ("Angel", 2, 1),
        ("Jóga", 3, -1),
    ]


def test_when_each_artist_was_first_heard_sorts_the_newest_first(run) -> None:
    rows, _ = run("artists_first_heard")

    assert [(name, first) for name, first, _ in rows] == [
        ("Unsigned", D3),
        ("Nina Simone", D2),
        ("Björk", D1),
        ("Massive Attack", D1),
    ]


def test_measures_from_two_home_tables_in_one_visual_are_refused_by_name() -> None:
    mixed = Visual("mixed", "Mixed", BAR, Place(0, 0, 6, 6), ("Plays", "Playlist adds"), (Field("Date", "Date"),))

    with pytest.raises(VisualQueryError, match="visual mixed: its measures and columns come from"):
        visual_query(mixed, "SPOTIFY", "REPORTING")


def test_sorting_by_a_column_the_visual_does_not_show_is_refused() -> None:
    visual = Visual(
        "sorted",
        "Sorted",
        BAR,
        Place(0, 0, 6, 6),
        ("Plays",),
        (Field("Listening history", "Track name"),),
        sort=Sort(Field("Listening history", "Played hour")),
    )

    with pytest.raises(VisualQueryError, match=r"sorts by Listening history\[Played hour\], which it does not show"):
        visual_query(visual, "SPOTIFY", "REPORTING")


def test_filter_values_are_quoted_as_sql_strings() -> None:

    visual = Visual(
        "quoted",
        "Quoted",
        BAR,
        Place(0, 0, 6, 6),
        ("Plays",),
        (Field("Listening history", "Track name"),),
        filters=(Filter(Field("Listening history", "Track name"), ("Rock 'n' roll",)),),
    )

    assert "t0.track_name IN ('Rock ''n'' roll')" in visual_query(visual, "SPOTIFY", "REPORTING").rows_sql


def test_the_plays_view_dates_and_hours_plays_on_the_reporting_time_zones_clock(dst_warehouse, berlin_config) -> None:
    snowflake = berlin_config.snowflake
    rows = dst_warehouse.query(
        f"SELECT played_at, played_date, played_hour FROM {snowflake.database}.{snowflake.reporting_schema}.PLAYS"
    )

    local = {at.strftime("%Y-%m-%dT%H:%M"): (day.isoformat(), hour) for at, day, hour in rows}
    assert local == DST_PLAYS
