"""A whole run against the fake Spotify and moto: the manifest written last (and only for a run that did not fail),
the state handed to the next run, every fault with its outcome, and no secret value anywhere."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from request_log import refused_and_not_asked_again

from contracts.raw_zone import STATE_KEY, Source
from extract.raw_bucket import RawBucket
from extract.run import run_extraction
from local.fake_spotify import FakeSpotify
from local.fake_spotify.catalog import Relation

USER_LISTS = {"user": ["recently_played", "saved_tracks", "top_tracks"], "enrich": False}
ALL_USER = {"enrich": True}  # the configured defaults: every user source, enrichment on


def owned_playlist(server: FakeSpotify) -> str:
    return server.catalog.playlists_with(Relation.OWNED)[0].id


# -- the manifest and the state -----------------------------------------------------------------------------------
def test_the_manifest_is_written_after_every_page_file_and_the_state_after_it(
    spotify: FakeSpotify, extract: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []
    original_put = RawBucket.put

    def recording_put(self: RawBucket, key: str, body: bytes, content_type: str) -> None:
        original_put(self, key, body, content_type)
        written.append(key)

    monkeypatch.setattr(RawBucket, "put", recording_put)
    run = extract(spotify, USER_LISTS)
    assert written[-2:] == [run.summary["manifest_key"], STATE_KEY]
    assert sorted(written[:-2]) == sorted(f.key for f in run.raw.manifest.files)
    # The manifest describes the run: files with their line counts, calls, cursor, status
    manifest = run.raw.manifest
    assert manifest.status == "complete" and manifest.api_mode == "development"
    assert manifest.ingest_date == "2026-11-24" and manifest.run_id == run.summary["run_id"]
    assert manifest.total_lines == len(run.raw.lines) == run.summary["pages"]
    assert manifest.cursors["recently_played_after"] == run.summary["cursors"]["recently_played_after"]


def test_a_failed_run_writes_no_manifest_and_leaves_the_state(
    spotify: FakeSpotify, extract: Any, raw_zone: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = extract(spotify, USER_LISTS)
    state_before = raw_zone.state()
    # Given S3 refusing page files in the middle of the next run
    original_put = RawBucket.put

    def failing_put(self: RawBucket, key: str, body: bytes, content_type: str) -> None:
        if "/saved_tracks/" in key:
            raise OSError("S3 is unreachable")
        original_put(self, key, body, content_type)

    monkeypatch.setattr(RawBucket, "put", failing_put)
    with pytest.raises(OSError, match="S3 is unreachable"):
        extract(spotify, USER_LISTS, day=spotify.day + timedelta(days=1))
    # Then no manifest exists for it (nothing downstream starts) and the next run starts from the same state
    manifests = [k for k in raw_zone.objects() if k.endswith("_manifest.json")]
    assert manifests == [first.summary["manifest_key"]]
    assert raw_zone.state() == state_before


def test_a_rerun_of_the_same_day_gets_a_new_run_and_leaves_the_first_untouched(
    spotify: FakeSpotify, extract: Any, raw_zone: Any
) -> None:
    first = extract(spotify, USER_LISTS)
    first_objects = {k: v for k, v in raw_zone.objects().items() if first.summary["run_id"] in k}
    second = extract(spotify, USER_LISTS)
    assert second.summary["run_id"] != first.summary["run_id"]
    assert second.summary["ingest_date"] == first.summary["ingest_date"]
    assert {k: v for k, v in raw_zone.objects().items() if first.summary["run_id"] in k} == first_objects


def test_an_invocation_without_a_scheduled_time_extracts_for_the_current_utc_day(
    spotify: FakeSpotify, settings_for: Any, only: Any
) -> None:
    settings = settings_for(spotify, only(user=["top_artists"], top_time_ranges=["short_term"]))
    late_evening = datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC)
    summary = run_extraction({}, lambda: 600_000, settings, now=lambda: late_evening)
    assert summary["ingest_date"] == "2026-11-30"
    assert summary["run_id"].startswith("20261130T235959Z-")
    assert "/ingest_date=2026-11-30/" in summary["manifest_key"]


def test_the_state_remembers_the_cursor_and_the_ids_whose_details_were_kept(
    spotify: FakeSpotify, extract: Any, raw_zone: Any
) -> None:
    run = extract(spotify, {"user": ["recently_played", "top_artists"], "enrich": True})
    state = raw_zone.state()
    assert state["recently_played_after"] == run.summary["cursors"]["recently_played_after"]
    assert state["updated_by_run"] == run.summary["run_id"]
    kept_artists = {a["id"] for p in run.raw.pages(Source.TOP_ARTISTS) for a in p["response"]["items"]}
    kept_artists |= {p["response"]["id"] for p in run.raw.pages(Source.ARTISTS)}
    assert set(state["known_artist_ids"]) == kept_artists
    assert set(state["known_album_ids"]) == {p["response"]["id"] for p in run.raw.pages(Source.ALBUMS)}
    assert state["pending"] == []


# -- faults -------------------------------------------------------------------------------------------------------
def test_a_short_retry_after_is_waited_and_the_run_completes(spotify: FakeSpotify, extract: Any) -> None:
    spotify.faults.rate_limit(r"^/v1/me/tracks", retry_after=1, times=1, quota=True)
    run = extract(spotify, USER_LISTS)
    assert run.summary["status"] == "complete"
    assert run.summary["errors"] == []
    assert run.summary["calls"][Source.SAVED_TRACKS] == run.summary["min_calls"][Source.SAVED_TRACKS] + 1


def test_a_retry_after_beyond_the_budget_ends_partial_and_the_next_run_resumes_first(
    spotify: FakeSpotify, extract: Any, raw_zone: Any
) -> None:
    # Given Spotify asking for an hour's pause on the first list, with 100 s of Lambda time left (30 s margin)
    spotify.faults.rate_limit(r"^/v1/me/top/tracks", retry_after=3600, times=1)
    sources = {"user": ["top_tracks", "saved_tracks"], "enrich": False}
    first = extract(spotify, sources, remaining_ms=100_000, concurrency=1)
    # Then the run stops cleanly: the manifest is partial and says what is left; nothing was waited for
    assert first.summary["status"] == first.raw.manifest.status == "partial"
    assert "3600" in first.summary["stop_reason"]
    left = [(p.source, p.entity_id) for p in first.raw.manifest.pending]
    assert left == [
        (Source.TOP_TRACKS, "short_term"),
        (Source.TOP_TRACKS, "medium_term"),
        (Source.TOP_TRACKS, "long_term"),
        (Source.SAVED_TRACKS, None),
    ]
    assert [(p["source"], p["entity_id"]) for p in raw_zone.state()["pending"]] == left
    # When the next run starts (the pause is over) with only recently played configured
    spotify.reset_requests()
    second = extract(spotify, {"user": ["recently_played"], "enrich": False}, concurrency=1)
    # Then the pending work goes first, then the day's sources, and nothing is left
    order = [r.path for r in spotify.requests if r.path.startswith("/v1/")]
    assert order[0] == "/v1/me/top/tracks" and order[-1] == "/v1/me/player/recently-played"
    assert second.summary["status"] == "complete"
    assert {p["entity_id"] for p in second.raw.pages(Source.TOP_TRACKS)} == {"short_term", "medium_term", "long_term"}
    assert second.raw.pages(Source.SAVED_TRACKS)
    assert raw_zone.state()["pending"] == []


def test_pages_fetched_before_the_stop_are_kept(spotify: FakeSpotify, extract: Any) -> None:
    # Given the third page of saved tracks answered with a long Retry-After
    spotify.faults.rate_limit(r"^/v1/me/tracks", retry_after=3600, times=1)
    spotify.faults.rules[-1].path = r"^/v1/me/tracks$"
    first = extract(spotify, {"user": ["saved_tracks"], "enrich": False}, remaining_ms=100_000)
    assert first.summary["status"] == "partial"
    assert first.summary["pending"] == [{"source": Source.SAVED_TRACKS, "entity_id": None}]


def test_a_burst_of_server_errors_is_retried_to_success(spotify: FakeSpotify, extract: Any) -> None:
    spotify.faults.server_errors(r"^/v1/me/top/tracks", status=503, times=2)
    run = extract(spotify, USER_LISTS)
    assert run.summary["status"] == "complete" and run.summary["errors"] == []
    assert run.summary["calls"][Source.TOP_TRACKS] == run.summary["min_calls"][Source.TOP_TRACKS] + 2


def test_server_errors_that_outlast_the_attempts_are_recorded_and_the_run_goes_on(
    spotify: FakeSpotify, extract: Any
) -> None:
    spotify.faults.server_errors(r"^/v1/me/tracks", status=500, times=None)
    run = extract(spotify, USER_LISTS)
    assert run.summary["status"] == "complete"
    (error,) = run.summary["errors"]
    assert (error["source"], error["status"]) == (Source.SAVED_TRACKS, 500)
    assert "gave up after 3 attempts" in error["message"]
    assert run.raw.pages(Source.TOP_TRACKS)


def test_a_dropped_connection_is_retried(spotify: FakeSpotify, extract: Any) -> None:
    spotify.faults.drop_connection(r"^/v1/me/player/recently-played", times=1)
    run = extract(spotify, USER_LISTS)
    assert run.summary["status"] == "complete" and run.summary["errors"] == []
    assert run.raw.pages(Source.RECENTLY_PLAYED)


def test_a_response_slower_than_the_timeout_is_retried(spotify: FakeSpotify, extract: Any) -> None:
    spotify.faults.slow(r"^/v1/me/top/tracks", delay_ms=1500, times=1)
    run = extract(spotify, USER_LISTS, request_timeout_seconds=0.5)
    assert run.summary["status"] == "complete" and run.summary["errors"] == []
    # At least the slowed call again: on a busy machine another call may also outlast the timeout and be retried.
    assert run.summary["calls"][Source.TOP_TRACKS] >= run.summary["min_calls"][Source.TOP_TRACKS] + 1


def test_a_token_expiring_mid_run_is_refreshed_once_and_the_run_completes(spotify: FakeSpotify, extract: Any) -> None:
    spotify.faults.expire_token_after(5)
    run = extract(spotify, USER_LISTS)
    assert run.summary["status"] == "complete" and run.summary["errors"] == []
    token_requests = [r for r in spotify.requests if r.path == "/api/token"]
    assert len(token_requests) >= 3  # the app and user tokens, then a refresh after the expiry
    assert sum(run.summary["calls"].values()) > sum(run.summary["min_calls"].values())


def test_a_request_in_flight_when_the_tokens_expire_is_asked_again_and_read_once(
    spotify: FakeSpotify, extract: Any
) -> None:
    """The interleaving behind a flaky fault-matrix row, made deterministic: the first playlists page is held by the
    server past the client's timeout; the client's retry arrives after every token expired (401), is refreshed and
    answered; only then is the held answer released. No request may look dropped after its 401, and the run reads
    the page once."""
    held = spotify.faults.slow(r"^/v1/me/playlists$", delay_ms=30_000, times=1)
    # The second request to the path (the retry) expires every token before it is authenticated: the held one
    # was authenticated on arrival with a token that was still valid.
    spotify.faults.expire_token_after(1, path=r"^/v1/me/playlists$")
    try:
        run = extract(spotify, {"user": ["user_playlists"], "enrich": False}, request_timeout_seconds=0.3)
    finally:
        held.release()
    assert run.summary["status"] == "complete" and run.summary["errors"] == []
    first_page = [r for r in spotify.requests if r.path == "/v1/me/playlists" and r.query.get("offset") == "0"]
    # As they arrived: the held request (answered 200, too late), the retry refused, the retry after the refresh
    assert [r.status for r in first_page] == [200, 401, 200]
    assert refused_and_not_asked_again(spotify.requests) == []
    assert len(run.raw.pages(Source.USER_PLAYLISTS)) == run.summary["min_calls"][Source.USER_PLAYLISTS]


def test_a_deleted_playlist_is_recorded_and_the_run_goes_on(spotify: FakeSpotify, extract: Any) -> None:
    deleted = owned_playlist(spotify)
    spotify.faults.delete_playlist(deleted)
    run = extract(spotify, {"user": ["user_playlists"], "enrich": False})
    assert run.summary["status"] == "complete"
    assert run.summary["errors"] == [
        {"source": Source.PLAYLISTS, "entity_id": deleted, "status": 404, "message": "Resource not found"}
    ]
    others = {p["entity_id"] for p in run.raw.pages(Source.PLAYLISTS)}
    assert deleted not in others and len(others) >= 5


def test_a_page_whose_body_stays_malformed_is_kept_as_text_and_the_list_goes_on(
    spotify: FakeSpotify, extract: Any
) -> None:
    # Given the second page of saved tracks always cut in half
    spotify.faults.malformed_json(r"^/v1/me/tracks", times=None)
    spotify.faults.rules[-1].path = r"^/v1/me/tracks$"
    run = extract(spotify, {"user": ["saved_tracks"], "enrich": False})
    pages = run.raw.pages(Source.SAVED_TRACKS)
    broken = [p for p in pages if p["response"] is None]
    assert broken and all(p["response_text"] for p in broken)
    assert all(e["source"] == Source.SAVED_TRACKS and e["status"] == 200 for e in run.summary["errors"])
    assert len(run.summary["errors"]) == len(broken)


def test_a_malformed_page_that_recovers_on_retry_leaves_no_trace(spotify: FakeSpotify, extract: Any) -> None:
    spotify.faults.malformed_json(r"^/v1/me/top/tracks", times=1)
    run = extract(spotify, USER_LISTS)
    assert all(p["response"] is not None for p in run.raw.pages(Source.TOP_TRACKS))
    assert run.summary["errors"] == []


def test_a_refused_refresh_token_fails_the_run_in_one_line_before_anything_is_written(
    spotify: FakeSpotify, settings_for: Any, raw_zone: Any
) -> None:
    revoked = {"refresh_token": "AQ-revoked", "scope": spotify.user_scope}
    summary = run_extraction({}, lambda: 600_000, settings_for(spotify, user_token=revoked))
    assert summary["status"] == "failed"
    assert "Spotify refused the refresh token" in summary["error"] and "\n" not in summary["error"]
    assert raw_zone.objects() == {}


# -- secrets ------------------------------------------------------------------------------------------------------
def test_no_secret_value_reaches_the_logs_or_any_object_in_s3(
    aws: str,
    extract: Any,
    raw_zone: Any,
    extract_logs: list[str],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    with FakeSpotify(mode="development", rotate_refresh_token=True, token_ttl_seconds=3600) as server:
        server.faults.expire_token_after(20)  # a refresh mid-run too
        with caplog.at_level(logging.DEBUG):
            first = extract(server, ALL_USER)
            second = extract(server, ALL_USER, day=server.day + timedelta(days=1))
        stored = json.loads(
            boto3.client("secretsmanager").get_secret_value(SecretId=raw_zone.user_token_secret_id)["SecretString"]
        )
        issued = list(server.tokens._tokens)  # every access token the fake issued (test-only look inside)
        secret_values = [server.client_secret, server.refresh_token, stored["access_token"], *issued]
    assert first.summary["status"] == second.summary["status"] == "complete"
    # The extraction's own records, every library's (spotipy, botocore, urllib3) at DEBUG, and anything printed
    output = "\n".join(extract_logs) + caplog.text + "".join(capfd.readouterr())
    assert "extraction" in output and "botocore" in output
    s3_text = b"".join(raw_zone.objects().values()).decode("latin-1")  # gzip bytes compared as raw too
    s3_lines = json.dumps([first.raw.lines, second.raw.lines, first.summary, second.summary])
    for value in secret_values:
        assert value not in output
        assert value not in s3_text
        assert value not in s3_lines
    assert not re.search(r"Bearer [A-Za-z0-9_-]{20,}", output + s3_lines)
    assert "Authorization" not in s3_lines
