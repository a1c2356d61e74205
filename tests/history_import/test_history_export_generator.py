"""The fake listener's history export (local/fake_spotify/history_export.py): what a user downloading theirs gets,
and the same plays the fake serves through recently played."""

from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta

from contracts.model import PLAY_MATCH_TOLERANCE_MS
from history_import.export_format import CURRENT_FIELDS, OLDER_FIELDS
from local.fake_spotify.activity import plays_on
from local.fake_spotify.catalog import Catalog
from local.fake_spotify.history_export import (
    API_MIN_MS_PLAYED,
    EXPORT_FOLDER,
    export_streams,
    history_days,
    write_export,
)

CATALOG = Catalog(42, 60)
# Across the change of field set (2023) and the year without reason_end (2022).
DAYS = history_days(date(2022, 12, 20), date(2023, 1, 10))


def _rows(path):
    with zipfile.ZipFile(path) as archive:
        members = sorted(n for n in archive.namelist() if "Streaming_History_Audio_" in n)
        return members, [row for name in members for row in json.loads(archive.read(name))], archive.namelist()


def test_the_export_is_a_zip_of_json_arrays_as_spotify_ships_it(tmp_path):
    path = write_export(tmp_path / "my_spotify_data.zip", CATALOG, export_streams(CATALOG, DAYS), rows_per_file=300)
    members, rows, names = _rows(path)

    assert len(members) >= 2 and all(m.startswith(f"{EXPORT_FOLDER}/Streaming_History_Audio_") for m in members)
    assert any(n.endswith(".pdf") for n in names) and any("Streaming_History_Video_" in n for n in names)
    # Named by the years of their rows and numbered, as Spotify names them.
    assert {m.rsplit("_", 1)[-1] for m in members} == {f"{n}.json" for n in range(len(members))}
    assert any("_2022-2023_" in m for m in members) and any(m.endswith("_2023_2.json") for m in members)
    assert len(rows) == len(export_streams(CATALOG, DAYS))


def test_rows_use_the_older_field_set_before_2023_and_the_current_one_after(tmp_path):
    _, rows, _ = _rows(write_export(tmp_path / "e.zip", CATALOG, export_streams(CATALOG, DAYS)))
    older = [r for r in rows if r["ts"] < "2023"]
    current = [r for r in rows if r["ts"] >= "2023"]

    assert older and current
    assert all(set(r) <= OLDER_FIELDS and "username" in r and "ip_addr_decrypted" in r for r in older)
    assert all(set(r) <= CURRENT_FIELDS and "ip_addr" in r and "audiobook_uri" in r for r in current)
    # 2022 is a year whose rows lack reason_end, as some years of real exports do.
    assert all("reason_end" not in r for r in older) and all("reason_end" in r for r in current)


def test_rows_hold_partial_plays_and_podcast_episodes():
    streams = export_streams(CATALOG, DAYS)

    partial = [s for s in streams if s.track_id and s.ms_played < API_MIN_MS_PLAYED]
    assert partial and min(s.ms_played for s in partial) < 1_000 and all(s.api_played_at is None for s in partial)
    episodes = [s for s in streams if s.episode_id]
    assert episodes and all(s.track_id is None for s in episodes)


def test_every_play_recently_played_serves_is_a_row_of_the_same_track_ending_within_the_tolerance():
    day = date(2026, 11, 24)
    streams = export_streams(CATALOG, [day])
    by_play = {s.api_played_at: s for s in streams if s.api_played_at is not None}

    plays = plays_on(CATALOG, day)
    assert len(by_play) == len(plays)
    for play in plays:
        stream = by_play[play.played_at]
        assert stream.track_id == play.track_id
        assert stream.ts.microsecond == 0
        assert abs(stream.ts - play.played_at) <= timedelta(milliseconds=PLAY_MATCH_TOLERANCE_MS)


def test_the_same_period_gives_the_same_bytes(tmp_path):
    first = write_export(tmp_path / "a.zip", CATALOG, export_streams(CATALOG, DAYS))
    second = write_export(tmp_path / "b.zip", CATALOG, export_streams(CATALOG, DAYS))

    assert first.read_bytes() == second.read_bytes()


def test_a_sparse_history_keeps_every_day_of_its_dense_end_only():
    days = history_days(date(2021, 1, 1), date(2026, 11, 30), sparse_before=date(2026, 11, 1), every=30)

    assert days[-30:] == [date(2026, 11, 1) + timedelta(days=n) for n in range(30)]
    assert 60 < len(days) < 120
