"""One import of a listener's history export: an upload under `imports/` -> raw-zone pages and a manifest of their own.

The import reads the upload twice, one audio file at a time:
1. it checks every file and row (export_format, archive) and finds the newest stream; a bad upload ends here with
   one line, having written nothing;
2. it writes the rows, without their personal fields, as `history_export` pages (`ROWS_PER_PAGE` rows per envelope
   line) under the import's own run prefix, then `_manifest.json` last, which starts the transform as a daily
   run's does: the existing transform, pipes and merges carry the plays to `fact_play`.

The run prefix is a function of the upload's content: `ingest_date` is the day of the newest stream and the run id
its time with the upload's SHA-256 (`20261130T235959Z-1a2b3c4d`). So the same export uploaded again finds its
manifest and stops ("already imported"), and an import that failed after some pages rewrites the same keys when
run again; pages without a manifest are inert, as a failed extraction's are. A different export of the same
listener (a newer one) overlaps the first: `fact_play` keeps each play once by its key (contracts.model MATCH_PLAYS).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contracts.manifest import STATUS_COMPLETE, HistoryImport, Manifest
from contracts.raw_zone import IMPORTS_PREFIX, ApiMode, RunLocation, Source, history_tracks_key, new_run_id
from extract.raw_bucket import RawBucket
from extract.raw_writer import RawWriter
from extract.requester import RawPage, utc_timestamp
from history_import.archive import history_files
from history_import.export_format import ExportError, stream_end, track_id_of

log = logging.getLogger(__name__)

ROWS_PER_PAGE = 1_000
# 50 pages of 1,000 rows: a part file is about 2 MB of gzip, and the writer holds one part in memory.
PAGES_PER_FILE = 50
STATUS_IMPORTED = "imported"
STATUS_ALREADY_IMPORTED = "already_imported"
STATUS_REJECTED = "rejected"


@dataclass(frozen=True)
class Scan:
    """What the first pass found: the audio files, the rows, the period and the location the import writes to."""

    files: int
    rows: int
    first: datetime
    last: datetime
    sha256: str

    @property
    def location(self) -> RunLocation:
        return RunLocation(self.last.date(), new_run_id(self.last.strftime("%Y%m%dT%H%M%SZ"), self.sha256[:8]))


def upload_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as upload:
        for block in iter(lambda: upload.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan(path: Path, name: str) -> Scan:
    """Check every file and row of the upload (ExportError on the first problem) and find its period."""
    files = rows = 0
    first = last = None
    for history in history_files(path, name):
        files += 1
        rows += len(history.rows)
        for row in history.rows:
            end = stream_end(row)
            first = end if first is None or end < first else first
            last = end if last is None or end > last else last
    if first is None or last is None:
        raise ExportError(f"{name} holds no plays (its streaming history files are empty); nothing to import")
    return Scan(files, rows, first, last, upload_sha256(path))


def import_history(
    bucket: RawBucket,
    upload_path: Path,
    upload_key: str,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> dict[str, Any]:
    """Import the upload at `upload_path` (read from `upload_key` of the raw bucket); returns the summary. A bad
    upload gives a `rejected` summary whose `error` is one line; nothing is written for it."""
    started = now()
    try:
        found = scan(upload_path, upload_key)
    except ExportError as error:
        log.error("history import of %s rejected: %s", upload_key, error)
        return {"status": STATUS_REJECTED, "upload_key": upload_key, "error": str(error)}
    location = found.location
    summary = {"upload_key": upload_key, "run_id": location.run_id, "manifest_key": location.manifest_key}
    if bucket.get(location.manifest_key) is not None:
        message = (
            f"{upload_key} was imported already (manifest {location.manifest_key}); nothing to do: its plays are in "
            "the warehouse once"
        )
        log.info(message)
        return {**summary, "status": STATUS_ALREADY_IMPORTED, "message": message, "rows": 0}
    writer = RawWriter(bucket, location, ApiMode.HISTORY_EXPORT, pages_per_file=PAGES_PER_FILE)
    fetched_at = utc_timestamp(started)
    pages = 0
    track_ids: set[str] = set()
    for history in history_files(upload_path, upload_key):
        track_ids.update(found for found in map(track_id_of, history.rows) if found is not None)
        for offset in range(0, len(history.rows), ROWS_PER_PAGE):
            rows = history.rows[offset : offset + ROWS_PER_PAGE]
            writer.add(
                RawPage(
                    source=Source.HISTORY_EXPORT,
                    entity_id=history.member,
                    endpoint="history_export",
                    url=f"s3://{bucket.name}/{upload_key}#{history.member}",
                    params={"offset": str(offset), "limit": str(len(rows))},
                    status=200,
                    fetched_at=fetched_at,
                    response={"items": rows},
                )
            )
            pages += 1
    files = writer.close()
    # Before the manifest: the daily runs enrich these tracks through the API (extract.history_tracks).
    bucket.put(
        history_tracks_key(location.run_id),
        json.dumps({"run_id": location.run_id, "track_ids": sorted(track_ids)}).encode("utf-8"),
        content_type="application/json",
    )
    manifest = Manifest(
        run_id=location.run_id,
        ingest_date=location.ingest_date.isoformat(),
        started_at=utc_timestamp(started),
        finished_at=utc_timestamp(now()),
        status=STATUS_COMPLETE,
        api_mode=ApiMode.HISTORY_EXPORT,
        files=files,
        history_import=HistoryImport(
            upload_key=upload_key,
            upload_sha256=found.sha256,
            files=found.files,
            rows=found.rows,
            first_ts=utc_timestamp(found.first),
            last_ts=utc_timestamp(found.last),
        ),
    )
    bucket.put(location.manifest_key, manifest.to_json().encode("utf-8"), content_type="application/json")
    log.info(
        "history import %s: %d rows from %d file(s) of %s, %s to %s, in %d pages",
        location.run_id,
        found.rows,
        found.files,
        upload_key,
        manifest.history_import and manifest.history_import.first_ts,
        manifest.history_import and manifest.history_import.last_ts,
        pages,
    )
    return {
        **summary,
        "status": STATUS_IMPORTED,
        "rows": found.rows,
        "pages": pages,
        "files": [f.key for f in files],
        "history_import": asdict(manifest.history_import) if manifest.history_import else None,
    }


def is_upload_key(key: str) -> bool:
    return key.startswith(IMPORTS_PREFIX) and not key.endswith("/")
