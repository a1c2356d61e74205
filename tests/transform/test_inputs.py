"""The job's input: runs located from their manifests, and raw files checked against them before any output."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from transform_fixtures import RawRun, top_artists_page

from contracts.manifest import CaptureRef, Manifest, ManifestFile
from extract.raw_writer import part_bytes
from transforms.inputs import JobInputError, RunInput, read_verified_pages

MANIFEST_KEY = "spotify/ingest_date=2026-11-24/run_id=20261124T061500Z-0a1b2c3d/_manifest.json"


def _manifest(**changes) -> Manifest:
    manifest = Manifest("20261124T061500Z-0a1b2c3d", "2026-11-24", "t0", "t1", "complete", "development")
    return replace(manifest, **changes)


@pytest.mark.parametrize(
    ("manifest_uri", "raw_root"),
    [(f"s3://raw-bucket/{MANIFEST_KEY}", "s3://raw-bucket/"), (f"/stage/raw/{MANIFEST_KEY}", "/stage/raw/")],
)
def test_the_raw_root_is_the_manifest_uri_without_the_manifest_key(manifest_uri, raw_root):
    assert RunInput.locate(manifest_uri, _manifest()).raw_root == raw_root


def test_a_manifest_that_is_not_at_its_run_key_is_refused():
    with pytest.raises(JobInputError, match="is not at its run's key spotify/ingest_date=2026-11-24/run_id="):
        RunInput.locate("s3://raw-bucket/spotify/copy-of-manifest.json", _manifest())


def _written(raw_run: RawRun) -> RunInput:
    raw_run.page("top_artists", top_artists_page("Björk"))
    raw_run.page("top_artists", top_artists_page("Mø", offset=1))
    manifest_path = raw_run.write()
    return RunInput.locate(str(manifest_path), Manifest.from_json(manifest_path.read_text(encoding="utf-8")))


def _rewrite(path: Path, lines: list[str]) -> None:
    path.write_bytes(part_bytes(lines))


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_raw_files_that_match_their_manifest_are_read_once_each(spark, raw_run):
    run = _written(raw_run)

    pages = read_verified_pages(spark, [run])

    assert pages.count() == 2


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        # the file lost a page: it is smaller
        (lambda path, lines: _rewrite(path, lines[:1]), "bytes where its manifest lists"),
        # the same size, other content
        (lambda path, lines: _flip_a_byte(path), "has another sha256 than its manifest lists"),
        (lambda path, lines: path.unlink(), "does not exist"),
    ],
    ids=["truncated", "changed", "missing"],
)
def test_a_raw_file_that_changed_after_the_extraction_stops_the_job(spark, raw_run, tamper, expected):
    # Given a run whose page file no longer is what its manifest says
    run = _written(raw_run)
    raw_file = run.raw_files()[0]
    tamper(Path(raw_file.uri), raw_run.lines["top_artists"])

    # When its pages are read, Then the job stops with one line naming the file
    with pytest.raises(JobInputError, match=expected) as stopped:
        read_verified_pages(spark, [run])
    assert raw_file.key in str(stopped.value)
    assert "\n" not in str(stopped.value)


def test_a_line_count_that_disagrees_with_the_manifest_stops_the_job(spark, raw_run):
    run = _written(raw_run)
    [listed] = run.manifest.files
    miscounted = replace(run, manifest=replace(run.manifest, files=[replace(listed, lines=3)]))

    with pytest.raises(JobInputError, match="has 2 lines where its manifest lists 3"):
        read_verified_pages(spark, [miscounted])


def test_a_listed_file_outside_its_run_or_of_an_unknown_source_is_refused(raw_run):
    run = _written(raw_run)
    [listed] = run.manifest.files
    elsewhere = replace(listed, key=listed.key.replace("2026-11-24", "2026-11-23"))
    unknown = replace(listed, source="podcasts")

    with pytest.raises(JobInputError, match="outside its run's prefix"):
        replace(run, manifest=replace(run.manifest, files=[elsewhere])).raw_files()
    with pytest.raises(JobInputError, match="unknown source 'podcasts'"):
        replace(run, manifest=replace(run.manifest, files=[unknown])).raw_files()


def test_files_of_the_captures_a_run_hands_off_are_read_with_its_own_and_no_other_capture_s():
    capture_prefix = "spotify/captures/capture_date=2026-11-23/capture_id=20261123T103000Z-00aa11bb/"
    listed = ManifestFile(capture_prefix + "recently_played/part-00000.jsonl.gz", "recently_played", 1, 10, "0" * 64)
    handed_off = CaptureRef("20261123T103000Z-00aa11bb", capture_prefix + "_capture.json")
    run = RunInput.locate(f"/stage/raw/{MANIFEST_KEY}", _manifest(files=[listed], captures=[handed_off]))

    assert [f.uri for f in run.raw_files()] == ["/stage/raw/" + listed.key]
    not_handed_off = replace(run, manifest=replace(run.manifest, captures=[]))
    with pytest.raises(JobInputError, match="and the prefixes of the captures it hands off"):
        not_handed_off.raw_files()


def test_the_same_run_twice_in_one_job_is_refused(spark, raw_run):
    run = _written(raw_run)

    with pytest.raises(JobInputError, match="are the same run 20261124T061500Z-0a1b2c3d; pass each run once"):
        read_verified_pages(spark, [run, run])
