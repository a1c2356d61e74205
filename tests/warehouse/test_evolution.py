"""The warehouse evolves without hand edits, on the local warehouse (fakesnow, the same scripts and applier):
an upgrade from the released V001-V008, a changed setting, changed credits, and a column added to the model.

Files are tiny Parquet files typed like the Glue job's output (tests/model_files.py), no Spark.
"""

from __future__ import annotations

import dataclasses
import datetime
import shutil
from pathlib import Path

from model_files import write_model_file

from applier import MIGRATIONS_DIR, load_migrations, statements_of
from applier import statements as checker
from applier.migrations import RETIRED_VERSIONS
from applier.pipes import same_copy
from contracts.model import DIM_TRACK, TABLES, Column
from local.warehouse import LocalWarehouse
from model_sql import generated_files

RELEASED = Path(__file__).parent / "released_v008"
DAY_1, RUN_1 = "2026-03-01", "20260301T061500Z-0a1b2c3d"
DAY_2, RUN_2 = "2026-03-02", "20260302T061500Z-4e5f6a7b"


def at(day: str, hour: int) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=datetime.UTC)


def deliver(warehouse: LocalWarehouse, stage_root: Path, day: str, run: str, files: dict[str, list[dict]]) -> None:
    """One run's model files, each notified to its table's pipe, then the merges."""
    for table, rows in files.items():
        key = write_model_file(stage_root, table, day, run, rows)
        assert warehouse.ingest(table, key).status == "LOADED"
    warehouse.refresh()


def a_day_of_listening(day: str, credits: list[tuple[str, int]]) -> dict[str, list[dict]]:
    """Track t1 (credited to `credits`) played twice, on album al1 credited the same way."""
    return {
        "dim_artist": [{"artist_id": a, "artist_name": f"Artist {a}"} for a, _ in credits],
        "dim_album": [{"album_id": "al1", "album_name": "Homogenic", "release_year": 1997}],
        "dim_track": [{"track_id": "t1", "track_name": "Jóga", "duration_ms": 305000, "album_id": "al1"}],
        "bridge_track_artist": [{"track_id": "t1", "artist_id": a, "artist_position": p} for a, p in credits],
        "bridge_album_artist": [{"album_id": "al1", "artist_id": a, "artist_position": p} for a, p in credits],
        "fact_play": [{"played_at": at(day, hour), "track_id": "t1"} for hour in (8, 9)],
    }


def test_a_warehouse_that_applied_the_released_v001_to_v008_upgrades_and_keeps_its_rows(
    tmp_path, local_config, variables, monkeypatch
) -> None:
    # Given the files as released (V005 said REFRESH_MODE = AUTO, which the checker refuses now: allowed here to
    # apply them as they were), whose checksums are the ones the applier accepts for the retired versions
    monkeypatch.setattr(checker, "_REFRESH_MODES", ("INCREMENTAL", "FULL", "AUTO"))
    released = load_migrations(RELEASED)
    assert {m.version: (m.filename, m.checksum) for m in released} == RETIRED_VERSIONS
    # ... whose pipes equal the generated ones, so the upgrade recreates none of those Snowflake holds
    old_pipes = [s for m in released for s in statements_of(m, variables) if s.kind == "pipe"]
    new_pipes = {s.name: s for m in load_migrations() for s in statements_of(m, variables) if s.kind == "pipe"}
    # (but fact_play's, which the history export's columns changed, issue 15: the upgrade recreates that one)
    recreated = {f"{variables['DATABASE']}.{variables['LANDING_SCHEMA']}.FACT_PLAY_PIPE"}
    assert old_pipes and all(
        same_copy(p.copy.sql("snowflake"), new_pipes[p.name]) == (p.name not in recreated) for p in old_pipes
    )
    # ... and a warehouse that applied them and holds a day of data
    db, stage = tmp_path / "db", tmp_path / "s3"
    with LocalWarehouse(db, stage, local_config, variables, migrations=released) as old:
        assert old.apply() == [f"V00{v}" for v in range(1, 9)]
        deliver(old, stage, DAY_1, RUN_1, a_day_of_listening(DAY_1, [("a1", 0)]))
        plays_before = old.query("SELECT played_at, track_id, main_artist_name FROM SPOTIFY.REPORTING.PLAYS ORDER BY 1")
    monkeypatch.undo()

    # When the current scripts are applied to it
    with LocalWarehouse(db, stage, local_config, variables) as upgraded:
        applied = upgraded.apply()
        upgraded.refresh()

        # Then the new versions and every repeatable script ran, and the history of V001-V008 is kept
        assert applied == ["V009", "V010", "V011"] + [m.label for m in load_migrations() if m.repeatable]
        history = upgraded.query("SELECT VERSION, SCRIPT FROM SPOTIFY.ADMIN.MIGRATION_HISTORY ORDER BY VERSION")
        assert [int(v) for v, _ in history] == list(range(1, 12))
        # ... the rows and the reports are what they were
        assert upgraded.query(
            "SELECT played_at, track_id, main_artist_name FROM SPOTIFY.REPORTING.PLAYS ORDER BY 1"
        ) == (plays_before)
        # ... the pipe still knows the file it loaded (not recreated), and the next day loads as before
        key = write_model_file(stage, "fact_play", DAY_1, RUN_1, a_day_of_listening(DAY_1, [])["fact_play"])
        assert upgraded.ingest("fact_play", key).status == "LOAD_SKIPPED"
        deliver(upgraded, stage, DAY_2, RUN_2, a_day_of_listening(DAY_2, [("a1", 0)]))
        assert upgraded.query("SELECT COUNT(*) FROM SPOTIFY.REPORTING.PLAYS") == [(4,)]

    with LocalWarehouse(db, stage, local_config, variables) as reopened:
        assert reopened.apply() == []


def test_a_changed_target_lag_and_warehouse_size_are_applied(warehouse_dirs, local_config, variables) -> None:
    db, stage = warehouse_dirs
    changed = {**variables, "TARGET_LAG": "15 minutes", "WAREHOUSE_SIZE": "SMALL"}

    with LocalWarehouse(db, stage, local_config, changed) as warehouse:
        applied = warehouse.apply()

        # The final tables are re-created with the new lag, the warehouse altered to the new size
        assert applied == ["R__40_final_tables", "R__50_reporting_views", "R__60_settings"]
        assert warehouse.settings[variables["WAREHOUSE"]] == {"WAREHOUSE_SIZE": "'SMALL'"}
        for table in TABLES:
            settings = warehouse.settings[f"SPOTIFY.CORE.{table.name.upper()}"]
            assert settings["TARGET_LAG"] == "'15 minutes'" and settings["REFRESH_MODE"] == "FULL"
        assert warehouse.apply() == []

    with LocalWarehouse(db, stage, local_config, variables) as back:
        assert back.apply() == ["R__40_final_tables", "R__50_reporting_views", "R__60_settings"]
        assert back.settings[variables["WAREHOUSE"]] == {"WAREHOUSE_SIZE": f"'{variables['WAREHOUSE_SIZE']}'"}


def test_changed_credits_leave_one_main_artist_per_track_and_the_play_counts_unchanged(warehouse, warehouse_dirs):
    stage = warehouse_dirs[1]
    # Given a day when t1 and its album were credited to a1 then a2, and a later run where a2 is the only artist
    deliver(warehouse, stage, DAY_1, RUN_1, a_day_of_listening(DAY_1, [("a1", 0), ("a2", 1)]))
    deliver(warehouse, stage, DAY_2, RUN_2, a_day_of_listening(DAY_2, [("a2", 0)]))

    # Then each track and album has the latest run's credits: one main artist
    assert warehouse.query("SELECT track_id, artist_id, artist_position FROM SPOTIFY.CORE.BRIDGE_TRACK_ARTIST") == [
        ("t1", "a2", 0)
    ]
    assert warehouse.query("SELECT album_id, artist_id, artist_position FROM SPOTIFY.CORE.BRIDGE_ALBUM_ARTIST") == [
        ("al1", "a2", 0)
    ]
    # ... and every report counts each of the four plays once, all now the main artist's
    assert warehouse.query("SELECT COUNT(*), COUNT(DISTINCT main_artist_id) FROM SPOTIFY.REPORTING.PLAYS") == [(4, 1)]
    assert warehouse.query("SELECT SUM(plays) FROM SPOTIFY.REPORTING.DAILY_LISTENING") == [(4,)]
    assert warehouse.query("SELECT COUNT(*), MIN(artist_count) FROM SPOTIFY.REPORTING.TRACKS") == [(1, 1)]
    assert warehouse.query("SELECT COUNT(*) FROM SPOTIFY.REPORTING.ALBUMS") == [(1,)]
    plays = dict(warehouse.query("SELECT artist_id, plays FROM SPOTIFY.REPORTING.ARTISTS"))
    assert plays == {"a1": None, "a2": 4}


def test_a_column_added_to_the_model_is_one_change_that_reaches_landing_core_and_the_report(
    tmp_path, warehouse_dirs, local_config, variables
) -> None:
    db, stage = warehouse_dirs
    # Given a warehouse holding a week of plays of three tracks
    days = [(datetime.date(2026, 3, 1) + datetime.timedelta(days=i)).isoformat() for i in range(7)]
    with LocalWarehouse(db, stage, local_config, variables) as warehouse:
        for day in days:
            run = f"{day.replace('-', '')}T061500Z-0a1b2c3d"
            tracks = [{"track_id": f"t{i}", "track_name": f"Track {i}", "duration_ms": 200000 + i} for i in (1, 2, 3)]
            plays = [{"played_at": at(day, 8 + i), "track_id": f"t{i}"} for i in (1, 2, 3)]
            deliver(warehouse, stage, day, run, {"dim_track": tracks, "fact_play": plays})
        tracks_before = warehouse.query(
            "SELECT track_id, track_name, duration_ms FROM SPOTIFY.CORE.DIM_TRACK ORDER BY 1"
        )

    # When the model gains one column (in a copy of contracts/model.py's tables) and its SQL is generated
    tempo = Column("tempo", "double", "Beats per minute")
    with_tempo = dataclasses.replace(DIM_TRACK, columns=(*DIM_TRACK.columns[:-3], tempo, *DIM_TRACK.columns[-3:]))
    tables = tuple(with_tempo if t is DIM_TRACK else t for t in TABLES)
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, scripts)
    for name, text in generated_files(tables).items():
        (scripts / name).write_text(text, encoding="utf-8")

    with LocalWarehouse(db, stage, local_config, variables, migrations=load_migrations(scripts)) as warehouse:
        applied = warehouse.apply()
        # ... and the next day's run carries it
        day, run = "2026-03-08", "20260308T061500Z-0a1b2c3d"
        key = write_model_file(
            stage,
            "dim_track",
            day,
            run,
            [{"track_id": "t1", "tempo": 121.5}, {"track_id": "t4", "tempo": 90.0}],
            model_table=with_tempo,
        )
        assert warehouse.ingest("dim_track", key).status == "LOADED"
        warehouse.refresh()

        # Then every script from the landing tables on ran again, nothing versioned
        assert applied == [m.label for m in load_migrations(scripts) if m.repeatable]
        # ... old landing rows kept their values and read null in the new column, new rows carry it (the
        # recreated dim_track pipe loaded the week's recent files again: landing holds both copies of those)
        landing = warehouse.query(
            "SELECT ingest_date, COUNT(*), COUNT(tempo), COUNT(track_name) FROM SPOTIFY.LANDING.DIM_TRACK "
            "GROUP BY ingest_date ORDER BY ingest_date"
        )
        old_days, new_day = landing[:7], landing[7]
        assert [(str(d), tempos, named == rows) for d, rows, tempos, named in old_days] == [(d, 0, True) for d in days]
        assert (str(new_day[0]), new_day[1], new_day[2]) == (day, 2, 2)
        # ... the final table keeps each track once with what it knew, plus the tempo where it is known
        core = warehouse.query("SELECT track_id, track_name, duration_ms, tempo FROM SPOTIFY.CORE.DIM_TRACK ORDER BY 1")
        assert [row[:3] for row in core[:3]] == tracks_before
        assert [(row[0], row[3]) for row in core] == [("t1", 121.5), ("t2", None), ("t3", None), ("t4", 90.0)]
        # ... each play counted once; the fact_play pipe did not change, so it was not recreated; and the report
        # shows the new column
        assert warehouse.query("SELECT COUNT(*) FROM SPOTIFY.CORE.FACT_PLAY") == [(21,)]
        assert warehouse.query("SELECT COUNT(*) FROM SPOTIFY.LANDING.FACT_PLAY") == [(21,)]
        tempos = "SELECT track_id, tempo FROM SPOTIFY.REPORTING.TRACKS WHERE tempo IS NOT NULL ORDER BY 1"
        assert warehouse.query(tempos) == [("t1", 121.5), ("t4", 90.0)]


def test_a_changed_pipe_is_recreated_and_its_recent_files_load_again_without_a_second_final_row(
    tmp_path, warehouse_dirs, local_config, variables
) -> None:
    db, stage = warehouse_dirs
    with LocalWarehouse(db, stage, local_config, variables) as warehouse:
        deliver(warehouse, stage, DAY_1, RUN_1, {"dim_track": [{"track_id": "t1", "track_name": "Jóga"}]})

    # When the dim_track pipe's COPY changes (its comment-free text differs: a column read differently)
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, scripts)
    pipes = (scripts / "R__20_pipes.sql").read_text(encoding="utf-8")
    (scripts / "R__20_pipes.sql").write_text(
        pipes.replace("$1:track_name::VARCHAR", "TRIM($1:track_name::VARCHAR)", 1), encoding="utf-8"
    )
    with LocalWarehouse(db, stage, local_config, variables, migrations=load_migrations(scripts)) as warehouse:
        warehouse.apply()
        warehouse.refresh()

        # Then the file staged just before the pause loaded again through the new pipe (the REFRESH of the
        # gap), and landing holds both copies while the final table holds the track once
        assert warehouse.query("SELECT COUNT(*) FROM SPOTIFY.LANDING.DIM_TRACK") == [(2,)]
        assert warehouse.query("SELECT track_id, track_name FROM SPOTIFY.CORE.DIM_TRACK") == [("t1", "Jóga")]
        stored = warehouse.query(
            "SELECT COPY_SQL, RECREATED_AT FROM SPOTIFY.ADMIN.LOCAL_PIPES WHERE TABLE_NAME = 'dim_track'"
        )
        assert "TRIM(" in stored[0][0] and stored[0][1] is not None
    # ... and after reopening, the recreated pipe still remembers it loaded the file
    with LocalWarehouse(db, stage, local_config, variables, migrations=load_migrations(scripts)) as reopened:
        key = next(str(p.relative_to(stage)) for p in stage.rglob("*.parquet") if "dim_track" in str(p))
        assert reopened.ingest("dim_track", key).status == "LOAD_SKIPPED"
        assert reopened.apply() == []
