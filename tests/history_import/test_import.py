"""The history import (lambda_src/history_import): an upload becomes raw-zone pages under its own source with a
manifest of their own; a bad upload ends with one line and leaves nothing behind; the same upload twice imports once."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import boto3
import pytest

from contracts.manifest import Manifest
from contracts.raw_zone import IMPORTS_PREFIX, ApiMode, Source
from extract.raw_bucket import RawBucket
from extract.raw_writer import part_lines
from history_import.export_format import PERSONAL_FIELDS
from history_import.importer import import_upload
from history_import.run import STATUS_ALREADY_IMPORTED, STATUS_IMPORTED, STATUS_REJECTED, import_history
from local.fake_spotify.catalog import Catalog
from local.fake_spotify.history_export import export_members, export_streams, history_days, write_export

RAW = "spotify-pipeline-test-raw"
CATALOG = Catalog(42, 60)
DAYS = history_days(date(2022, 12, 28), date(2023, 1, 3))


@pytest.fixture
def raw(aws):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=RAW)
    return s3


def _keys(s3) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=RAW).get("Contents", []))


def _export(tmp_path, name="my_spotify_data.zip"):
    return write_export(tmp_path / name, CATALOG, export_streams(CATALOG, DAYS), rows_per_file=100)


def _event(key: str) -> dict:
    return {
        "detail-type": "Object Created",
        "source": "aws.s3",
        "detail": {"bucket": {"name": RAW}, "object": {"key": key}},
    }


def test_an_export_becomes_history_pages_and_a_manifest_of_their_own(raw, tmp_path):
    path = _export(tmp_path)
    streams = export_streams(CATALOG, DAYS)

    summary = import_history(RawBucket(RAW), path, "imports/my_spotify_data.zip")

    assert summary["status"] == STATUS_IMPORTED and summary["rows"] == len(streams)
    manifest = Manifest.from_json(raw.get_object(Bucket=RAW, Key=summary["manifest_key"])["Body"].read().decode())
    assert manifest.api_mode == ApiMode.HISTORY_EXPORT and {f.source for f in manifest.files} == {Source.HISTORY_EXPORT}
    assert manifest.history_import is not None and manifest.history_import.rows == len(streams)
    assert manifest.ingest_date == "2023-01-03" and manifest.run_id.startswith("20230103T")
    pages = [
        json.loads(line)
        for f in manifest.files
        for line in part_lines(raw.get_object(Bucket=RAW, Key=f.key)["Body"].read())
    ]
    rows = [row for page in pages for row in page["response"]["items"]]
    assert len(rows) == len(streams)
    assert sorted(r["ts"] for r in rows) == sorted(s.ts.strftime("%Y-%m-%dT%H:%M:%SZ") for s in streams)


def test_personal_fields_never_reach_the_pages(raw, tmp_path):
    summary = import_history(RawBucket(RAW), _export(tmp_path), "imports/my_spotify_data.zip")

    text = "".join(
        "\n".join(part_lines(raw.get_object(Bucket=RAW, Key=key)["Body"].read())) for key in summary["files"]
    )
    assert not [name for name in PERSONAL_FIELDS if f'"{name}"' in text]
    assert "203.0.113." not in text


def test_the_same_export_imported_twice_is_imported_once(raw, tmp_path):
    path = _export(tmp_path)
    first = import_history(RawBucket(RAW), path, "imports/my_spotify_data.zip")
    keys = _keys(raw)

    again = import_history(RawBucket(RAW), path, "imports/my_spotify_data (1).zip")

    assert again["status"] == STATUS_ALREADY_IMPORTED and again["manifest_key"] == first["manifest_key"]
    assert "imported already" in again["message"]
    assert _keys(raw) == keys


def _rejected(raw, path, name) -> str:
    summary = import_history(RawBucket(RAW), path, name)
    assert summary["status"] == STATUS_REJECTED
    assert _keys(raw) == [], "a rejected upload writes nothing"
    assert "\n" not in summary["error"]
    return summary["error"]


def test_a_file_that_is_not_an_export_is_rejected_with_one_line(raw, tmp_path):
    path = tmp_path / "holiday.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not a zip")

    assert "imports/holiday.jpg is not a Spotify streaming history export" in _rejected(
        raw, path, "imports/holiday.jpg"
    )


def test_a_zip_without_history_files_is_rejected(raw, tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "hello")

    assert "holds no Streaming_History_Audio_*.json file" in _rejected(raw, path, "imports/photos.zip")


def test_the_short_account_data_export_is_rejected_naming_the_export_to_request(raw, tmp_path):
    path = tmp_path / "my_spotify_data.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("MyData/StreamingHistory_music_0.json", '[{"endTime": "2023-01-01 12:34"}]')

    assert "request 'Extended streaming history'" in _rejected(raw, path, "imports/my_spotify_data.zip")


def test_a_truncated_zip_is_rejected_and_nothing_is_half_loaded(raw, tmp_path):
    whole = _export(tmp_path).read_bytes()
    path = tmp_path / "cut.zip"
    path.write_bytes(whole[: len(whole) * 2 // 3])

    assert "is a damaged ZIP" in _rejected(raw, path, "imports/cut.zip")


def test_a_damaged_member_late_in_the_zip_is_rejected_before_anything_is_written(raw, tmp_path):
    members = export_members(CATALOG, export_streams(CATALOG, DAYS), rows_per_file=100)
    last = sorted(m for m in members if "Audio" in m)[-1]
    members[last] = members[last][:-40]  # a JSON array cut short
    path = tmp_path / "edited.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)

    assert f"{last} is not valid JSON" in _rejected(raw, path, "imports/edited.zip")


def test_an_unknown_field_set_is_rejected_naming_the_field(raw, tmp_path):
    members = export_members(CATALOG, export_streams(CATALOG, DAYS), rows_per_file=100)
    first = sorted(m for m in members if "Audio" in m)[0]
    rows = json.loads(members[first])
    rows[3]["listening_mood"] = "happy"
    members[first] = json.dumps(rows).encode()
    path = tmp_path / "future.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)

    error = _rejected(raw, path, "imports/future.zip")
    assert f"{first} row 4 has the field 'listening_mood'" in error and "does not know this export's format" in error


def test_one_audio_json_file_can_be_uploaded_on_its_own(raw, tmp_path):
    members = export_members(CATALOG, export_streams(CATALOG, DAYS), rows_per_file=100)
    name = sorted(m for m in members if "Audio" in m)[0]
    path = tmp_path / name.rsplit("/", 1)[-1]
    path.write_bytes(members[name])

    summary = import_history(RawBucket(RAW), path, f"imports/{path.name}")

    assert summary["status"] == STATUS_IMPORTED and summary["rows"] == len(json.loads(members[name]))


def test_the_upload_event_starts_an_import_of_that_object(raw, tmp_path, monkeypatch):
    monkeypatch.setenv("RAW_BUCKET", RAW)
    raw.upload_file(str(_export(tmp_path)), RAW, f"{IMPORTS_PREFIX}my_spotify_data.zip")

    summary = import_upload(_event(f"{IMPORTS_PREFIX}my_spotify_data.zip"), temp_root=str(tmp_path))

    assert summary["status"] == STATUS_IMPORTED
    assert summary["upload_key"] == "imports/my_spotify_data.zip"


def test_an_event_for_another_prefix_is_refused_with_one_line(raw, monkeypatch):
    monkeypatch.setenv("RAW_BUCKET", RAW)

    summary = import_upload(_event("spotify/ingest_date=2026-11-24/run_id=x/_manifest.json"))

    assert summary["status"] == STATUS_REJECTED and "is not an upload under s3://" in summary["error"]


def test_an_upload_over_the_size_the_function_holds_is_refused_before_download(raw, tmp_path, monkeypatch):
    monkeypatch.setenv("RAW_BUCKET", RAW)
    monkeypatch.setattr("history_import.importer.MAX_UPLOAD_BYTES", 1024)
    raw.upload_file(str(_export(tmp_path)), RAW, f"{IMPORTS_PREFIX}my_spotify_data.zip")

    summary = import_upload(_event(f"{IMPORTS_PREFIX}my_spotify_data.zip"), temp_root=str(tmp_path / "none"))

    assert summary["status"] == STATUS_REJECTED
    assert (
        "over the import's" in summary["error"]
        and "Streaming_History_Audio_*.json files one by one" in summary["error"]
    )
    assert _keys(raw) == ["imports/my_spotify_data.zip"]
