"""The state one run leaves for the next: round trip, first run, and an unreadable object told in one line."""

from __future__ import annotations

import boto3
import pytest

from contracts.manifest import PendingWork
from contracts.raw_zone import STATE_KEY
from extract.raw_bucket import RawBucket
from extract.state import ExtractState, StateError, load_state, save_state


def test_state_round_trips_through_the_raw_bucket(raw_bucket: str) -> None:
    state = ExtractState(
        recently_played_after="1795500000123",
        known_artist_ids=frozenset({"a2", "a1"}),
        known_album_ids=frozenset({"b1"}),
        pending=(PendingWork("albums", "b9"), PendingWork("recently_played", None)),
        updated_by_run="20261124T061503Z-1a2b3c4d",
    )
    save_state(RawBucket(raw_bucket), state)
    assert load_state(RawBucket(raw_bucket)) == state


def test_before_the_first_run_the_state_is_empty(raw_bucket: str) -> None:
    assert load_state(RawBucket(raw_bucket)) == ExtractState()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "is not valid JSON"),
        (b'{"state_version": 99}', "is not state_version 1"),
        (b'{"state_version": 1, "pending": []}', "is missing or mistypes"),
        (
            b'{"state_version": 1, "known_artist_ids": [], "known_album_ids": [],'
            b' "pending": [{"source": "podcasts", "entity_id": null}]}',
            "unknown source 'podcasts'",
        ),
    ],
)
def test_an_unreadable_state_names_the_object_and_the_way_out(raw_bucket: str, body: bytes, problem: str) -> None:
    boto3.client("s3").put_object(Bucket=raw_bucket, Key=STATE_KEY, Body=body)
    with pytest.raises(StateError) as error:
        load_state(RawBucket(raw_bucket))
    message = str(error.value)
    assert problem in message
    assert f"s3://{raw_bucket}/{STATE_KEY}" in message
    assert "delete it to start afresh" in message
