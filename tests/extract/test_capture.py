"""Captures of recently played between daily runs, gap detection, and the handoff of captures to the daily run's
manifest: every play read once, every gap recorded, each capture listed in exactly one manifest."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import boto3
import pytest

from contracts.manifest import CaptureManifest, Manifest
from contracts.raw_zone import CAPTURES_ROOT, MANIFEST_NAME, STATE_KEY, CaptureLocation, Source
from extract.capture import capture_event
from extract.raw_bucket import RawBucket
from extract.raw_writer import part_lines
from extract.run import run_capture, run_extraction
from extract.service import PLAY_GAPS, run_metrics
from extract.settings import ExtractSettings
from local.fake_spotify import FakeSpotify
from tests.extract.conftest import DAY, RAW_BUCKET

SATURDAY = DAY + timedelta(days=4)  # more than 50 plays
PLAYS_ONLY = {"user": ["recently_played"], "enrich": False}


def at(day: Any, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def capture(server: FakeSpotify, settings: ExtractSettings, moment: datetime) -> dict[str, Any]:
    server.set_moment(moment)
    return run_capture(capture_event(moment.isoformat()), lambda: 600_000, settings, now=lambda: moment)


def daily(server: FakeSpotify, settings: ExtractSettings, day: Any) -> dict[str, Any]:
    server.set_day(day)
    return run_extraction({"time": f"{day.isoformat()}T06:15:00Z"}, lambda: 600_000, settings)


def manifest_at(key: str) -> Manifest:
    return Manifest.from_json(boto3.client("s3").get_object(Bucket=RAW_BUCKET, Key=key)["Body"].read().decode())


def played_at_in(keys: list[str]) -> list[str]:
    """Every play's played_at in the given page files, in file order."""
    s3, played = boto3.client("s3"), []
    for key in keys:
        for line in part_lines(s3.get_object(Bucket=RAW_BUCKET, Key=key)["Body"].read()):
            played += [item["played_at"] for item in json.loads(line)["response"]["items"]]
    return played


def state() -> dict[str, Any]:
    return json.loads(boto3.client("s3").get_object(Bucket=RAW_BUCKET, Key=STATE_KEY)["Body"].read())


def keys() -> list[str]:
    return [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=RAW_BUCKET).get("Contents", [])]


def api_ms(played_at: str) -> int:
    return ms(datetime.fromisoformat(played_at.replace("Z", "+00:00")))


@pytest.fixture
def plays_settings(spotify: FakeSpotify, settings_for: Callable[..., ExtractSettings]) -> ExtractSettings:
    return settings_for(spotify, PLAYS_ONLY)


# -- gaps --------------------------------------------------------------------------------------------------------
def test_a_daily_read_of_a_busy_day_records_the_gap_it_could_not_reach(
    spotify: FakeSpotify, plays_settings: ExtractSettings
) -> None:
    # Given the cursor at the end of Friday, and a Saturday with more than 50 plays
    friday = daily(spotify, plays_settings, SATURDAY - timedelta(days=1))
    cursor = int(friday["cursors"]["recently_played_after"])
    plays = spotify.catalog.state_on(SATURDAY).plays
    assert len(plays) > 50
    # When Saturday's daily run reads recently played
    saturday = daily(spotify, plays_settings, SATURDAY)
    # Then its manifest and the state record the gap: after the cursor, before the oldest play it got
    manifest = manifest_at(saturday["manifest_key"])
    oldest_read = plays[-50]
    [gap] = manifest.gaps
    assert (gap.source, gap.detected_by) == (Source.RECENTLY_PLAYED, saturday["run_id"])
    assert api_ms(gap.gap_from) == cursor
    assert api_ms(gap.gap_to) == ms(oldest_read.played_at)
    assert state()["gaps"][-1] == json.loads(json.dumps(gap.__dict__))
    # and the plays missing from the raw zone are exactly those strictly inside it
    read = {api_ms(p) for p in played_at_in([f.key for f in manifest.files])}
    missing = {ms(p.played_at) for p in plays} - read
    assert len(missing) == len(plays) - 50
    assert all(api_ms(gap.gap_from) < m < api_ms(gap.gap_to) for m in missing)
    # and the summary counts it for the metric
    assert run_metrics(saturday)[PLAY_GAPS] == 1


def test_a_read_that_reaches_its_cursor_records_no_gap(spotify: FakeSpotify, plays_settings: ExtractSettings) -> None:
    daily(spotify, plays_settings, DAY - timedelta(days=1))
    tuesday = daily(spotify, plays_settings, DAY)
    assert len(spotify.catalog.state_on(DAY).plays) < 50
    assert manifest_at(tuesday["manifest_key"]).gaps == []
    assert run_metrics(tuesday)[PLAY_GAPS] == 0


def test_the_first_read_ever_records_that_older_plays_are_beyond_reach(
    spotify: FakeSpotify, plays_settings: ExtractSettings
) -> None:
    first = daily(spotify, plays_settings, DAY)
    [gap] = manifest_at(first["manifest_key"]).gaps
    assert gap.gap_from is None
    assert api_ms(gap.gap_to) == ms(spotify.catalog.state_on(DAY).recent_plays[-1].played_at)


# -- captures ------------------------------------------------------------------------------------------------------
def test_a_capture_writes_its_pages_and_capture_manifest_outside_every_run_and_moves_the_cursor(
    spotify: FakeSpotify, plays_settings: ExtractSettings
) -> None:
    daily(spotify, plays_settings, SATURDAY - timedelta(days=1))
    before = state()
    summary = capture(spotify, plays_settings, at(SATURDAY, 10, 30))
    # Then the pages and `_capture.json` are under the captures prefix; no run manifest exists for it
    location = CaptureLocation.from_key(summary["manifest_key"])
    assert summary["manifest_key"].startswith(CAPTURES_ROOT + "/capture_date=2026-11-28/")
    assert summary["files"] and all(key.startswith(location.prefix) for key in summary["files"])
    assert not any(key.endswith(MANIFEST_NAME) and key.startswith(CAPTURES_ROOT) for key in keys())
    body = boto3.client("s3").get_object(Bucket=RAW_BUCKET, Key=summary["manifest_key"])["Body"].read().decode()
    manifest = CaptureManifest.from_json(body)
    assert [f.key for f in manifest.files] == summary["files"]
    # and it read the plays since the cursor up to 10:30, in one call
    expected = [p for p in spotify.catalog.state_on(SATURDAY).plays if p.played_at <= at(SATURDAY, 10, 30)]
    assert sorted(api_ms(p) for p in played_at_in(summary["files"])) == [ms(p.played_at) for p in expected]
    assert summary["calls"] == {Source.RECENTLY_PLAYED: 1} and summary["gaps"] == []
    # and the state moved the cursor and put the capture in the handoff ledger
    after = state()
    assert int(after["recently_played_after"]) == ms(expected[-1].played_at)
    assert after["captures"] == [
        {"capture_id": location.capture_id, "manifest_key": summary["manifest_key"], "taken_by": None}
    ]
    assert after["known_artist_ids"] == before["known_artist_ids"]


def test_the_daily_run_hands_off_every_capture_once_and_every_play_arrives_once(
    spotify: FakeSpotify, plays_settings: ExtractSettings
) -> None:
    # Given captures every 2 hours through a Saturday with more than 50 plays
    daily(spotify, plays_settings, SATURDAY - timedelta(days=1))
    captures = [capture(spotify, plays_settings, at(SATURDAY, hour)) for hour in range(2, 24, 2)]
    # When Saturday's daily run runs
    saturday = daily(spotify, plays_settings, SATURDAY)
    manifest = manifest_at(saturday["manifest_key"])
    # Then its manifest lists every capture and its files with its own
    assert [c.capture_id for c in manifest.captures] == [c["capture_id"] for c in captures]
    assert {key for c in captures for key in c["files"]} <= {f.key for f in manifest.files}
    # and across them every play of the day is read exactly once, with no gap
    read = [api_ms(p) for p in played_at_in([f.key for f in manifest.files])]
    day_plays = [ms(p.played_at) for p in spotify.catalog.state_on(SATURDAY).plays]
    assert sorted(m for m in read if m >= ms(at(SATURDAY, 0))) == day_plays
    assert len(read) == len(set(read))
    assert manifest.gaps == []
    # and the ledger is empty: the next run hands off nothing again
    assert state()["captures"] == []
    sunday = daily(spotify, plays_settings, SATURDAY + timedelta(days=1))
    assert manifest_at(sunday["manifest_key"]).captures == []


def test_a_capture_gap_reaches_the_daily_manifest(spotify: FakeSpotify, plays_settings: ExtractSettings) -> None:
    daily(spotify, plays_settings, SATURDAY - timedelta(days=1))
    late = capture(spotify, plays_settings, at(SATURDAY, 23, 30))  # one capture for a whole busy day
    assert len(late["gaps"]) == 1
    saturday = daily(spotify, plays_settings, SATURDAY)
    gaps = manifest_at(saturday["manifest_key"]).gaps
    assert [g.detected_by for g in gaps] == [late["capture_id"]]
    assert run_metrics(late)[PLAY_GAPS] == 1
    assert run_metrics(saturday)[PLAY_GAPS] == 0  # counted once, when the capture found it


def failing_put(monkeypatch: pytest.MonkeyPatch, refuse: Callable[[str], bool]) -> None:
    original = RawBucket.put

    def put(self: RawBucket, key: str, body: bytes, content_type: str) -> None:
        if refuse(key):
            raise OSError(f"S3 refused {key}")
        original(self, key, body, content_type)

    monkeypatch.setattr(RawBucket, "put", put)


def test_a_capture_that_fails_before_its_state_hands_off_nothing_and_the_next_read_gets_its_plays(
    spotify: FakeSpotify, plays_settings: ExtractSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    daily(spotify, plays_settings, SATURDAY - timedelta(days=1))
    before = state()
    with monkeypatch.context() as patch:
        failing_put(patch, lambda key: key == STATE_KEY)
        with pytest.raises(OSError):
            capture(spotify, plays_settings, at(SATURDAY, 8))
    assert state() == before
    retried = capture(spotify, plays_settings, at(SATURDAY, 9))
    saturday = daily(spotify, plays_settings, SATURDAY)
    manifest = manifest_at(saturday["manifest_key"])
    assert [c.capture_id for c in manifest.captures] == [retried["capture_id"]]
    read = [api_ms(p) for p in played_at_in([f.key for f in manifest.files])]
    assert sorted(m for m in read if m >= ms(at(SATURDAY, 0))) == [
        ms(p.played_at) for p in spotify.catalog.state_on(SATURDAY).plays
    ]


@pytest.mark.parametrize("fails", ["manifest", "state after the manifest"])
def test_a_daily_run_that_fails_mid_handoff_leaves_each_capture_in_exactly_one_manifest(
    fails: str, spotify: FakeSpotify, plays_settings: ExtractSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    daily(spotify, plays_settings, SATURDAY - timedelta(days=1))
    taken = capture(spotify, plays_settings, at(SATURDAY, 12))
    # Given the daily run failing on its manifest, or on the state it writes after its manifest
    manifest_written = []

    def refuse(key: str) -> bool:
        if key.endswith(MANIFEST_NAME):
            if fails == "manifest":
                return True
            manifest_written.append(key)
        return fails != "manifest" and key == STATE_KEY and bool(manifest_written)

    with monkeypatch.context() as patch:
        failing_put(patch, refuse)
        with pytest.raises(OSError):
            daily(spotify, plays_settings, SATURDAY)
    # When the daily run is retried
    retry = daily(spotify, plays_settings, SATURDAY)
    # Then the capture is in exactly one manifest of all the runs
    manifests = [manifest_at(key) for key in keys() if key.endswith(MANIFEST_NAME)]
    holding = [m.run_id for m in manifests if taken["capture_id"] in [c.capture_id for c in m.captures]]
    expected = [retry["run_id"]] if fails == "manifest" else [manifest_written[0].split("run_id=")[1].split("/")[0]]
    assert holding == expected
    assert state()["captures"] == []


def test_a_capture_without_recently_played_selected_stops_with_one_line(
    spotify: FakeSpotify, settings_for: Callable[..., ExtractSettings]
) -> None:
    settings = settings_for(spotify, {"user": ["saved_tracks"], "enrich": False})
    summary = capture(spotify, settings, at(SATURDAY, 10))
    assert summary["status"] == "failed"
    assert "recently_played" in summary["error"] and "[capture]" in summary["error"]
    assert STATE_KEY not in keys()


def test_the_handler_runs_a_capture_for_a_capture_event(
    spotify: FakeSpotify, plays_settings: ExtractSettings, lambda_context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extract.handler import handler
    from extract.settings import ExtractSettings as Settings

    monkeypatch.setattr(Settings, "from_environment", classmethod(lambda cls: plays_settings))
    spotify.set_moment(at(SATURDAY, 10))
    summary = handler(capture_event("2026-11-28T10:00:00Z"), lambda_context())
    assert summary["capture_id"] and summary["manifest_key"].startswith(CAPTURES_ROOT)
    assert not any(key.endswith(MANIFEST_NAME) for key in keys())
