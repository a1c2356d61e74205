"""The run manifest: the last object an extraction run writes, and the only thing that starts a transform.

Producer: `lambda_src/extract`. Consumers: `glue_jobs` (processes exactly the files listed), the local runtime,
tests. A run that fails writes no manifest, so nothing downstream starts. Pure standard library.

    {"manifest_version": 1, "run_id": "...", "ingest_date": "2026-11-24",
     "started_at": "...", "finished_at": "...",
     "status": "complete" | "partial",          # partial: stopped on the time budget, `pending` says what is left
     "api_mode": "development" | "extended",
     "fallbacks": [{"endpoint": "...", "status": 403, "fallback": "..."}],
     "files": [{"key": "...", "source": "...", "lines": 3, "bytes": 1234, "sha256": "..."}],
     "calls": {"<source>": 12, ...},            # API calls made per source (retries included)
     "min_calls": {"<source>": 12, ...},        # the fewest calls the mode allows for what was fetched
     "cursors": {"recently_played_after": "1764..."},
     "errors": [{"source": "...", "entity_id": "...", "status": 404, "message": "..."}],
     "pending": [{"source": "...", "entity_id": "..."}],
     "captures": [{"capture_id": "...", "manifest_key": "spotify/captures/.../_capture.json"}],
     "gaps": [{"source": "recently_played", "gap_from": "...", "gap_to": "...", "detected_by": "<run or capture>"}],
     "not_found": [{"source": "musicbrainz_recordings", "entity_id": "<ISRC>"}],
     "history_import": null | {"upload_key": "imports/...", "upload_sha256": "...", "files": 5, "rows": 81234,
                               "first_ts": "...", "last_ts": "..."}}

`captures` are the captures of recently played (contracts/raw_zone.py) this run hands to the transform: their
files are in `files` too (keys under each capture's prefix), so the transform reads exactly `files`, as ever.
`gaps` are the gaps of this run's own read and of the captures it hands off (`PlayGap`).

`not_found` are the lookups of a second source that found nothing (an ISRC MusicBrainz does not know): an answer,
not an error, with no page. `pending` also lists the MusicBrainz lookups the enrichment's own time budget
([musicbrainz] time_budget_seconds) left for the next run, in a run that is otherwise complete.

A capture writes its own `_capture.json` (`CaptureManifest`), last of its objects; it starts nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

MANIFEST_VERSION = 1
STATUS_COMPLETE = "complete"
STATUS_PARTIAL = "partial"


class ManifestError(ValueError):
    """A manifest does not follow this contract; the message names the field."""


@dataclass(frozen=True)
class ManifestFile:
    key: str
    source: str
    lines: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class EntityError:
    """One entity the API refused (a deleted playlist, a removed id): recorded, and the run goes on."""

    source: str
    entity_id: str | None
    status: int | None
    message: str


@dataclass(frozen=True)
class Fallback:
    """An endpoint the API refused for this app, and what the run used instead."""

    endpoint: str
    status: int
    fallback: str


@dataclass(frozen=True)
class PendingWork:
    """Work a partial run left for the next run (the time budget ran out)."""

    source: str
    entity_id: str | None


@dataclass(frozen=True)
class PlayGap:
    """A read of recently played that could not reach back to its cursor: the page was full (the API keeps only
    the latest 50 plays) and its oldest play is newer than the cursor. Plays after `gap_from` and before `gap_to`
    (both exclusive, ISO 8601 UTC played_at) may be lost for good; none outside it is. `gap_from` is null for the
    very first read (no cursor yet: everything before `gap_to` is beyond the API's reach)."""

    source: str
    gap_from: str | None
    gap_to: str
    detected_by: str  # the run or capture id whose read found it


@dataclass(frozen=True)
class NotFound:
    """A lookup the source answered with "no such entity" (404): recorded, not retried every day."""

    source: str
    entity_id: str


@dataclass(frozen=True)
class CaptureRef:
    """A capture handed to the transform by a daily run."""

    capture_id: str
    manifest_key: str


@dataclass(frozen=True)
class HistoryImport:
    """What a history import's manifest says of the upload it read (history_import): the upload's key and SHA-256,
    its audio files, the rows imported and the period they cover (ISO 8601 UTC ends of streams)."""

    upload_key: str
    upload_sha256: str
    files: int
    rows: int
    first_ts: str
    last_ts: str


@dataclass
class Manifest:
    run_id: str
    ingest_date: str
    started_at: str
    finished_at: str
    status: str
    api_mode: str
    files: list[ManifestFile] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    min_calls: dict[str, int] = field(default_factory=dict)
    cursors: dict[str, str] = field(default_factory=dict)
    errors: list[EntityError] = field(default_factory=list)
    fallbacks: list[Fallback] = field(default_factory=list)
    pending: list[PendingWork] = field(default_factory=list)
    captures: list[CaptureRef] = field(default_factory=list)
    gaps: list[PlayGap] = field(default_factory=list)
    not_found: list[NotFound] = field(default_factory=list)
    manifest_version: int = MANIFEST_VERSION
    # Set by a history import only (`api_mode` "history_export"): the upload its files came from.
    history_import: HistoryImport | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, indent=1)

    @classmethod
    def from_json(cls, text: str, where: str = "manifest") -> Manifest:
        """Parse and check a manifest; `where` (its key or path) goes into every error message."""
        raw = _ManifestObject(text, where, ("run_id", "ingest_date", "started_at", "finished_at", "status", "api_mode"))
        if raw["status"] not in (STATUS_COMPLETE, STATUS_PARTIAL):
            raise ManifestError(f"{where} has status {raw['status']!r}; expected complete or partial")
        return cls(
            run_id=raw["run_id"],
            ingest_date=raw["ingest_date"],
            started_at=raw["started_at"],
            finished_at=raw["finished_at"],
            status=raw["status"],
            api_mode=raw["api_mode"],
            files=raw.records("files", ManifestFile),
            calls=raw.counts("calls"),
            min_calls=raw.counts("min_calls"),
            cursors=raw.counts("cursors"),
            errors=raw.records("errors", EntityError),
            fallbacks=raw.records("fallbacks", Fallback),
            pending=raw.records("pending", PendingWork),
            captures=raw.records("captures", CaptureRef),
            gaps=raw.records("gaps", PlayGap),
            not_found=raw.records("not_found", NotFound),
            history_import=raw.record("history_import", HistoryImport),
        )

    @property
    def total_lines(self) -> int:
        return sum(f.lines for f in self.files)


@dataclass
class CaptureManifest:
    """The last object a capture of recently played writes (`contracts.raw_zone.CaptureLocation.manifest_key`).

        {"manifest_version": 1, "capture_id": "...", "capture_date": "2026-11-24",
         "started_at": "...", "finished_at": "...", "api_mode": "...",
         "files": [...], "calls": {...}, "min_calls": {...}, "cursors": {"recently_played_after": "..."},
         "errors": [...], "gaps": [...]}

    A capture that fails writes none and does not move the cursor; the next capture reads the same plays again."""

    capture_id: str
    capture_date: str
    started_at: str
    finished_at: str
    api_mode: str
    files: list[ManifestFile] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    min_calls: dict[str, int] = field(default_factory=dict)
    cursors: dict[str, str] = field(default_factory=dict)
    errors: list[EntityError] = field(default_factory=list)
    gaps: list[PlayGap] = field(default_factory=list)
    manifest_version: int = MANIFEST_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, indent=1)

    @classmethod
    def from_json(cls, text: str, where: str = "capture manifest") -> CaptureManifest:
        raw = _ManifestObject(text, where, ("capture_id", "capture_date", "started_at", "finished_at", "api_mode"))
        return cls(
            capture_id=raw["capture_id"],
            capture_date=raw["capture_date"],
            started_at=raw["started_at"],
            finished_at=raw["finished_at"],
            api_mode=raw["api_mode"],
            files=raw.records("files", ManifestFile),
            calls=raw.counts("calls"),
            min_calls=raw.counts("min_calls"),
            cursors=raw.counts("cursors"),
            errors=raw.records("errors", EntityError),
            gaps=raw.records("gaps", PlayGap),
        )


class _ManifestObject(dict):
    """A manifest's JSON object, checked for its version and required string fields; typed reads of the rest."""

    def __init__(self, text: str, where: str, required: tuple[str, ...]) -> None:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise ManifestError(f"{where} is not valid JSON ({error.msg} at line {error.lineno})") from None
        if not isinstance(raw, dict):
            raise ManifestError(f"{where} must be a JSON object")
        version = raw.get("manifest_version")
        if version != MANIFEST_VERSION:
            raise ManifestError(f"{where} has manifest_version {version!r}; this code reads {MANIFEST_VERSION}")
        for name in required:
            if not isinstance(raw.get(name), str):
                raise ManifestError(f"{where} needs the string field {name!r}")
        super().__init__(raw)
        self.where = where

    def records(self, name: str, record_type: type) -> list[Any]:
        values = self.get(name, [])
        if not isinstance(values, list):
            raise ManifestError(f"{self.where} field {name!r} must be a list")
        try:
            return [record_type(**value) for value in values]
        except TypeError as error:
            raise ManifestError(f"{self.where} has a malformed entry in {name!r}: {error}") from None

    def record(self, name: str, record_type: type) -> Any:
        value = self.get(name)
        if value is None:
            return None
        try:
            return record_type(**value)
        except TypeError as error:
            raise ManifestError(f"{self.where} has a malformed {name!r}: {error}") from None

    def counts(self, name: str) -> dict[str, Any]:
        value = self.get(name, {})
        if not isinstance(value, dict):
            raise ManifestError(f"{self.where} field {name!r} must be an object")
        return value
