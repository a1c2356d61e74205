"""Raw page files: envelopes per the raw-zone contract, gzip JSON Lines parts, checksums the manifest can trust."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import date

import boto3

from contracts.raw_zone import ENVELOPE_FIELDS, RunLocation, Source
from extract.raw_bucket import RawBucket
from extract.raw_writer import RawWriter
from extract.requester import RawPage

LOCATION = RunLocation(date(2026, 11, 24), "20261124T061503Z-1a2b3c4d")


def page(source: str, n: int, malformed_text: str | None = None) -> RawPage:
    return RawPage(
        source=source,
        entity_id="pl1" if source == Source.PLAYLIST_ITEMS else None,
        endpoint="/v1/playlists/{playlist_id}/items",
        url=f"http://127.0.0.1/v1/playlists/pl1/items?offset={n * 50}&limit=50",
        params={"offset": str(n * 50), "limit": "50"},
        status=200,
        fetched_at="2026-11-24T06:15:03.123Z",
        response=None if malformed_text else {"items": [{"item": {"name": "Sigur Rós"}}], "offset": n * 50},
        response_text=malformed_text,
    )


def test_pages_become_envelope_lines_in_gzip_parts_split_at_the_part_size(raw_bucket: str) -> None:
    # Given a writer with parts of 2 pages
    writer = RawWriter(RawBucket(raw_bucket), LOCATION, "development", pages_per_file=2)
    # When 5 pages of one source and 1 of another are added
    for n in range(5):
        writer.add(page(Source.PLAYLIST_ITEMS, n))
    writer.add(page(Source.SAVED_TRACKS, 0))
    files = writer.close()
    # Then the playlist items fill parts 0-2 and every file is described exactly as stored
    assert [(f.source, f.key.rsplit("/", 1)[1], f.lines) for f in files] == [
        (Source.PLAYLIST_ITEMS, "part-00000.jsonl.gz", 2),
        (Source.PLAYLIST_ITEMS, "part-00001.jsonl.gz", 2),
        (Source.PLAYLIST_ITEMS, "part-00002.jsonl.gz", 1),
        (Source.SAVED_TRACKS, "part-00000.jsonl.gz", 1),
    ]
    s3 = boto3.client("s3")
    lines = []
    for described in files:
        assert described.key == LOCATION.page_file_key(described.source, int(described.key[-14:-9]))
        stored = s3.get_object(Bucket=raw_bucket, Key=described.key)["Body"].read()
        assert (len(stored), hashlib.sha256(stored).hexdigest()) == (described.bytes, described.sha256)
        lines += [json.loads(line) for line in gzip.decompress(stored).decode("utf-8").splitlines()]
    # And each line is the envelope of the contract, with the body unmodified (non-ASCII kept)
    assert all(tuple(line) == ENVELOPE_FIELDS for line in lines)
    assert [line["response"]["offset"] for line in lines[:5]] == [0, 50, 100, 150, 200]
    assert lines[0]["response"]["items"][0]["item"]["name"] == "Sigur Rós"
    assert lines[0]["request"] == {
        "method": "GET",
        "endpoint": "/v1/playlists/{playlist_id}/items",
        "url": "http://127.0.0.1/v1/playlists/pl1/items?offset=0&limit=50",
        "params": {"offset": "0", "limit": "50"},
    }
    assert lines[0]["api_mode"] == "development"


def test_a_malformed_page_is_written_with_its_text(raw_bucket: str) -> None:
    writer = RawWriter(RawBucket(raw_bucket), LOCATION, "extended")
    writer.add(page(Source.SEARCH, 0, malformed_text='{"tracks": {"ite'))
    (described,) = writer.close()
    stored = boto3.client("s3").get_object(Bucket=raw_bucket, Key=described.key)["Body"].read()
    line = json.loads(gzip.decompress(stored))
    assert line["response"] is None
    assert line["response_text"] == '{"tracks": {"ite'


def test_the_same_pages_give_the_same_bytes(raw_bucket: str) -> None:
    first, second = (RawWriter(RawBucket(raw_bucket), loc, "development") for loc in (LOCATION, LOCATION))
    first.add(page(Source.SAVED_TRACKS, 0))
    (one,) = first.close()
    second.add(page(Source.SAVED_TRACKS, 0))
    (two,) = second.close()
    assert one.sha256 == two.sha256


def test_a_run_without_pages_writes_no_files(raw_bucket: str) -> None:
    assert RawWriter(RawBucket(raw_bucket), LOCATION, "development").close() == []
    assert "Contents" not in boto3.client("s3").list_objects_v2(Bucket=raw_bucket)
