"""The tracks a history import names by id only, enriched by the daily runs (extract.history_tracks): each once,
at most TRACKS_PER_RUN a run, the rest the next runs, and their albums and artists enriched like any new id."""

from __future__ import annotations

import json

import boto3

from contracts.raw_zone import STATE_KEY, Source, history_tracks_key
from extract.history_tracks import tracks_to_fetch


def _imported(bucket: str, run_id: str, track_ids: list[str]) -> None:
    body = json.dumps({"run_id": run_id, "track_ids": track_ids})
    boto3.client("s3").put_object(Bucket=bucket, Key=history_tracks_key(run_id), Body=body)


def _known_tracks(bucket: str) -> set[str]:
    state = json.loads(boto3.client("s3").get_object(Bucket=bucket, Key=STATE_KEY)["Body"].read())
    return set(state["known_track_ids"])


def test_tracks_to_fetch_takes_the_first_unknown_ids_up_to_the_limit():
    assert tracks_to_fetch(["c", "a", "b", "d"], frozenset({"b"}), limit=2) == ["a", "c"]
    assert tracks_to_fetch(["a"], frozenset({"a"})) == []


def test_a_daily_run_fetches_the_imported_tracks_once_with_their_albums_and_artists(spotify, extract, only, raw_bucket):
    track_ids = sorted(spotify.catalog.track_ids)[:3]
    _imported(raw_bucket, "20230103T235959Z-0a1b2c3d", track_ids)

    first = extract(spotify, only(user=["recently_played"], enrich=True))

    pages = first.raw.pages(Source.TRACKS)
    assert sorted(page["entity_id"] for page in pages) == track_ids
    assert all(page["response"]["id"] == page["entity_id"] for page in pages)
    album_ids = {spotify.catalog.tracks[t].album_id for t in track_ids}
    assert album_ids <= {page["entity_id"] for page in first.raw.pages(Source.ALBUMS)}
    assert _known_tracks(raw_bucket) == set(track_ids)

    second = extract(spotify, only(user=["recently_played"], enrich=True))

    assert second.raw.pages(Source.TRACKS) == []


def test_a_long_history_is_enriched_over_several_runs(spotify, extract, only, raw_bucket, monkeypatch):
    monkeypatch.setattr("extract.history_tracks.TRACKS_PER_RUN", 2)
    track_ids = sorted(spotify.catalog.track_ids)[:5]
    _imported(raw_bucket, "20230103T235959Z-0a1b2c3d", track_ids[:3])
    _imported(raw_bucket, "20240103T235959Z-0a1b2c3e", track_ids[2:])

    runs = [extract(spotify, only(user=["recently_played"], enrich=True)) for _ in range(3)]

    fetched = [sorted(page["entity_id"] for page in run.raw.pages(Source.TRACKS)) for run in runs]

    assert fetched == [track_ids[:2], track_ids[2:4], track_ids[4:]]
    assert _known_tracks(raw_bucket) == set(track_ids)


def test_extended_mode_fetches_the_tracks_in_batches(spotify_extended, extract, only, raw_bucket):
    track_ids = sorted(spotify_extended.catalog.track_ids)[:3]
    _imported(raw_bucket, "20230103T235959Z-0a1b2c3d", track_ids)

    run = extract(spotify_extended, only(user=["recently_played"], enrich=True))

    pages = run.raw.pages(Source.TRACKS)
    assert len(pages) == 1 and [t["id"] for t in pages[0]["response"]["tracks"]] == track_ids
    assert _known_tracks(raw_bucket) == set(track_ids)


def test_without_enrichment_no_track_is_fetched(spotify, extract, only, raw_bucket):
    _imported(raw_bucket, "20230103T235959Z-0a1b2c3d", sorted(spotify.catalog.track_ids)[:3])

    run = extract(spotify, only(user=["recently_played"], enrich=False))

    assert run.raw.pages(Source.TRACKS) == []
