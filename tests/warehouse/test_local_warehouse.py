"""local.warehouse: the same migrations on fakesnow, pipes emulated by their own COPY, merges by their own SELECT.

Files are tiny Parquet files typed like the Glue job's Spark output (tests/model_files.py).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from applier import load_migrations
from contracts.model import LOADED_TABLES
from local.warehouse import LoadError, LoadResult, LocalWarehouse

DAY = "2026-03-01"
RUN_1 = "20260301T061500Z-0a1b2c3d"
RUN_2 = "20260301T181500Z-4e5f6a7b"  # a second run of the same day
NEXT_DAY, RUN_3 = "2026-03-02", "20260302T061500Z-8c9d0e1f"
PLAYED_AT = datetime.datetime(2026, 3, 1, 5, 59, 59, 123456, tzinfo=datetime.UTC)


def landing_count(warehouse: LocalWarehouse, table: str) -> int:
    return warehouse.query(f"SELECT COUNT(*) FROM SPOTIFY.LANDING.{table}")[0][0]


def test_applying_twice_applies_nothing_the_second_time_even_after_reopening(tmp_path, local_config, variables):
    with LocalWarehouse(tmp_path / "db", tmp_path / "s3", local_config, variables) as warehouse:
        assert warehouse.apply() == [m.label for m in load_migrations()]
        assert warehouse.apply() == []
        assert warehouse.db_file == tmp_path / "db" / "SPOTIFY.db"

    with LocalWarehouse(tmp_path / "db", tmp_path / "s3", local_config, variables) as reopened:
        assert reopened.apply() == []
    assert (tmp_path / "db" / "SPOTIFY.db").is_file()


def test_a_file_loaded_through_its_pipe_reaches_landing_then_core_and_the_views(warehouse, model_file) -> None:
    # Given one run's files for a play and what it refers to
    keys = {
        "dim_album": model_file(
            "dim_album", DAY, RUN_1, [{"album_id": "al1", "album_name": "Homogenic", "release_year": 1997}]
        ),
        "dim_artist": model_file(
            "dim_artist",
            DAY,
            RUN_1,
            [{"artist_id": "ar1", "artist_name": "Björk", "genres": ["art pop", "electronica"]}],
        ),
        "dim_track": model_file(
            "dim_track",
            DAY,
            RUN_1,
            [{"track_id": "t1", "track_name": "Jóga", "duration_ms": 305000, "album_id": "al1"}],
        ),
        "bridge_track_artist": model_file(
            "bridge_track_artist", DAY, RUN_1, [{"track_id": "t1", "artist_id": "ar1", "artist_position": 0}]
        ),
        "fact_play": model_file("fact_play", DAY, RUN_1, [{"played_at": PLAYED_AT, "track_id": "t1"}]),
    }

    # When each is delivered to its table's pipe, then the merges run
    results = [warehouse.ingest(table, key) for table, key in keys.items()]
    warehouse.refresh()

    # Then each file loaded once, with its lineage, and the final tables and views show the play
    assert results[-1] == LoadResult(table="fact_play", file=keys["fact_play"], rows_loaded=1, status="LOADED")
    loaded_file, loaded_at = warehouse.query("SELECT loaded_file, loaded_at FROM SPOTIFY.LANDING.FACT_PLAY")[0]
    assert loaded_file == keys["fact_play"].removeprefix("model/")
    assert loaded_at is not None
    assert warehouse.query("SELECT played_at, track_id FROM SPOTIFY.CORE.FACT_PLAY") == [
        (PLAYED_AT.replace(tzinfo=None), "t1")  # UTC, to the microsecond
    ]
    assert warehouse.query(
        "SELECT track_name, main_artist_name, album_name, release_decade FROM SPOTIFY.REPORTING.PLAYS"
    ) == [("Jóga", "Björk", "Homogenic", 1990)]
    assert warehouse.query("SELECT genre FROM SPOTIFY.REPORTING.ARTIST_GENRES ORDER BY genre_position") == [
        ("art pop",),
        ("electronica",),
    ]
    counts = warehouse.counts()
    assert counts["core.fact_play"] == 1 and counts["reporting.daily_listening"] == 1


def test_counts_cover_every_final_table_and_every_reporting_view(warehouse) -> None:
    counts = warehouse.counts()

    assert {name for name in counts if name.startswith("core.")} == {f"core.{t.name}" for t in LOADED_TABLES}
    assert {"reporting.plays", "reporting.top_items", "reporting.playlist_changes"} <= set(counts)
    assert all(count == 0 for count in counts.values())


def test_the_same_file_delivered_twice_adds_no_row(warehouse, model_file) -> None:
    key = model_file("fact_play", DAY, RUN_1, [{"played_at": PLAYED_AT, "track_id": "t1"}])

    first = warehouse.ingest("fact_play", key)
    second = warehouse.ingest("fact_play", key)

    assert (first.status, second.status, second.rows_loaded) == ("LOADED", "LOAD_SKIPPED", 0)
    assert landing_count(warehouse, "FACT_PLAY") == 1


def test_the_same_file_is_still_skipped_after_the_warehouse_is_reopened(
    warehouse_dirs, model_file, local_config, variables
) -> None:
    key = model_file("fact_play", DAY, RUN_1, [{"played_at": PLAYED_AT, "track_id": "t1"}])
    with LocalWarehouse(*warehouse_dirs, local_config, variables) as first:
        assert first.ingest("fact_play", key).status == "LOADED"

    with LocalWarehouse(*warehouse_dirs, local_config, variables) as reopened:
        assert reopened.ingest("fact_play", key).status == "LOAD_SKIPPED"


def test_a_glue_rerun_writing_the_same_rows_to_new_files_adds_no_final_row(warehouse, model_file) -> None:
    rows = [{"track_id": f"t{i}", "track_name": f"Track {i}"} for i in range(3)]
    warehouse.ingest("dim_track", model_file("dim_track", DAY, RUN_1, rows, part="00000-first"))
    warehouse.refresh()
    before = warehouse.query("SELECT * FROM SPOTIFY.CORE.DIM_TRACK ORDER BY track_id")

    # The job ran again for the same run: same partition, new file name, same rows
    warehouse.ingest("dim_track", model_file("dim_track", DAY, RUN_1, rows, part="00000-retry"))
    warehouse.refresh()

    assert landing_count(warehouse, "DIM_TRACK") == 6
    assert warehouse.query("SELECT * FROM SPOTIFY.CORE.DIM_TRACK ORDER BY track_id") == before


def test_a_later_run_of_the_same_day_replaces_its_snapshot_group_entirely(warehouse, model_file) -> None:
    def items(playlist: str, tracks: list[str]) -> list[dict]:
        return [
            {
                "snapshot_date": datetime.date(2026, 3, 1),
                "playlist_id": playlist,
                "position": i,
                "item_type": "track",
                "track_id": track,
            }
            for i, track in enumerate(tracks)
        ]

    # Given the morning run read two playlists
    morning = items("p1", ["a", "b", "c"]) + items("p2", ["x", "y"])
    warehouse.ingest("fact_playlist_item", model_file("fact_playlist_item", DAY, RUN_1, morning))
    # When the evening run reads p1 again, now with two items
    warehouse.ingest("fact_playlist_item", model_file("fact_playlist_item", DAY, RUN_2, items("p1", ["c", "d"])))
    warehouse.refresh()

    # Then p1 is exactly the evening's snapshot (a and b are gone), and p2 keeps the morning's
    rows = warehouse.query(
        "SELECT playlist_id, position, track_id, run_id FROM SPOTIFY.CORE.FACT_PLAYLIST_ITEM ORDER BY 1, 2"
    )
    assert rows == [("p1", 0, "c", RUN_2), ("p1", 1, "d", RUN_2), ("p2", 0, "x", RUN_1), ("p2", 1, "y", RUN_1)]


def test_a_playlist_a_later_run_of_the_day_read_empty_has_an_empty_snapshot(warehouse, model_file) -> None:
    def item(playlist: str, track: str) -> dict:
        snapshot = datetime.date(2026, 3, 1)
        return {
            "snapshot_date": snapshot,
            "playlist_id": playlist,
            "position": 0,
            "item_type": "track",
            "track_id": track,
        }

    # Given the morning run read p1 and p2 with an item each
    warehouse.ingest(
        "dim_playlist",
        model_file(
            "dim_playlist",
            DAY,
            RUN_1,
            [{"playlist_id": "p1", "total_items": 1}, {"playlist_id": "p2", "total_items": 1}],
        ),
    )
    warehouse.ingest(
        "fact_playlist_item", model_file("fact_playlist_item", DAY, RUN_1, [item("p1", "a"), item("p2", "x")])
    )
    # When the evening run reads p1 emptied (no item rows, total 0) and sees p2 only in the listing (total 1)
    warehouse.ingest(
        "dim_playlist",
        model_file(
            "dim_playlist",
            DAY,
            RUN_2,
            [{"playlist_id": "p1", "total_items": 0}, {"playlist_id": "p2", "total_items": 1}],
        ),
    )
    warehouse.refresh()

    # Then the day's snapshot of p1 is empty, and p2 keeps the morning's item
    assert warehouse.query("SELECT playlist_id, track_id, run_id FROM SPOTIFY.CORE.FACT_PLAYLIST_ITEM") == [
        ("p2", "x", RUN_1)
    ]


def test_a_top_list_is_replaced_by_the_later_run_of_the_day(warehouse, model_file) -> None:
    def top(run: str, ids: list[str]) -> str:
        rows = [
            {
                "snapshot_date": datetime.date(2026, 3, 1),
                "time_range": "short_term",
                "item_type": "artist",
                "rank": rank,
                "item_id": item,
            }
            for rank, item in enumerate(ids, start=1)
        ]
        return model_file("fact_top_item", DAY, run, rows)

    warehouse.ingest("fact_top_item", top(RUN_1, ["a", "b", "c"]))
    warehouse.ingest("fact_top_item", top(RUN_2, ["b", "a"]))
    warehouse.refresh()

    assert warehouse.query("SELECT rank, item_id FROM SPOTIFY.CORE.FACT_TOP_ITEM ORDER BY rank") == [(1, "b"), (2, "a")]


def test_upsert_keeps_the_latest_run_whatever_order_the_files_arrive_in(warehouse, model_file) -> None:
    later = model_file("dim_track", NEXT_DAY, RUN_3, [{"track_id": "t1", "track_name": "Renamed"}])
    earlier = model_file("dim_track", DAY, RUN_1, [{"track_id": "t1", "track_name": "Original"}])

    warehouse.ingest("dim_track", later)
    warehouse.ingest("dim_track", earlier)
    warehouse.refresh()

    assert warehouse.query("SELECT track_name, run_id FROM SPOTIFY.CORE.DIM_TRACK") == [("Renamed", RUN_3)]


def test_a_bare_row_from_a_later_run_keeps_what_enrichment_knew(warehouse, model_file) -> None:
    # Given an artist and an album enriched on the first day (their details are fetched only once)
    artist = {"artist_id": "ar1", "artist_name": "Björk"}
    album = {"album_id": "al1", "album_name": "Homogenic", "release_year": 1997}
    warehouse.ingest(
        "dim_artist",
        model_file(
            "dim_artist",
            DAY,
            RUN_1,
            [{**artist, "genres": ["art pop"], "followers": 1000, "image_url": "https://i.scdn.co/image/a"}],
        ),
    )
    warehouse.ingest("dim_album", model_file("dim_album", DAY, RUN_1, [{**album, "label": "One Little Indian"}]))
    # When the next day sees them again only as simplified objects nested in tracks, one of them renamed
    warehouse.ingest("dim_artist", model_file("dim_artist", NEXT_DAY, RUN_3, [{**artist, "artist_name": "björk"}]))
    warehouse.ingest("dim_album", model_file("dim_album", NEXT_DAY, RUN_3, [album]))
    warehouse.refresh()

    # Then the new name wins, what the bare rows did not carry keeps its known value, and lineage is the latest run
    ((name, genres, followers, image_url, run_id),) = warehouse.query(
        "SELECT artist_name, genres, followers, image_url, run_id FROM SPOTIFY.CORE.DIM_ARTIST"
    )
    assert (name, json.loads(genres), followers, image_url, run_id) == (
        "björk",
        ["art pop"],
        1000,
        "https://i.scdn.co/image/a",
        RUN_3,
    )
    assert warehouse.query("SELECT album_name, release_year, label, run_id FROM SPOTIFY.CORE.DIM_ALBUM") == [
        ("Homogenic", 1997, "One Little Indian", RUN_3)
    ]


def test_a_play_seen_again_by_a_later_run_keeps_its_first_version(warehouse, model_file) -> None:
    play = {"played_at": PLAYED_AT, "track_id": "t1"}
    warehouse.ingest("fact_play", model_file("fact_play", DAY, RUN_1, [{**play, "context_type": "album"}]))
    warehouse.ingest("fact_play", model_file("fact_play", NEXT_DAY, RUN_3, [{**play, "context_type": "playlist"}]))
    warehouse.refresh()

    assert warehouse.query("SELECT context_type, run_id FROM SPOTIFY.CORE.FACT_PLAY") == [("album", RUN_1)]


def test_a_landing_row_with_a_null_key_is_reported_not_merged(warehouse, model_file) -> None:
    key = model_file("dim_track", DAY, RUN_1, [{"track_id": "t1", "track_name": "Fine"}, {"track_name": "No id"}])

    warehouse.ingest("dim_track", key)
    warehouse.refresh()

    assert warehouse.query("SELECT track_id FROM SPOTIFY.CORE.DIM_TRACK") == [("t1",)]
    [reject] = warehouse.rejects()
    assert reject["table_name"] == "dim_track"
    assert reject["rule"] == "track_id is null"
    assert reject["record_key"] == '{"track_id":null}'
    assert reject["run_id"] == RUN_1
    assert reject["loaded_file"] == key.removeprefix("model/")
    assert warehouse.query("SELECT table_name, rule, rejected_rows FROM SPOTIFY.REPORTING.LOAD_REJECTS") == [
        ("dim_track", "track_id is null", 1)
    ]


def test_a_file_whose_values_do_not_cast_fails_whole_and_says_what_to_do(warehouse, warehouse_dirs) -> None:
    # Given a fact_play file whose played_at is text, not a timestamp
    key = f"model/fact_play/snapshot_date={DAY}/run_id={RUN_1}/part-0.parquet"
    path = warehouse_dirs[1] / key
    path.parent.mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "played_at": ["yesterday"],
                "track_id": ["t1"],
                "run_id": [RUN_1],
                "ingest_date": [datetime.date(2026, 3, 1)],
            }
        ),
        path,
    )

    with pytest.raises(
        LoadError, match=f"{key}: pipe SPOTIFY.LANDING.FACT_PLAY_PIPE could not load it.*write the partition again"
    ):
        warehouse.ingest("fact_play", key)
    assert landing_count(warehouse, "FACT_PLAY") == 0


def test_a_key_outside_the_pipes_location_is_refused(warehouse) -> None:
    with pytest.raises(LoadError, match="is not under model/fact_play/"):
        warehouse.ingest("fact_play", f"quarantine/fact_play/snapshot_date={DAY}/run_id={RUN_1}/part-0.parquet")


def test_a_side_file_of_spark_is_not_loaded(warehouse) -> None:
    key = f"model/fact_play/snapshot_date={DAY}/run_id={RUN_1}/.part-0.parquet.crc"

    with pytest.raises(LoadError, match=r"is not a .parquet file"):
        warehouse.ingest("fact_play", key)


def test_an_unknown_table_names_the_tables_with_pipes(warehouse) -> None:
    with pytest.raises(LoadError, match="no pipe loads dim_podcast; pipes exist for: bridge_album_artist"):
        warehouse.ingest("dim_podcast", "model/dim_podcast/part-0.parquet")


def test_a_missing_processed_file_is_refused(warehouse) -> None:
    with pytest.raises(LoadError, match=r"part-9.parquet does not exist"):
        warehouse.ingest("fact_play", f"model/fact_play/snapshot_date={DAY}/run_id={RUN_1}/part-9.parquet")


def test_variables_for_another_database_are_refused(tmp_path: Path, local_config, variables) -> None:
    from applier.errors import WarehouseError

    with pytest.raises(WarehouseError, match="variables are for database OTHER but the config says SPOTIFY"):
        LocalWarehouse(tmp_path / "db", tmp_path / "s3", local_config, {**variables, "DATABASE": "OTHER"})
