"""Property-based fuzzing of the Glue transform: any raw run, however broken its pages, is transformed without a
crash, and every page and record is accounted for.

The runs come from raw_payloads (generated from the transform's own raw schemas, with nulls, missing keys, wrong
types, extreme lengths and non-ASCII text). `make test` runs a few examples (hypothesis profile `ci`, see
conftest.py); `HYPOTHESIS_PROFILE=long` runs many more.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import example, given
from raw_payloads import edge_case_run, raw_run

from contracts.manifest import STATUS_COMPLETE, Manifest
from contracts.model import TABLES
from contracts.processed_zone import (
    PAGES_QUARANTINE,
    model_partition_prefix,
    quarantine_partition_prefix,
    run_report_key,
)
from contracts.raw_zone import RunLocation, Source
from extract.raw_writer import described_part
from transforms import ENTRY_SCRIPT
from transforms.field_types import FITS_TYPE, UNNAMED_FIELD, first_unfit
from transforms.job import main
from transforms.schemas import envelope

pytestmark = pytest.mark.fuzz

LOCATION = RunLocation(date(2026, 11, 24), "20261124T061500Z-0f0e0d0c")

# Where each source's pages hold records that become rows of a fact table one to one: (table, paths to the lists).
# A path is the keys from the body to a list; the first object found among alternatives is the one read.
FACT_LISTS: dict[str, tuple[str, tuple[tuple[str, ...], ...]]] = {
    Source.RECENTLY_PLAYED: ("fact_play", (("items",),)),
    Source.SAVED_TRACKS: ("fact_saved_track", (("items",),)),
    Source.TOP_TRACKS: ("fact_top_item", (("items",),)),
    Source.TOP_ARTISTS: ("fact_top_item", (("items",),)),
    Source.PLAYLIST_ITEMS: ("fact_playlist_item", (("items",),)),
    Source.PLAYLISTS: ("fact_playlist_item", (("items", "items"), ("tracks", "items"))),
}


def write_run(root: Path, files: dict[str, list[str]]) -> Path:
    """Page files and a manifest that lists them, as the extraction writes them; returns the manifest's path."""
    listed = []
    for source, lines in files.items():
        body, described = described_part(LOCATION.page_file_key(source, 0), source, lines)
        (root / described.key).parent.mkdir(parents=True, exist_ok=True)
        (root / described.key).write_bytes(body)
        listed.append(described)
    manifest = Manifest(
        run_id=LOCATION.run_id,
        ingest_date=LOCATION.ingest_date.isoformat(),
        started_at="2026-11-24T06:15:00.000Z",
        finished_at="2026-11-24T06:15:09.000Z",
        status=STATUS_COMPLETE,
        api_mode="development",
        files=listed,
    )
    path = root / LOCATION.manifest_key
    path.write_text(manifest.to_json(), encoding="utf-8")
    return path


def rows_in(directory: Path) -> list[dict[str, Any]]:
    return [row for part in sorted(directory.glob("*.parquet")) for row in pq.read_table(part).to_pylist()]


def original_line(record: str) -> str:
    """The raw line a page quarantine row keeps: the line itself, or `{"line": ...}` around one that is no envelope."""
    try:
        wrapped = json.loads(record)
    except ValueError:
        return record
    return wrapped["line"] if isinstance(wrapped, dict) and list(wrapped) == ["line"] else record


def records_in(line: str, source: str) -> int | None:
    """How many fact records a readable page carries, as the raw JSON says; None when a list is there but is not
    a list of records the schema can read (then the page must have been quarantined)."""
    if source not in FACT_LISTS:
        return 0
    body = json.loads(line).get("response")
    for path in FACT_LISTS[source][1]:
        found: Any = body
        for key in path[:-1]:
            found = found.get(key) if isinstance(found, dict) else None
        if isinstance(found, dict):
            records = found.get(path[-1])
            if records is None:
                return 0
            readable = isinstance(records, list) and all(r is None or isinstance(r, dict) for r in records)
            return len(records) if readable else None
    return 0


@given(run=raw_run())
@example(run=edge_case_run())
def test_any_raw_run_is_transformed_and_every_record_is_accounted_for(spark, run: dict[str, list[str]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        # Given a run whose pages are broken in any way the schemas allow
        raw, processed = Path(scratch, "raw"), Path(scratch, "processed")
        manifest = write_run(raw, run)

        # When the job transforms it
        arguments = ["--JOB_NAME", "fuzz", "--manifest_uri", str(manifest), "--processed_uri", str(processed)]
        assert main([str(ENTRY_SCRIPT), *arguments], spark=spark) == 0

        # Then every line was read, and each one is a page read or a page quarantined with its rule
        report = json.loads((processed / run_report_key(LOCATION.ingest_date.isoformat(), LOCATION.run_id)).read_text())
        day, run_id = LOCATION.ingest_date.isoformat(), LOCATION.run_id
        assert report["pages"]["read"] == sum(len(lines) for lines in run.values())
        quarantined_pages = rows_in(processed / quarantine_partition_prefix(PAGES_QUARANTINE, day, run_id))
        pages = report["pages"]
        assert len(quarantined_pages) == pages["malformed"] == sum(pages["quarantine_rules"].values())

        # And per table, input = output + quarantined + documented drops, and the files hold exactly that
        for table in TABLES:
            counts = report["tables"][table.name]
            assert counts["input"] == counts["output"] + counts["quarantined"] + sum(counts["dropped"].values())
            assert len(rows_in(processed / model_partition_prefix(table.name, day, run_id))) == counts["output"]
            quarantined = rows_in(processed / quarantine_partition_prefix(table.name, day, run_id))
            assert len(quarantined) == counts["quarantined"] == sum(counts["quarantine_rules"].values())
            assert {row["rule"] for row in quarantined} == set(counts["quarantine_rules"])

        # And a page with a value of the wrong type is quarantined naming that field (or an unknown one for a line
        # that is not strict JSON), and every page read has every value of its declared type: none became null
        for row in quarantined_pages:
            if row["rule"].startswith(FITS_TYPE + ":"):
                line = json.loads(original_line(row["record"]))
                expected_field = first_unfit(line, envelope(line["source"]))
                assert row["rule"] in {f"{FITS_TYPE}:{expected_field}", f"{FITS_TYPE}:{UNNAMED_FIELD}"}, row
        kept_out = {original_line(row["record"]) for row in quarantined_pages}
        for source, lines in run.items():
            for line in lines:
                if line not in kept_out:
                    unfit = first_unfit(json.loads(line), envelope(source))
                    assert unfit is None, f"a {source} page was read with {unfit} of the wrong type: {line[:300]}"

        # And every record of every page that was not quarantined reached its fact table's candidates
        expected: Counter[str] = Counter()
        for source, lines in run.items():
            for line in lines:
                if line in kept_out:
                    continue
                records = records_in(line, source)
                assert records is not None, f"a {source} page was read but its records cannot be: {line[:300]}"
                if source in FACT_LISTS:
                    expected[FACT_LISTS[source][0]] += records
        for table_name in {table for table, _ in FACT_LISTS.values()}:
            assert report["tables"][table_name]["input"] == expected[table_name], table_name
